package eventlog

import (
	"context"
	"fmt"
	"time"

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
// On an embedded log, the entries this process appends are handed over by
// its writer as soon as they are on disk; an entry stored otherwise (see
// feed) is delivered, in order, at the latest about a second later.
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
	if l.feed == nil {
		_, err := l.consumeServer(ctx, after, fn, nil)
		return err
	}
	// An embedded log: what this process appends comes from the feed, the
	// rest (what was there before, or what the feed does not hold) from
	// the server.
	check := time.NewTimer(l.feedCheck)
	defer check.Stop()
	last := after // the last entry fn has seen
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, ok, stored, moved := l.feed.get(last + 1)
		switch {
		case ok:
			if err := fn(e); err != nil {
				return fmt.Errorf("eventlog: entry %d: %w", e.Seq, err)
			}
			last = e.Seq
			continue
		case stored:
			if last, err = l.consumeServer(ctx, last, fn, l.feed.holds); err != nil {
				return err
			}
			continue
		}
		check.Reset(l.feedCheck)
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		case <-l.stop:
			return fmt.Errorf("eventlog: consume after %d: %w", last, ErrClosed)
		case <-check.C:
			// An entry stored without the writer hearing back (its
			// answer lost, or found by a storage recovery) shows only
			// in the server.
			if newest, lerr := l.LastSeq(ctx); lerr == nil && newest > last {
				if last, err = l.consumeServer(ctx, last, fn, l.feed.holds); err != nil {
					return err
				}
			}
		}
	}
}

// feedCheck is how long a consumer waits on the feed before it asks the
// server whether it holds an entry the feed never saw; passInactive is how
// long the server keeps the consumer of a finished pass.
const (
	feedCheck    = time.Second
	passInactive = 30 * time.Second
)

// consumeServer calls fn with the entries after the one at last, read from
// the server, and returns the seq of the last one fn has seen. With done
// nil it follows the log until ctx is done or fn fails; otherwise it
// returns once done(next) reports true for the next seq due, or once it has
// caught up with the log's end.
func (l *Log) consumeServer(ctx context.Context, last uint64, fn func(Entry) error, done func(next uint64) bool) (uint64, error) {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if done != nil {
		// A pass that ends when the feed takes over: the server need not
		// keep the consumer long after it.
		cfg.InactiveThreshold = passInactive
	}
	if last > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = last + 1
	}
	cons, err := l.js.OrderedConsumer(ctx, l.opts.Stream, cfg)
	if err != nil {
		return last, fmt.Errorf("eventlog: consume after %d: create consumer: %w", last, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return last, fmt.Errorf("eventlog: consume after %d: subscribe: %w", last, err)
	}
	defer it.Stop()

	for done == nil || !done(last+1) {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			return last, fmt.Errorf("eventlog: consume after %d: %w", last, err)
		}
		e, pending, err := entryOf(msg)
		if err != nil {
			return last, fmt.Errorf("eventlog: consume after %d: %w", last, err)
		}
		if e.Seq != last+1 {
			return last, &GapError{Want: last + 1, Next: e.Seq}
		}
		// Nothing is applied before it is on disk.
		if err := l.waitDurable(ctx, e.Seq); err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			return last, fmt.Errorf("eventlog: consume after %d: %w", last, err)
		}
		if err := fn(e); err != nil {
			return last, fmt.Errorf("eventlog: entry %d: %w", e.Seq, err)
		}
		last = e.Seq
		if done != nil && pending == 0 {
			break
		}
	}
	return last, nil
}

// entryOf is msg as an Entry, with the count of entries after it.
func entryOf(msg jetstream.Msg) (Entry, uint64, error) {
	md, err := msg.Metadata()
	if err != nil {
		return Entry{}, 0, fmt.Errorf("read message metadata: %w", err)
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
	return e, md.NumPending, nil
}
