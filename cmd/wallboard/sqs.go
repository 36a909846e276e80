package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/sqsingress"
	"github.com/wallboard/wallboard/wildix"
)

// sqsQueue is one queue to consume and what its messages may carry.
type sqsQueue struct {
	url         string
	secrets     [][]byte // nil: the wallboard's AWS secret access key
	integration string   // "" for queues from WALLBOARD_SQS_QUEUE_URL: any
	company     string
}

// sqsQueues lists the queues of the environment and of the config file.
func sqsQueues(cfg settings) []sqsQueue {
	var queues []sqsQueue
	var envSecrets [][]byte
	if cfg.SQSSigningSecret != "" {
		envSecrets = [][]byte{[]byte(cfg.SQSSigningSecret)}
	}
	for _, url := range cfg.SQSQueueURLs {
		queues = append(queues, sqsQueue{url: url, secrets: envSecrets})
	}
	if cfg.File != nil {
		for _, in := range cfg.File.Integrations {
			if in.SQSQueueURL != "" {
				queues = append(queues, sqsQueue{url: in.SQSQueueURL, secrets: bytesOf(in.Secrets), integration: in.ID, company: in.Company})
			}
		}
	}
	return queues
}

// startSQS creates one consumer per configured queue. Each hands verified
// message bodies to the server's ingest path, exactly as the webhook does;
// a queue of a configured integration takes only that integration's
// company's events.
func startSQS(ctx context.Context, cfg settings, srv *server.Server, logger *slog.Logger) ([]*sqsingress.Consumer, error) {
	queues := sqsQueues(cfg)
	if len(queues) == 0 {
		return nil, nil
	}
	client, creds, err := sqsingress.NewClient(ctx, cfg.SQSEndpoint)
	if err != nil {
		return nil, fmt.Errorf("SQS client: %w", err)
	}
	var consumers []*sqsingress.Consumer
	var urls []string
	for _, q := range queues {
		secrets := q.secrets
		if len(secrets) == 0 {
			// Wildix signs SQS messages with the AWS secret access key
			// entered in the integration; by default that is the key the
			// wallboard uses.
			if creds.CanExpire || creds.SecretAccessKey == "" {
				return nil, fmt.Errorf("SQS queue %s: no signing secret: with temporary AWS credentials (a role or SSO) set WALLBOARD_SQS_SIGNING_SECRET, or the integration's secrets in the config file, to the secret access key entered in Wildix", q.url)
			}
			secrets = [][]byte{[]byte(creds.SecretAccessKey)}
		}
		c, err := sqsingress.New(sqsingress.Options{
			QueueURL: q.url,
			Client:   client,
			Secrets:  secrets,
			Logger:   logger.With(slog.String("component", "sqs"), slog.String("queue", q.url)),
		}, sqsHandler(srv, q))
		if err != nil {
			return nil, fmt.Errorf("SQS queue %s: %w", q.url, err)
		}
		consumers = append(consumers, c)
		urls = append(urls, q.url)
		srv.AddReadyCheck("sqs "+q.url, c.Ready)
		srv.WatchSQS(server.SQSWatch{URL: q.url, Integration: q.integration, Company: q.company, Ready: c.Ready, Stats: func() server.SQSStats {
			st := c.Stats()
			return server.SQSStats{Received: st.Received, Handled: st.Handled, BadSignature: st.BadSignature, Rejected: st.Rejected,
				Errors: st.HandlerErrors + st.ReceiveErrors + st.DeleteErrors + st.VisibilityErrors, OldestMessageAge: st.Lag}
		}})
	}
	srv.MetricsRegistry().MustRegister(sqsCollector(consumers, urls))
	return consumers, nil
}

// sqsHandler stores a verified message body; an event that can never be
// accepted — not a Wildix event, or another integration's or company's
// on an integration's queue — is rejected, so the consumer deletes it.
func sqsHandler(srv *server.Server, q sqsQueue) sqsingress.Handler {
	return func(ctx context.Context, body []byte) error {
		if q.company != "" {
			if env, err := wildix.Decode(body); err == nil && (env.Company != q.company || env.IntegrationID != q.integration) {
				return fmt.Errorf("%w: the event of integration %q, company %q, arrived on the queue of integration %q, company %q",
					sqsingress.ErrRejected, env.IntegrationID, env.Company, q.integration, q.company)
			}
		}
		_, err := srv.Accept(ctx, body, server.TransportSQS)
		if errors.Is(err, server.ErrInvalid) {
			return fmt.Errorf("%w: %w", sqsingress.ErrRejected, err)
		}
		return err
	}
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
