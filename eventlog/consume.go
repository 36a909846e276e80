package eventlog

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Consume calls fn with every entry whose Seq is greater than after, in
// order, one at a time, then keeps following new entries as they are
// appended, until ctx is done or fn fails.
//
// fn sees each entry exactly once: Consume never skips an entry and never
// repeats one fn has returned from. It rides out lost connections and server
// restarts by resuming after the last entry fn has seen. If the log no longer
// holds an entry that is due (it outlived MaxAge or was deleted), Consume
// returns an error wrapping [ErrGap] without calling fn for later entries.
//
// If after is beyond the log's last entry, the log is not the one after was
// read from (it was reset, or belongs to another deployment) and Consume
// returns an error wrapping [ErrBeyondEnd] at once, rather than wait for
// entries that would silently leave out everything appended before them.
//
// Consume returns ctx's error when ctx is done, fn's error (wrapped, with the
// entry's seq) when fn fails, and a wrapped error when the log is closed or
// the consumer cannot be created.
func (l *Log) Consume(ctx context.Context, after uint64, fn func(Entry) error) error {
	end, err := l.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("eventlog: consume after %d: %w", after, err)
	}
	if after > end {
		return fmt.Errorf("%w: asked for entries after %d, log ends at %d", ErrBeyondEnd, after, end)
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if after > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = after + 1
	}
	cons, err := l.js.OrderedConsumer(ctx, l.opts.Stream, cfg)
	if err != nil {
		return fmt.Errorf("eventlog: consume after %d: create consumer: %w", after, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("eventlog: consume after %d: subscribe: %w", after, err)
	}
	defer it.Stop()

	last := after // the last entry fn has seen
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("eventlog: consume after %d: %w", last, err)
		}
		e, err := entryOf(msg)
		if err != nil {
			return fmt.Errorf("eventlog: consume after %d: %w", last, err)
		}
		if e.Seq != last+1 {
			return &GapError{Want: last + 1, Next: e.Seq}
		}
		// Nothing is applied before it is on disk.
		if err := l.waitDurable(ctx, e.Seq); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("eventlog: consume after %d: %w", last, err)
		}
		if err := fn(e); err != nil {
			return fmt.Errorf("eventlog: entry %d: %w", e.Seq, err)
		}
		last = e.Seq
	}
}

func entryOf(msg jetstream.Msg) (Entry, error) {
	md, err := msg.Metadata()
	if err != nil {
		return Entry{}, fmt.Errorf("read message metadata: %w", err)
	}
	e := Entry{
		Seq:  md.Sequence.Stream,
		Body: msg.Data(),
		Time: md.Timestamp,
	}
	for k, vs := range msg.Headers() {
		if len(vs) == 0 {
			continue
		}
		if k == nats.MsgIdHdr {
			e.ID = vs[0]
			continue
		}
		if isReserved(k) {
			continue // server instructions such as Nats-Expected-Stream
		}
		if e.Header == nil {
			e.Header = make(map[string]string)
		}
		e.Header[k] = vs[0]
	}
	return e, nil
}
