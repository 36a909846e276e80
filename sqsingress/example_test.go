package sqsingress_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"

	"github.com/wallboard/wallboard/sqsingress"
)

// errMalformed stands for a store's "this body can never be stored" error.
var errMalformed = errors.New("malformed event")

// store stands for the durable event log.
func store(ctx context.Context, body []byte) error { return nil }

// A consumer per queue, signing secret defaulting to the AWS secret access
// key as in Wildix's integration form.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	client, creds, err := sqsingress.NewClient(ctx, os.Getenv("WALLBOARD_SQS_ENDPOINT"))
	if err != nil {
		logger.Error("Cannot configure SQS", slog.Any("error", err))
		return
	}
	secret := os.Getenv("WALLBOARD_SQS_SIGNING_SECRET")
	if secret == "" {
		secret = creds.SecretAccessKey
	}
	handler := func(ctx context.Context, body []byte) error {
		err := store(ctx, body)
		if errors.Is(err, errMalformed) {
			return fmt.Errorf("%w: %w", sqsingress.ErrRejected, err)
		}
		return err
	}
	c, err := sqsingress.New(sqsingress.Options{
		QueueURL: os.Getenv("WALLBOARD_SQS_QUEUE_URL"),
		Client:   client,
		Secrets:  [][]byte{[]byte(secret)},
		Logger:   logger,
	}, handler)
	if err != nil {
		logger.Error("Cannot start the SQS consumer", slog.Any("error", err))
		return
	}
	_ = c.Run(ctx) // until interrupted
}
