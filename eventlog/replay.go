package eventlog

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Replay support: the board as it was at any moment of the log's retention
// window is an older state plus the entries after it. The log keeps one
// snapshot per [Options.ArchiveEvery] besides the latest ("archives"), so
// that rebuilding any moment replays at most that much of the log.

const (
	// archivePrefix names the archived snapshots: "at/" and the seq, 20
	// digits, so that names sort as seqs do.
	archivePrefix = "at/"
	// timeMetadata is the object metadata key holding the time of the
	// archived snapshot's entry (RFC 3339, nanoseconds).
	timeMetadata = "time"
)

// Archive describes one snapshot kept for replay.
type Archive struct {
	// Seq is the last entry the snapshot reflects.
	Seq uint64
	// Time is when that entry was stored.
	Time time.Time
}

// Archives returns the snapshots kept for replay, oldest first.
func (l *Log) Archives(ctx context.Context) ([]Archive, error) {
	lister, err := l.snaps.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("eventlog: list archived snapshots: %w", err)
	}
	var out []Archive
	for _, info := range lister {
		if !strings.HasPrefix(info.Name, archivePrefix) || info.Deleted {
			continue
		}
		a, err := archiveOf(info)
		if err != nil {
			l.log.Warn("Ignoring an archived snapshot without valid metadata", "name", info.Name, "error", err)
			continue
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Archive) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// LoadArchive returns the archived snapshot of entry seq (see [Log.Archives]).
func (l *Log) LoadArchive(ctx context.Context, seq uint64) ([]byte, error) {
	res, err := l.snaps.Get(ctx, archiveName(seq))
	if err != nil {
		return nil, fmt.Errorf("eventlog: load archived snapshot at seq %d: %w", seq, err)
	}
	defer res.Close()
	data, err := io.ReadAll(res)
	if err != nil {
		return nil, fmt.Errorf("eventlog: load archived snapshot at seq %d: %w", seq, err)
	}
	return data, nil
}

// archive keeps data, the snapshot after entry seq, for replay when the
// newest archive is ArchiveEvery older than entry seq, and deletes the
// archives older than the log's retention (their entries are gone, so
// nothing can be replayed from them). Called by SaveSnapshot.
func (l *Log) archive(ctx context.Context, seq uint64, data []byte) error {
	if l.opts.ArchiveEvery < 0 || seq == 0 {
		return nil
	}
	l.archMu.Lock()
	defer l.archMu.Unlock()
	if !l.archLoaded {
		archives, err := l.Archives(ctx)
		if err != nil {
			return err
		}
		if n := len(archives); n > 0 {
			l.archLast = archives[n-1]
		}
		l.archLoaded = true
	}
	if seq <= l.archLast.Seq {
		return nil
	}
	stream, err := l.js.Stream(ctx, l.opts.Stream)
	if err != nil {
		return fmt.Errorf("eventlog: archive snapshot: %w", err)
	}
	msg, err := stream.GetMsg(ctx, seq)
	if err != nil {
		return fmt.Errorf("eventlog: archive snapshot: read entry %d: %w", seq, err)
	}
	if !l.archLast.Time.IsZero() && msg.Time.Sub(l.archLast.Time) < l.opts.ArchiveEvery {
		return nil
	}
	meta := jetstream.ObjectMeta{
		Name: archiveName(seq),
		Metadata: map[string]string{
			seqMetadata:  strconv.FormatUint(seq, 10),
			timeMetadata: msg.Time.UTC().Format(time.RFC3339Nano),
		},
	}
	if _, err := l.snaps.Put(ctx, meta, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("eventlog: archive snapshot at seq %d: %w", seq, err)
	}
	l.archLast = Archive{Seq: seq, Time: msg.Time}
	return l.pruneArchives(ctx, msg.Time.Add(-l.opts.MaxAge))
}

// pruneArchives deletes the archives older than before.
func (l *Log) pruneArchives(ctx context.Context, before time.Time) error {
	archives, err := l.Archives(ctx)
	if err != nil {
		return err
	}
	for _, a := range archives {
		if !a.Time.Before(before) {
			break // archives sort by seq, and so by time
		}
		if err := l.snaps.Delete(ctx, archiveName(a.Seq)); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			return fmt.Errorf("eventlog: delete archived snapshot at seq %d: %w", a.Seq, err)
		}
	}
	return nil
}

func archiveName(seq uint64) string { return fmt.Sprintf("%s%020d", archivePrefix, seq) }

func archiveOf(info *jetstream.ObjectInfo) (Archive, error) {
	seq, err := seqOf(info)
	if err != nil {
		return Archive{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, info.Metadata[timeMetadata])
	if err != nil {
		return Archive{}, fmt.Errorf("eventlog: archived snapshot has no valid %q metadata: %w", timeMetadata, err)
	}
	return Archive{Seq: seq, Time: t}, nil
}

// Read calls fn with the entries after seq after, in order, up to the last
// entry the log held when Read was called, and stops early when fn returns
// false. Unlike [Log.Consume] it does not follow new entries: it reads a
// range of history. A missing entry (expired or lost) is an error wrapping
// [ErrGap].
func (l *Log) Read(ctx context.Context, after uint64, fn func(Entry) bool) error {
	end, err := l.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("eventlog: read after %d: %w", after, err)
	}
	if after >= end {
		return nil
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if after > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = after + 1
	}
	cons, err := l.js.OrderedConsumer(ctx, l.opts.Stream, cfg)
	if err != nil {
		return fmt.Errorf("eventlog: read after %d: create consumer: %w", after, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return fmt.Errorf("eventlog: read after %d: subscribe: %w", after, err)
	}
	defer it.Stop()
	for last := after; last < end; {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("eventlog: read after %d: %w", last, err)
		}
		e, _, err := entryOf(msg)
		if err != nil {
			return fmt.Errorf("eventlog: read after %d: %w", last, err)
		}
		if e.Seq != last+1 {
			return &GapError{Want: last + 1, Next: e.Seq}
		}
		if err := l.waitDurable(ctx, e.Seq); err != nil {
			return fmt.Errorf("eventlog: read after %d: %w", last, err)
		}
		if !fn(e) {
			return nil
		}
		last = e.Seq
	}
	return nil
}
