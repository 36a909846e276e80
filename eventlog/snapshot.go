package eventlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	// snapshotObject is the one object the snapshot bucket holds.
	snapshotObject = "latest"
	// seqMetadata is the object metadata key holding the snapshot's seq.
	seqMetadata = "seq"
)

// SaveSnapshot stores data as the state after entry seq, replacing the
// snapshot stored before, for every node to load. Snapshots are stored in
// chunks, so they may exceed the server's message size limit.
//
// A snapshot older than the stored one (a lower seq, saved by a node that is
// behind) is not stored: SaveSnapshot returns nil and the newer one stays.
// If the snapshot bucket was deleted, SaveSnapshot creates it again.
func (l *Log) SaveSnapshot(ctx context.Context, seq uint64, data []byte) error {
	stored, err := l.snapshotSeq(ctx)
	if bucketMissing(err) {
		l.log.Warn("Snapshot bucket missing; creating it again", "bucket", l.snapshotBucket())
		if _, err = l.createSnapshotBucket(ctx); err == nil {
			stored, err = l.snapshotSeq(ctx)
		}
	}
	if err != nil {
		return err
	}
	if stored > seq {
		l.log.Debug("Snapshot not saved, a newer one is stored", "seq", seq, "stored_seq", stored)
		return nil
	}
	meta := jetstream.ObjectMeta{
		Name:     snapshotObject,
		Metadata: map[string]string{seqMetadata: strconv.FormatUint(seq, 10)},
	}
	if _, err := l.snaps.Put(ctx, meta, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("eventlog: save snapshot at seq %d: %w", seq, err)
	}
	// The archive only serves replay: failing to keep one leaves a longer
	// replay, not a wrong board.
	if err := l.archive(ctx, seq, data); err != nil {
		l.log.Warn("Snapshot not archived for replay", "seq", seq, "error", err)
	}
	if l.groupSync {
		if err := syncDir(l.opts.Dir); err != nil {
			return fmt.Errorf("eventlog: save snapshot at seq %d: %w", seq, err)
		}
	}
	return nil
}

// LoadSnapshot returns the latest snapshot and the seq it was saved at, or
// (0, nil, nil) when none was ever saved. Replay the log after seq to catch up.
func (l *Log) LoadSnapshot(ctx context.Context) (seq uint64, data []byte, err error) {
	res, err := l.snaps.Get(ctx, snapshotObject)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("eventlog: load snapshot: %w", err)
	}
	defer res.Close()
	info, err := res.Info()
	if err != nil {
		return 0, nil, fmt.Errorf("eventlog: load snapshot info: %w", err)
	}
	seq, err = seqOf(info)
	if err != nil {
		return 0, nil, err
	}
	// The result reads the chunks of exactly the object Info describes, so
	// seq and data match even if another node saves a newer one meanwhile.
	data, err = io.ReadAll(res)
	if err != nil {
		return 0, nil, fmt.Errorf("eventlog: load snapshot at seq %d: %w", seq, err)
	}
	return seq, data, nil
}

// snapshotSeq returns the seq of the stored snapshot, 0 if there is none.
func (l *Log) snapshotSeq(ctx context.Context) (uint64, error) {
	info, err := l.snaps.GetInfo(ctx, snapshotObject)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("eventlog: read stored snapshot info: %w", err)
	}
	return seqOf(info)
}

// bucketMissing reports whether err says the snapshot bucket does not
// exist. A read from a deleted bucket finds no stream to answer it.
func bucketMissing(err error) bool {
	return errors.Is(err, jetstream.ErrBucketNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) ||
		errors.Is(err, nats.ErrNoResponders)
}

func seqOf(info *jetstream.ObjectInfo) (uint64, error) {
	seq, err := strconv.ParseUint(info.Metadata[seqMetadata], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("eventlog: snapshot object has no valid %q metadata: %w", seqMetadata, err)
	}
	return seq, nil
}
