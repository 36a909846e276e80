package sqsingress

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/wallboard/wallboard/wildix"
)

// SignatureAttribute is the message attribute in which Wildix puts the
// lower-case hex HMAC-SHA256 of the message body.
const SignatureAttribute = "X-SIGNATURE"

// Defaults for the zero values of [Options].
const (
	// DefaultWaitTime is the long-polling wait, the longest SQS allows: an
	// idle consumer makes three requests a minute.
	DefaultWaitTime = 20 * time.Second
	// DefaultVisibilityTimeout hides a received message from other
	// receivers. It is extended while a handler runs, so it bounds how long
	// a message stays hidden after this process dies, not how long a
	// handler may take.
	DefaultVisibilityTimeout = 30 * time.Second
	// DefaultMaxBackoff caps the pause between failed receives.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultDrainTimeout bounds how long Run waits for the batch in hand
	// once its context is done. It is below the 30 s a container runtime
	// usually grants between SIGTERM and SIGKILL.
	DefaultDrainTimeout = 10 * time.Second
	// DefaultUnreadyAfter is how long receives may fail (or not complete)
	// before Ready reports an error. It is longer than DefaultWaitTime, so
	// that a long poll in progress is not mistaken for an outage.
	DefaultUnreadyAfter = time.Minute
)

const (
	// batchSize is the most messages one ReceiveMessage returns.
	batchSize = 10
	// minBackoff is the first pause after a failure; it doubles with each
	// consecutive failure up to Options.MaxBackoff.
	minBackoff = 250 * time.Millisecond
	// receiveSlack is added to the long-polling wait to bound a receive
	// whose connection silently died: SQS answers within the wait.
	receiveSlack = 15 * time.Second
	// maxVisibilityTimeout is the longest visibility timeout SQS accepts.
	maxVisibilityTimeout = 12 * time.Hour
)

// Handler stores one verified event body.
//
// It returns nil once the body is durably stored, is a duplicate of one
// stored before, or is deliberately ignored: the message is then deleted.
// It returns an error wrapping [ErrRejected] when the body can never be
// stored (retrying cannot help): the message is then recorded and deleted.
// Any other error means the body may be stored later: the message stays in
// the queue and SQS delivers it again once its visibility timeout expires.
//
// The context is cancelled when the consumer gives up waiting for the
// handler (see [Options.DrainTimeout]). Errors are logged with the message
// ID: they must not quote the body.
type Handler func(ctx context.Context, body []byte) error

// ErrRejected marks a [Handler] error as permanent: the message can never
// succeed and is deleted.
var ErrRejected = errors.New("rejected")

// API is the part of the SQS API a [Consumer] calls. *sqs.Client
// implements it.
type API interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
}

// Options configure a [Consumer]. QueueURL, Client and Secrets are
// required; a zero duration means its default.
type Options struct {
	// QueueURL is the queue the Wildix integration sends to, as shown in
	// the SQS console: https://sqs.REGION.amazonaws.com/ACCOUNT/NAME.
	QueueURL string
	// Client calls SQS, usually the *sqs.Client from [NewClient].
	Client API
	// Secrets are the keys a message's signature may be made with; more
	// than one while a key is being changed. Wildix signs SQS messages with
	// the AWS secret access key entered in the integration.
	Secrets [][]byte
	// Logger receives the consumer's records; nil discards them.
	Logger *slog.Logger

	// WaitTime is the long-polling wait, whole seconds from 1 s to 20 s.
	WaitTime time.Duration
	// VisibilityTimeout is requested with every receive, whole seconds
	// from 1 s to 12 h. While messages of a batch are unsettled, their
	// timeout is renewed every half of it.
	VisibilityTimeout time.Duration
	// MaxBackoff caps the pause, growing exponentially with jitter, after
	// a failed receive or a handler's transient failure.
	MaxBackoff time.Duration
	// DrainTimeout bounds how long Run, once its context is done, lets the
	// handlers of the batch in hand run.
	DrainTimeout time.Duration
	// UnreadyAfter is how long receives may fail, or none complete, before
	// Ready reports an error.
	UnreadyAfter time.Duration
}

// Stats is a snapshot of a [Consumer]'s counters, for export as metrics.
// Counters count messages unless they say otherwise; a message delivered
// twice is counted twice.
type Stats struct {
	// Received counts messages received.
	Received uint64
	// Handled counts messages the handler stored (returned nil for).
	Handled uint64
	// BadSignature counts messages deleted unseen by the handler because
	// their signature was missing or matched none of the secrets.
	BadSignature uint64
	// Rejected counts messages deleted because the handler rejected them.
	Rejected uint64
	// HandlerErrors counts messages left in the queue for redelivery
	// because the handler failed for a reason that may pass.
	HandlerErrors uint64
	// ReceiveErrors counts failed ReceiveMessage calls.
	ReceiveErrors uint64
	// DeleteErrors counts settled messages that could not be deleted; SQS
	// delivers them again.
	DeleteErrors uint64
	// VisibilityErrors counts messages whose visibility timeout could not
	// be extended; SQS may deliver them again while they are handled.
	VisibilityErrors uint64

	// Lag is how long the oldest message of the latest receive had waited
	// in the queue (from its SentTimestamp), or zero if that receive
	// returned no message.
	Lag time.Duration
	// LastReceive is when a receive last succeeded; zero if none has.
	LastReceive time.Time
}

// A Consumer receives the messages of one SQS queue and hands them to a
// [Handler]. Run one Consumer per queue (per Wildix integration); several
// processes may consume the same queue.
type Consumer struct {
	opts   Options
	keys   *wildix.Keys // opts.Secrets, prepared
	handle Handler
	log    *slog.Logger

	mu           sync.Mutex // guards the fields below
	stats        Stats
	running      bool
	failingSince time.Time // since when receives fail, or none completed; zero after a success
	lastErr      error     // the latest receive's error; nil if it succeeded
}

// New returns a Consumer of opts.QueueURL that hands verified messages to
// h. It reports an error if an option is missing or out of range.
func New(opts Options, h Handler) (*Consumer, error) {
	if h == nil {
		return nil, errors.New("sqsingress: the handler is nil")
	}
	if err := opts.normalize(); err != nil {
		return nil, fmt.Errorf("sqsingress: %w", err)
	}
	return &Consumer{
		opts:   opts,
		keys:   wildix.NewKeys(opts.Secrets),
		handle: h,
		log:    opts.Logger.With(slog.String("queue_url", opts.QueueURL)),
	}, nil
}

// normalize applies defaults and checks o.
func (o *Options) normalize() error {
	if o.QueueURL == "" {
		return errors.New("the queue URL is empty")
	}
	if o.Client == nil {
		return errors.New("the SQS client is nil")
	}
	if len(o.Secrets) == 0 {
		return errors.New("no signing secret is configured")
	}
	for i, s := range o.Secrets {
		if len(s) == 0 {
			return fmt.Errorf("signing secret %d is empty", i+1)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&o.WaitTime, DefaultWaitTime)
	setDefault(&o.VisibilityTimeout, DefaultVisibilityTimeout)
	setDefault(&o.MaxBackoff, DefaultMaxBackoff)
	setDefault(&o.DrainTimeout, DefaultDrainTimeout)
	setDefault(&o.UnreadyAfter, DefaultUnreadyAfter)
	if err := wholeSeconds("the wait time", o.WaitTime, time.Second, DefaultWaitTime); err != nil {
		return err
	}
	if err := wholeSeconds("the visibility timeout", o.VisibilityTimeout, time.Second, maxVisibilityTimeout); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"the maximum back-off", o.MaxBackoff}, {"the drain timeout", o.DrainTimeout}, {"the unready delay", o.UnreadyAfter}} {
		if d.v < 0 {
			return fmt.Errorf("%s is negative (%v)", d.name, d.v)
		}
	}
	return nil
}

func setDefault(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// wholeSeconds checks that d is a whole number of seconds in [lo, hi], as
// SQS counts them.
func wholeSeconds(name string, d, lo, hi time.Duration) error {
	if d < lo || d > hi || d%time.Second != 0 {
		return fmt.Errorf("%s must be a whole number of seconds from %v to %v, not %v", name, lo, hi, d)
	}
	return nil
}

// Run receives and handles messages until ctx is done, then stops
// receiving, lets the handlers of the batch in hand finish (for at most
// Options.DrainTimeout), deletes the messages they settled, and returns nil.
// Messages whose handler did not finish stay in the queue.
//
// Run survives SQS being unreachable: it retries with exponential back-off
// and jitter, and [Consumer.Ready] reports the outage. It returns an error
// only if the Consumer is already running.
func (c *Consumer) Run(ctx context.Context) error {
	if err := c.start(); err != nil {
		return err
	}
	defer c.stop()

	failures := 0 // consecutive failed receives or batches
	for ctx.Err() == nil {
		sent := time.Now()
		msgs, err := c.receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			pause := backoff(failures, c.opts.MaxBackoff)
			c.log.Warn("Cannot receive from SQS", slog.Int("attempt", failures), slog.Duration("retry_in", pause), slog.Any("error", err))
			if !sleep(ctx, pause) {
				break
			}
			continue
		}
		if c.process(ctx, msgs, sent) {
			failures = 0
			continue
		}
		// A handler failed for a reason that may pass, such as the event
		// log being down: pause rather than churn through the queue, where
		// every receive counts towards a redrive policy's maxReceiveCount.
		failures++
		if !sleep(ctx, backoff(failures, c.opts.MaxBackoff)) {
			break
		}
	}
	return nil
}

// start marks c running, or reports that it already is.
func (c *Consumer) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return fmt.Errorf("sqsingress: the consumer of %s is already running", c.opts.QueueURL)
	}
	c.running = true
	c.failingSince = time.Now()
	c.lastErr = nil
	return nil
}

func (c *Consumer) stop() {
	c.mu.Lock()
	c.running = false
	c.mu.Unlock()
}

// receive long-polls for a batch and records the outcome.
func (c *Consumer) receive(ctx context.Context) ([]types.Message, error) {
	rctx, cancel := context.WithTimeout(ctx, c.opts.WaitTime+receiveSlack)
	defer cancel()
	out, err := c.opts.Client.ReceiveMessage(rctx, &sqs.ReceiveMessageInput{
		QueueUrl:              aws.String(c.opts.QueueURL),
		MaxNumberOfMessages:   batchSize,
		WaitTimeSeconds:       int32(c.opts.WaitTime / time.Second),
		VisibilityTimeout:     int32(c.opts.VisibilityTimeout / time.Second),
		MessageAttributeNames: []string{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{
			types.MessageSystemAttributeNameSentTimestamp,
		},
		// The deprecated spelling of MessageSystemAttributeNames, which
		// SQS still honours and some SQS-compatible servers only know.
		//lint:ignore SA1019 kept for SQS-compatible servers, see above
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeName(types.MessageSystemAttributeNameSentTimestamp),
		},
	})
	now := time.Now()

	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			// Shutting down: not a failure of the queue.
			return nil, ctx.Err()
		}
		c.stats.ReceiveErrors++
		if c.failingSince.IsZero() {
			c.failingSince = now
		}
		c.lastErr = err
		return nil, fmt.Errorf("receive messages: %w", err)
	}
	c.stats.Received += uint64(len(out.Messages))
	c.stats.LastReceive = now
	c.stats.Lag = lag(out.Messages, now)
	c.failingSince = time.Time{}
	c.lastErr = nil
	return out.Messages, nil
}

// lag is how long the oldest of msgs has waited since it was sent, or zero.
func lag(msgs []types.Message, now time.Time) time.Duration {
	var oldest time.Duration
	for _, m := range msgs {
		ms, err := strconv.ParseInt(m.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)], 10, 64)
		if err != nil {
			continue
		}
		oldest = max(oldest, now.Sub(time.UnixMilli(ms)))
	}
	return oldest
}

// process hands the messages of a batch, received by a request sent at
// sent, over one at a time, in the order received, and settles each. It
// reports false if a handler failed for a reason that may pass.
func (c *Consumer) process(ctx context.Context, msgs []types.Message, sent time.Time) (ok bool) {
	if len(msgs) == 0 {
		return true
	}
	bctx, cancel := c.drainContext(ctx)
	defer cancel()
	b := &batch{msgs: msgs, settled: make([]bool, len(msgs))}
	defer c.keepHidden(bctx, b, sent)()

	ok = true
	for i, m := range msgs {
		if bctx.Err() != nil {
			// The drain timeout expired: leave the rest in the queue.
			return ok
		}
		id := aws.ToString(m.MessageId)
		body := []byte(aws.ToString(m.Body))
		if reason := c.verify(m, body); reason != "" {
			c.count(func(s *Stats) { s.BadSignature++ })
			c.log.Warn("Deleting SQS message with a bad signature", slog.String("message_id", id), slog.String("reason", reason))
			c.delete(bctx, b, i)
			continue
		}
		err := c.handle(bctx, body)
		switch {
		case err == nil:
			c.count(func(s *Stats) { s.Handled++ })
			c.delete(bctx, b, i)
		case errors.Is(err, ErrRejected):
			// Deleted rather than left to a redrive policy: the queue may
			// have none, and Wildix never sends a corrected version, so a
			// kept message would be received and rejected again forever.
			// The record is this log line (never the body) and the counter.
			c.count(func(s *Stats) { s.Rejected++ })
			c.log.Warn("Deleting SQS message the handler rejected", slog.String("message_id", id), slog.Any("error", err))
			c.delete(bctx, b, i)
		default:
			ok = false
			c.count(func(s *Stats) { s.HandlerErrors++ })
			c.log.Warn("Cannot hand over SQS message; SQS will deliver it again", slog.String("message_id", id), slog.Any("error", err))
			b.settle(i)
		}
	}
	return ok
}

// verify returns why m's signature is not valid for body, or "".
func (c *Consumer) verify(m types.Message, body []byte) string {
	sig, ok := signature(m)
	switch {
	case !ok:
		return "no " + SignatureAttribute + " string attribute"
	case !c.keys.Verify(body, sig):
		return SignatureAttribute + " does not match the body for any configured secret"
	}
	return ""
}

// signature returns m's signature attribute. SQS attribute names are
// case-sensitive; Wildix documents X-SIGNATURE, but a differently-cased
// name costs nothing to accept.
func signature(m types.Message) (string, bool) {
	if v, ok := m.MessageAttributes[SignatureAttribute]; ok && v.StringValue != nil {
		return *v.StringValue, true
	}
	for name, v := range m.MessageAttributes {
		if strings.EqualFold(name, SignatureAttribute) && v.StringValue != nil {
			return *v.StringValue, true
		}
	}
	return "", false
}

// drainContext returns the context the handlers of a batch run under: it
// ignores ctx's cancellation until DrainTimeout after it, so that a
// shutdown lets the batch finish, but not forever.
func (c *Consumer) drainContext(ctx context.Context) (context.Context, context.CancelFunc) {
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(c.opts.DrainTimeout)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-bctx.Done():
		}
	})
	return bctx, func() {
		stop()
		cancel()
	}
}

// delete settles message i of b and deletes it from the queue. A failure
// is recorded, not returned: SQS then delivers the message again, and it
// meets the same fate, or is collapsed as a duplicate.
func (c *Consumer) delete(ctx context.Context, b *batch, i int) {
	m := b.settle(i)
	_, err := c.opts.Client.DeleteMessage(ctx, &sqs.DeleteMessageInput{
		QueueUrl:      aws.String(c.opts.QueueURL),
		ReceiptHandle: m.ReceiptHandle,
	})
	if err != nil {
		c.count(func(s *Stats) { s.DeleteErrors++ })
		c.log.Warn("Cannot delete SQS message; SQS will deliver it again", slog.String("message_id", aws.ToString(m.MessageId)), slog.Any("error", err))
	}
}

// keepHidden renews the visibility timeout of b's unsettled messages every
// half timeout until the returned function is called, so that a slow
// handler, or a message waiting for its turn, is not delivered to another
// receiver meanwhile.
//
// A message's timeout runs from when SQS picked it for the receive request
// sent at sent, which may be well before the response arrived (during a
// long poll), so the first renewal is due half a timeout after sent, not
// after the response.
func (c *Consumer) keepHidden(ctx context.Context, b *batch, sent time.Time) (stop func()) {
	every := c.opts.VisibilityTimeout / 2
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTimer(max(0, every-time.Since(sent)))
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				c.extend(ctx, b)
				t.Reset(every)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// extend renews the visibility timeout of b's unsettled messages. It holds
// b's lock during the call so that no message is settled, and deleted,
// under it.
func (c *Consumer) extend(ctx context.Context, b *batch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	secs := int32(c.opts.VisibilityTimeout / time.Second)
	var entries []types.ChangeMessageVisibilityBatchRequestEntry
	for i, m := range b.msgs {
		if !b.settled[i] {
			entries = append(entries, types.ChangeMessageVisibilityBatchRequestEntry{
				Id:                aws.String(strconv.Itoa(i)),
				ReceiptHandle:     m.ReceiptHandle,
				VisibilityTimeout: secs,
			})
		}
	}
	if len(entries) == 0 {
		return
	}
	out, err := c.opts.Client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{
		QueueUrl: aws.String(c.opts.QueueURL),
		Entries:  entries,
	})
	if err != nil {
		if ctx.Err() == nil {
			c.count(func(s *Stats) { s.VisibilityErrors += uint64(len(entries)) })
			c.log.Warn("Cannot extend the visibility timeout of SQS messages", slog.Int("messages", len(entries)), slog.Any("error", err))
		}
		return
	}
	for _, f := range out.Failed {
		c.count(func(s *Stats) { s.VisibilityErrors++ })
		id := ""
		if i, err := strconv.Atoi(aws.ToString(f.Id)); err == nil && i >= 0 && i < len(b.msgs) {
			id = aws.ToString(b.msgs[i].MessageId)
		}
		c.log.Warn("Cannot extend the visibility timeout of an SQS message", slog.String("message_id", id), slog.String("code", aws.ToString(f.Code)), slog.String("reason", aws.ToString(f.Message)))
	}
}

// batch is the messages of one receive, and which of them are settled:
// handed over, rejected, or given up on for now.
type batch struct {
	msgs []types.Message

	mu      sync.Mutex // guards settled
	settled []bool
}

// settle marks message i settled and returns it.
func (b *batch) settle(i int) types.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.settled[i] = true
	return b.msgs[i]
}

// count updates c's counters with f.
func (c *Consumer) count(f func(*Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// Stats returns a snapshot of c's counters.
func (c *Consumer) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Ready reports whether c can reach its queue: it returns an error if c is
// not running, or if its receives have failed, or none has completed, for
// longer than Options.UnreadyAfter. A failure shorter than that, which the
// back-off rides out, does not make c unready.
func (c *Consumer) Ready() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.running:
		return fmt.Errorf("the consumer of %s is not running", c.opts.QueueURL)
	case c.failingSince.IsZero() || time.Since(c.failingSince) < c.opts.UnreadyAfter:
		return nil
	case c.lastErr == nil:
		return fmt.Errorf("no receive from %s has completed since %s", c.opts.QueueURL, c.failingSince.UTC().Format(time.RFC3339))
	default:
		return fmt.Errorf("receives from %s have failed since %s: %w", c.opts.QueueURL, c.failingSince.UTC().Format(time.RFC3339), c.lastErr)
	}
}

// backoff is the pause after the given number of consecutive failures
// (from 1): minBackoff doubled per failure, capped at maxBackoff, of which
// a random half is jitter so that consumers do not retry in step.
func backoff(failures int, maxBackoff time.Duration) time.Duration {
	d := maxBackoff
	if shift := failures - 1; shift < 32 {
		d = min(minBackoff<<shift, maxBackoff)
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or for ctx to be done, and reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
