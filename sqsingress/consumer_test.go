package sqsingress_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/wallboard/wallboard/sqsingress"
	"github.com/wallboard/wallboard/wildix"
)

// recorder is a Handler that records the bodies it is given and answers
// with the result of its respond function (nil if it has none).
type recorder struct {
	respond func(ctx context.Context, body string, call int) error

	mu     sync.Mutex
	bodies []string
}

func (r *recorder) handle(ctx context.Context, body []byte) error {
	r.mu.Lock()
	r.bodies = append(r.bodies, string(body))
	call := len(r.bodies)
	r.mu.Unlock()
	if r.respond == nil {
		return nil
	}
	return r.respond(ctx, string(body), call)
}

// got returns the bodies handed over so far.
func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

// testOptions are options for a consumer of queueURL, fast enough for tests.
func testOptions(t *testing.T, client *sqs.Client, queueURL string) sqsingress.Options {
	return sqsingress.Options{
		QueueURL:     queueURL,
		Client:       client,
		Secrets:      [][]byte{[]byte("an-older-secret"), []byte(testSecret)},
		Logger:       slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
		WaitTime:     time.Second,
		MaxBackoff:   500 * time.Millisecond,
		DrainTimeout: 5 * time.Second,
	}
}

func mustNew(t *testing.T, opts sqsingress.Options, h sqsingress.Handler) *sqsingress.Consumer {
	t.Helper()
	c, err := sqsingress.New(opts, h)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestConsumerHandsOverValidMessagesAndDeletesThem(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "valid")

	want := map[string]int{event(1): 1, event(2): 1, event(3): 3}
	for body, n := range want {
		for range n {
			mustSendSigned(t, client, queue, body)
		}
	}
	rec := &recorder{}
	c := mustNew(t, testOptions(t, client, queue), rec.handle)
	mustRun(t, c)
	waitFor(t, "the consumer runs", func() bool { return c.Ready() == nil })
	if err := c.Run(context.Background()); err == nil {
		t.Error("a second Run of a running consumer returned nil, want an error")
	}

	waitFor(t, "five messages are handed over", func() bool { return len(rec.got()) >= 5 })
	waitEmpty(t, client, queue)

	got := map[string]int{}
	for _, b := range rec.got() {
		got[b]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("handed over %v, want %v (each message once, duplicates included)", got, want)
	}
	s := c.Stats()
	if s.Received != 5 || s.Handled != 5 || s.BadSignature != 0 || s.Rejected != 0 || s.HandlerErrors != 0 || s.DeleteErrors != 0 {
		t.Errorf("Stats() = %+v, want 5 received and handled, no failure", s)
	}
	if s.LastReceive.IsZero() {
		t.Error("Stats().LastReceive is zero after receives succeeded")
	}
	if err := c.Ready(); err != nil {
		t.Errorf("Ready() = %v, want nil", err)
	}
}

func TestConsumerDeletesMessagesWithABadSignatureUnseen(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "bad-signature")

	forged := event(10)
	mustSend(t, client, queue, forged, wildix.Sign([]byte("not-a-configured-secret"), []byte(forged)))
	mustSend(t, client, queue, event(11), "")
	mustSend(t, client, queue, event(12), "not hex")
	tampered := event(13)
	mustSend(t, client, queue, tampered+" ", wildix.Sign([]byte(testSecret), []byte(tampered)))
	mustSendSigned(t, client, queue, event(14))

	rec := &recorder{}
	c := mustNew(t, testOptions(t, client, queue), rec.handle)
	mustRun(t, c)

	waitFor(t, "every message is settled", func() bool {
		s := c.Stats()
		return s.BadSignature+s.Handled == 5
	})
	waitEmpty(t, client, queue)
	if got := rec.got(); len(got) != 1 || got[0] != event(14) {
		t.Errorf("handed over %q, want only the validly signed %q", got, event(14))
	}
	if s := c.Stats(); s.BadSignature != 4 || s.Handled != 1 {
		t.Errorf("Stats() = %+v, want 4 with a bad signature and 1 handled", s)
	}
}

func TestConsumerDeletesRejectedMessages(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "rejected")

	mustSendSigned(t, client, queue, `{"not":"an event"}`)
	rec := &recorder{respond: func(context.Context, string, int) error {
		return fmt.Errorf("%w: the event has no type", sqsingress.ErrRejected)
	}}
	c := mustNew(t, testOptions(t, client, queue), rec.handle)
	mustRun(t, c)

	waitFor(t, "the message is rejected", func() bool { return c.Stats().Rejected == 1 })
	waitEmpty(t, client, queue)
	if got := rec.got(); len(got) != 1 {
		t.Errorf("the handler was called %d times, want once", len(got))
	}
	if s := c.Stats(); s.Handled != 0 || s.HandlerErrors != 0 {
		t.Errorf("Stats() = %+v, want the message counted as rejected only", s)
	}
}

func TestConsumerLeavesAFailedMessageForRedelivery(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "transient")

	var c *sqsingress.Consumer
	lagAtRedelivery := make(chan time.Duration, 1)
	rec := &recorder{respond: func(_ context.Context, _ string, call int) error {
		if call == 1 {
			return errors.New("the event log is unavailable")
		}
		lagAtRedelivery <- c.Stats().Lag
		return nil
	}}
	opts := testOptions(t, client, queue)
	opts.VisibilityTimeout = time.Second
	c = mustNew(t, opts, rec.handle)

	mustSendSigned(t, client, queue, event(20))
	mustRun(t, c)

	waitFor(t, "the message is delivered again", func() bool { return len(rec.got()) >= 2 })
	waitEmpty(t, client, queue)
	if got := rec.got(); len(got) != 2 || got[0] != event(20) || got[1] != event(20) {
		t.Errorf("handed over %q, want the same message twice", got)
	}
	if s := c.Stats(); s.HandlerErrors != 1 || s.Handled != 1 || s.Received != 2 {
		t.Errorf("Stats() = %+v, want 2 received, 1 handler error, 1 handled", s)
	}
	// Redelivered after its 1 s visibility timeout, the message had waited
	// at least that long when it was received again.
	if lag := <-lagAtRedelivery; lag < opts.VisibilityTimeout {
		t.Errorf("Stats().Lag at redelivery = %v, want at least %v", lag, opts.VisibilityTimeout)
	}
}

func TestConsumerExtendsTheVisibilityOfASlowHandlersMessage(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "slow")

	started := make(chan struct{})
	release := make(chan struct{})
	rec := &recorder{respond: func(ctx context.Context, _ string, _ int) error {
		close(started)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	opts := testOptions(t, client, queue)
	opts.VisibilityTimeout = 2 * time.Second
	c := mustNew(t, opts, rec.handle)

	mustSendSigned(t, client, queue, event(30))
	mustRun(t, c)
	<-started

	// Another receiver long-polls for more than twice the visibility
	// timeout: without extensions, the message would reappear for it.
	out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl:        aws.String(queue),
		WaitTimeSeconds: 5,
	})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != 0 {
		t.Fatalf("another receiver got %d messages while the handler ran, want none", len(out.Messages))
	}
	close(release)

	waitEmpty(t, client, queue)
	if got := rec.got(); len(got) != 1 {
		t.Errorf("the handler was called %d times, want once", len(got))
	}
	if s := c.Stats(); s.Handled != 1 || s.VisibilityErrors != 0 {
		t.Errorf("Stats() = %+v, want 1 handled, no visibility error", s)
	}
}

func TestConsumerShutdownFinishesTheBatchInHand(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "shutdown")

	started := make(chan struct{})
	release := make(chan struct{})
	var handlerErrs []error // appended to by the handler, read once Run has returned
	rec := &recorder{respond: func(ctx context.Context, _ string, call int) error {
		if call == 1 {
			close(started)
			<-release
		}
		handlerErrs = append(handlerErrs, ctx.Err())
		return ctx.Err()
	}}
	c := mustNew(t, testOptions(t, client, queue), rec.handle)

	mustSendSigned(t, client, queue, event(40))
	mustSendSigned(t, client, queue, event(41))
	cancel, wait := mustRun(t, c)
	<-started
	cancel()
	close(release)
	wait()

	if got := rec.got(); len(got) != 2 {
		t.Errorf("handed over %d messages, want the 2 of the batch in hand", len(got))
	}
	for _, err := range handlerErrs {
		if err != nil {
			t.Errorf("a handler's context was done (%v) within the drain timeout", err)
		}
	}
	if v, h := queueDepth(t, client, queue); v != 0 || h != 0 {
		t.Errorf("after shutdown the queue holds %d visible and %d hidden messages, want none", v, h)
	}
	if err := c.Ready(); err == nil {
		t.Error("Ready() = nil after Run returned")
	}
}

func TestConsumerShutdownLeavesUnfinishedMessagesInTheQueue(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "drain-timeout")

	started := make(chan struct{})
	rec := &recorder{respond: func(ctx context.Context, _ string, _ int) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	opts := testOptions(t, client, queue)
	opts.VisibilityTimeout = time.Second
	opts.DrainTimeout = 100 * time.Millisecond
	c := mustNew(t, opts, rec.handle)

	mustSendSigned(t, client, queue, event(50))
	cancel, wait := mustRun(t, c)
	<-started
	cancel()
	wait()

	if s := c.Stats(); s.Handled != 0 || s.HandlerErrors != 1 {
		t.Errorf("Stats() = %+v, want 1 handler error, none handled", s)
	}
	// Not deleted: the message is delivered again once its visibility
	// timeout expires.
	out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl:        aws.String(queue),
		WaitTimeSeconds: 5,
	})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != event(50) {
		t.Errorf("after shutdown a receiver got %d messages, want the unfinished one", len(out.Messages))
	}
}

func TestConsumerResumesAfterTheQueueServiceRestarts(t *testing.T) {
	t.Parallel()
	srv := mustStartSQS(t)
	client := newTestClient(srv.endpoint())
	queue := mustCreateQueue(t, client, "restart")

	rec := &recorder{}
	opts := testOptions(t, client, queue)
	opts.UnreadyAfter = 100 * time.Millisecond
	c := mustNew(t, opts, rec.handle)
	mustSendSigned(t, client, queue, event(60))
	mustRun(t, c)
	waitFor(t, "the first message is handed over", func() bool { return len(rec.got()) == 1 })

	srv.stop()
	waitFor(t, "Ready reports the outage", func() bool { return c.Ready() != nil })
	if err := c.Ready(); !strings.Contains(err.Error(), queue) {
		t.Errorf("Ready() = %q, want it to name the queue %s", err, queue)
	}
	if c.Stats().ReceiveErrors == 0 {
		t.Error("Stats().ReceiveErrors = 0 while the queue service is down")
	}

	// The server starts empty: create the queue again, at the same URL.
	mustStartSQSOn(t, srv.port)
	if again := mustCreateQueue(t, client, "restart"); again != queue {
		t.Fatalf("the restarted server's queue URL is %s, want %s", again, queue)
	}
	mustSendSigned(t, client, queue, event(61))
	waitFor(t, "the second message is handed over", func() bool { return len(rec.got()) == 2 })
	waitFor(t, "Ready reports the queue reachable", func() bool { return c.Ready() == nil })
	waitEmpty(t, client, queue)
	if got := rec.got(); got[1] != event(61) {
		t.Errorf("after the restart the handler got %q, want %q", got[1], event(61))
	}
}
