package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/sqsingress"
)

// startSQS creates one consumer per configured queue. Each hands verified
// message bodies to the server's ingest path, exactly as the webhook does.
func startSQS(ctx context.Context, cfg config, srv *server.Server, logger *slog.Logger) ([]*sqsingress.Consumer, error) {
	if len(cfg.SQSQueueURLs) == 0 {
		return nil, nil
	}
	client, creds, err := sqsingress.NewClient(ctx, cfg.SQSEndpoint)
	if err != nil {
		return nil, fmt.Errorf("SQS client: %w", err)
	}
	secret := cfg.SQSSigningSecret
	if secret == "" {
		// Wildix signs SQS messages with the AWS secret access key entered in
		// the integration; by default that is the key the wallboard uses.
		if creds.CanExpire || creds.SecretAccessKey == "" {
			return nil, errors.New("WALLBOARD_SQS_SIGNING_SECRET: required when the wallboard's AWS credentials are temporary (a role or SSO): set it to the secret access key entered in the Wildix integration")
		}
		secret = creds.SecretAccessKey
	}
	handler := func(ctx context.Context, body []byte) error {
		_, err := srv.Accept(ctx, body, server.TransportSQS)
		if errors.Is(err, server.ErrInvalid) {
			return fmt.Errorf("%w: %w", sqsingress.ErrRejected, err)
		}
		return err
	}
	var consumers []*sqsingress.Consumer
	for _, url := range cfg.SQSQueueURLs {
		c, err := sqsingress.New(sqsingress.Options{
			QueueURL: url,
			Client:   client,
			Secrets:  [][]byte{[]byte(secret)},
			Logger:   logger.With(slog.String("component", "sqs"), slog.String("queue", url)),
		}, handler)
		if err != nil {
			return nil, fmt.Errorf("SQS queue %s: %w", url, err)
		}
		consumers = append(consumers, c)
		srv.AddReadyCheck("sqs "+url, c.Ready)
	}
	srv.MetricsRegistry().MustRegister(sqsCollector(consumers, cfg.SQSQueueURLs))
	return consumers, nil
}

// sqsMetrics exports the consumers' counters.
type sqsMetrics struct {
	consumers []*sqsingress.Consumer
	urls      []string
	messages  *prometheus.Desc
	errors    *prometheus.Desc
	lag       *prometheus.Desc
}

func sqsCollector(consumers []*sqsingress.Consumer, urls []string) *sqsMetrics {
	return &sqsMetrics{
		consumers: consumers,
		urls:      urls,
		messages:  prometheus.NewDesc("wallboard_sqs_messages_total", "SQS messages by outcome: received, handled (stored), bad_signature and rejected (both deleted unapplied).", []string{"queue", "outcome"}, nil),
		errors:    prometheus.NewDesc("wallboard_sqs_errors_total", "SQS operations that failed, by operation.", []string{"queue", "op"}, nil),
		lag:       prometheus.NewDesc("wallboard_sqs_oldest_message_age_seconds", "How long the oldest message of the latest receive had waited in the queue.", []string{"queue"}, nil),
	}
}

func (m *sqsMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.messages
	ch <- m.errors
	ch <- m.lag
}

func (m *sqsMetrics) Collect(ch chan<- prometheus.Metric) {
	for i, c := range m.consumers {
		s, q := c.Stats(), m.urls[i]
		for outcome, n := range map[string]uint64{"received": s.Received, "handled": s.Handled, "bad_signature": s.BadSignature, "rejected": s.Rejected} {
			ch <- prometheus.MustNewConstMetric(m.messages, prometheus.CounterValue, float64(n), q, outcome)
		}
		for op, n := range map[string]uint64{"handle": s.HandlerErrors, "receive": s.ReceiveErrors, "delete": s.DeleteErrors, "visibility": s.VisibilityErrors} {
			ch <- prometheus.MustNewConstMetric(m.errors, prometheus.CounterValue, float64(n), q, op)
		}
		ch <- prometheus.MustNewConstMetric(m.lag, prometheus.GaugeValue, s.Lag.Seconds(), q)
	}
}
