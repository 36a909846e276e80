package eventlog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A Table is a small key-value table every node shares, on a JetStream KV
// bucket next to the log: for what the nodes must agree on that is not an
// event, such as revoked sessions and failed logins. It is bounded: a key
// lives at most its TTL after its last write, and once the table holds
// MaxKeys keys, each new write drops the oldest one. Its methods are safe
// for concurrent use.
type Table struct {
	kv jetstream.KeyValue
}

// TableOptions configure a Table.
type TableOptions struct {
	TTL     time.Duration // how long a key lives after its last write; required
	MaxKeys int64         // the most keys held; the oldest is dropped first; required
}

// Table errors.
var (
	// ErrNoKey: the key is not in the table (or has expired).
	ErrNoKey = errors.New("eventlog: no such key")
	// ErrConflict: the key was written since the revision given.
	ErrConflict = errors.New("eventlog: key changed concurrently")
)

// Table opens the table called name (letters, digits, "_" and "-"),
// creating it or updating its bounds.
func (l *Log) Table(ctx context.Context, name string, opts TableOptions) (*Table, error) {
	if opts.TTL <= 0 || opts.MaxKeys <= 0 {
		return nil, fmt.Errorf("eventlog: table %s: a TTL and MaxKeys are required", name)
	}
	bucket := l.opts.Stream + "_" + name
	kv, err := l.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:   bucket,
		History:  1,
		TTL:      opts.TTL,
		Storage:  jetstream.FileStorage,
		Replicas: l.opts.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("eventlog: create table %s on %s: %w", bucket, l.where(), err)
	}
	// A KV bucket refuses new keys once full (DiscardNew); a table drops the
	// oldest instead, so that a flood of new keys cannot stop it working.
	// In a cluster another node may be creating the same bucket at this
	// moment: its stream appears shortly after the create returns.
	stream, err := l.js.Stream(ctx, "KV_"+bucket)
	for try := 0; errors.Is(err, jetstream.ErrStreamNotFound) && try < 50; try++ {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		stream, err = l.js.Stream(ctx, "KV_"+bucket)
	}
	if err != nil {
		return nil, fmt.Errorf("eventlog: table %s on %s: %w", bucket, l.where(), err)
	}
	cfg := stream.CachedInfo().Config
	if cfg.MaxMsgs != opts.MaxKeys || cfg.Discard != jetstream.DiscardOld {
		cfg.MaxMsgs, cfg.Discard = opts.MaxKeys, jetstream.DiscardOld
		if _, err := l.js.UpdateStream(ctx, cfg); err != nil {
			return nil, fmt.Errorf("eventlog: bound table %s on %s: %w", bucket, l.where(), err)
		}
	}
	return &Table{kv: kv}, nil
}

// Get returns key's value and revision, or ErrNoKey.
func (t *Table) Get(ctx context.Context, key string) (value []byte, rev uint64, err error) {
	e, err := t.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, ErrNoKey
	}
	if err != nil {
		return nil, 0, fmt.Errorf("eventlog: get %s: %w", key, err)
	}
	return e.Value(), e.Revision(), nil
}

// Set writes value under key if the key's revision is still rev (0: the
// key must be absent), and fails with ErrConflict otherwise.
func (t *Table) Set(ctx context.Context, key string, value []byte, rev uint64) error {
	var err error
	if rev == 0 {
		_, err = t.kv.Create(ctx, key, value)
	} else {
		_, err = t.kv.Update(ctx, key, value, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("eventlog: set %s: %w", key, err)
	}
	return nil
}

// Put writes value under key, whatever it held.
func (t *Table) Put(ctx context.Context, key string, value []byte) error {
	if _, err := t.kv.Put(ctx, key, value); err != nil {
		return fmt.Errorf("eventlog: put %s: %w", key, err)
	}
	return nil
}

// Delete removes key.
func (t *Table) Delete(ctx context.Context, key string) error {
	if err := t.kv.Delete(ctx, key); err != nil {
		return fmt.Errorf("eventlog: delete %s: %w", key, err)
	}
	return nil
}

// Watch calls fn with every key and value in the table, then caughtUp,
// then fn with every write after, from any node, in order, until ctx ends.
// Deleted keys are not reported.
func (t *Table) Watch(ctx context.Context, fn func(key string, value []byte), caughtUp func()) error {
	w, err := t.kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return fmt.Errorf("eventlog: watch: %w", err)
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return nil
			}
			if e == nil { // the end of the initial values
				caughtUp()
				continue
			}
			fn(e.Key(), e.Value())
		}
	}
}
