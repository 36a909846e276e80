package eventlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Group commit. Appends go through one writer goroutine: it takes every
// append queued while the previous write was in flight, publishes them all
// at once (pipelined, each with its own Nats-Msg-Id, so deduplication is
// exactly the server's, per message, across restarts and nodes), waits for
// every acknowledgement, and answers each append with its own seq.
//
// Durability of an embedded log with SyncAlways: the server stores without
// an fsync of its own (a single-replica file stream writes each message to
// the operating system before acknowledging it), and after each write the
// writer flushes the stream's newest block file (and, when the server has
// started a new block, the previous one and their directory) and the mark
// once, for all the appends of that write, before answering any of them
// (see tail; where the files are not as expected, it flushes the whole file
// system with syncfs). Flushing files rather than the file system matters
// on a busy machine: syncfs also waits for whatever other programs have
// written, which made its tail several times an fdatasync's. Consume delivers an
// entry only once it has been flushed. Where syncfs is not available the
// server fsyncs every message itself, as before. On an external cluster the
// pipelined publishes let each stream leader replicate and store what
// arrives together, under the cluster's own fsync policy.
//
// Two JetStream batch APIs were measured for this and not used. An atomic
// batch (allow_atomic, 2.12+) is committed with one fsync, but a
// single-replica file stream stages every batch in a file store of its own
// first: 16 concurrent senders with SyncAlways took 0.9–1.2 ms per append,
// against 0.18 ms for pipelined single publishes each fsynced by the server
// and well under that with one syncfs per write. And a batch with a
// duplicate ID fails whole. The fast-ingest API (allow_batched, 2.14+)
// fsyncs each message, acknowledges flow-control windows rather than
// messages, and skips duplicates silently: an append could learn neither
// its seq nor that it was a duplicate.
const (
	// maxBatch bounds the appends of one write.
	maxBatch = 256
	// maxBatchBytes bounds the bodies of one write.
	maxBatchBytes = 4 << 20
	// queueLen is how many appends may wait for the writer.
	queueLen = 4 * maxBatch
	// maxGather bounds how long the writer of a log that syncs itself
	// waits for the appends of a group (see gatherMore).
	maxGather = 2 * time.Millisecond
	// writeTimeout bounds one write.
	writeTimeout = 5 * time.Second
	// healthAfter is how long a write may wait before an embedded log asks
	// its server whether the storage has failed. A failed store never
	// answers; checking turns the wait into a prompt error.
	healthAfter = 100 * time.Millisecond
)

// codeInsufficientResources is the JetStream API error for a server whose
// storage limit is reached.
const codeInsufficientResources = 10023

// ErrClosed is returned (wrapped) by [Log.Append] once the log is closed.
var ErrClosed = errors.New("eventlog: log closed")

// appendReq is one Append waiting for the writer.
type appendReq struct {
	id     string
	msg    *nats.Msg
	size   int
	feed   bool              // to be handed to the feed once durable
	body   []byte            // for the feed: the message's body, a copy
	header map[string]string // for the feed: a copy of the message's
	res    chan appendResult // capacity 1: the writer never blocks on it
}

type appendResult struct {
	seq uint64
	dup bool
	err error
}

// Append stores m at the end of the log and returns its sequence number once
// the server has acknowledged storage (with Replicas > 1, once a majority of
// replicas has). If m.ID was already stored within the duplicate window,
// nothing is stored: Append returns the earlier entry's seq and
// duplicate == true. A non-nil error means m may or may not be stored; the
// caller should report failure so that the sender retries, and deduplication
// absorbs the retry.
//
// Concurrent appends are stored together in one durable write (see the
// package documentation); each returns only once its own message is stored.
// While the embedded server's storage cannot write (a full or failing disk),
// Append fails at once with an error matching [ErrStorage].
//
// ctx bounds the wait; a write the log has started is bounded by its own
// timeout and may complete after Append has returned ctx's error.
func (l *Log) Append(ctx context.Context, m Message) (seq uint64, duplicate bool, err error) {
	if m.ID == "" {
		return 0, false, errors.New("eventlog: append: message has no ID")
	}
	msg := nats.NewMsg(l.opts.Subject)
	msg.Data = m.Body
	feedBody := l.feed != nil && len(m.Body) <= feedMaxBody
	if feedBody {
		// The feed keeps the entry after Append returns, when the
		// caller may reuse its buffer: publish and keep one copy.
		msg.Data = bytes.Clone(m.Body)
	}
	for k, v := range m.Header {
		if isReserved(k) {
			return 0, false, fmt.Errorf("eventlog: append %s: header %q is reserved", m.ID, k)
		}
		msg.Header.Set(k, v)
	}
	msg.Header.Set(nats.MsgIdHdr, m.ID)
	msg.Header.Set(jetstream.ExpectedStreamHeader, l.opts.Stream)
	if err := l.storageFault(); err != nil {
		return 0, false, fmt.Errorf("eventlog: append %s: %w", m.ID, err)
	}

	req := &appendReq{id: m.ID, msg: msg, size: len(m.Body), res: make(chan appendResult, 1)}
	if feedBody {
		req.body, req.feed = msg.Data, true
		if len(m.Header) > 0 {
			req.header = maps.Clone(m.Header)
		}
	}
	select {
	case l.queue <- req:
	case <-ctx.Done():
		return 0, false, fmt.Errorf("eventlog: append %s: %w", m.ID, ctx.Err())
	case <-l.stop:
		return 0, false, fmt.Errorf("eventlog: append %s: %w", m.ID, ErrClosed)
	}
	select {
	case r := <-req.res:
		if r.err != nil {
			return 0, false, fmt.Errorf("eventlog: append %s: %w", m.ID, r.err)
		}
		return r.seq, r.dup, nil
	case <-ctx.Done():
		return 0, false, fmt.Errorf("eventlog: append %s: %w", m.ID, ctx.Err())
	case <-l.writerDone:
		return 0, false, fmt.Errorf("eventlog: append %s: %w", m.ID, ErrClosed)
	}
}

// writeLoop is the writer: it stores what is queued, one write at a time,
// until the log closes; appends still queued then fail with ErrClosed.
func (l *Log) writeLoop() {
	defer close(l.writerDone)
	batch := make([]*appendReq, 0, maxBatch)
	// expect is how many appends the previous write answered plus those
	// that arrived while it was in flight: the senders active now. lastWrite
	// is how long it took. See gatherMore.
	expect, lastWrite := 1, time.Duration(0)
	for {
		select {
		case r := <-l.queue:
			batch = append(batch[:0], r)
		case <-l.stop:
			for {
				select {
				case r := <-l.queue:
					r.res <- appendResult{err: ErrClosed}
				default:
					return
				}
			}
		}
		size := batch[0].size
	gather:
		for len(batch) < maxBatch && size < maxBatchBytes {
			select {
			case r := <-l.queue:
				batch = append(batch, r)
				size += r.size
			default:
				break gather
			}
		}
		if l.groupSync && len(batch) < expect {
			batch = l.gatherMore(batch, size, expect, lastWrite)
		}
		start := time.Now()
		l.write(batch)
		lastWrite = time.Since(start)
		expect = min(len(batch)+len(l.queue), maxBatch)
		clear(batch) // drop references to answered requests
	}
}

// gatherMore waits, briefly, for the appends that make batch as large as
// the number of senders active during the previous write: those it answered
// are typically about to send again. Without the wait, whoever arrived
// during a write is written next while those it answered come back during
// that next write: senders split into cohorts that take turns, each waiting
// for two syncs instead of one (one cohort of 16 senders becomes two of 8,
// or one of 1 and one of 15). The wait is bounded by maxGather and by the
// previous write's time, so it never costs an append more than the write it
// would otherwise have waited for; a lone sender (expect 1) never waits.
func (l *Log) gatherMore(batch []*appendReq, size, expect int, lastWrite time.Duration) []*appendReq {
	t := time.NewTimer(min(maxGather, lastWrite))
	defer t.Stop()
	for len(batch) < expect && len(batch) < maxBatch && size < maxBatchBytes {
		select {
		case r := <-l.queue:
			batch = append(batch, r)
			size += r.size
		case <-t.C:
			return batch
		case <-l.stop:
			return batch
		}
	}
	return batch
}

// write stores batch durably and answers every request in it.
func (l *Log) write(batch []*appendReq) {
	if err := l.storageFault(); err != nil {
		for _, r := range batch {
			r.res <- appendResult{err: err}
		}
		return
	}
	// The same ID twice in one write (two retries racing): store the first,
	// answer the others as its duplicates.
	uniq := batch
	var firstOf map[int]int // index in batch → index in uniq of its first copy
	if len(batch) > 1 {
		seen := make(map[string]int, len(batch))
		uniq = make([]*appendReq, 0, len(batch))
		for i, r := range batch {
			if j, ok := seen[r.id]; ok {
				if firstOf == nil {
					firstOf = make(map[int]int)
				}
				firstOf[i] = j
				continue
			}
			seen[r.id] = len(uniq)
			uniq = append(uniq, r)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	stopWatch := l.watchStorage(ctx, cancel)
	results := l.store(ctx, uniq)
	stopWatch()
	l.toFeed(uniq, results)

	failed := false
	for i, r := range uniq {
		r.res <- results[i]
		failed = failed || results[i].err != nil
	}
	for i, j := range firstOf {
		res := results[j]
		res.dup = res.err == nil
		batch[i].res <- res
	}
	if failed {
		l.checkStorage()
	}
}

// store publishes reqs and, for a log that syncs itself, flushes them to
// disk before they are answered and before Consume delivers them.
func (l *Log) store(ctx context.Context, reqs []*appendReq) []appendResult {
	results := l.storeEach(ctx, reqs)
	var last uint64
	for _, r := range results {
		if r.err == nil {
			last = max(last, r.seq)
		}
	}
	if last == 0 || l.mark == nil {
		return results
	}
	if err := l.mark.set(last); err != nil {
		l.log.Warn("Cannot record the log's last seq", "error", err)
	}
	if !l.groupSync {
		return results
	}
	start := time.Now()
	if err := l.tail.sync(l.opts.Dir); err != nil {
		// What was written may or may not be on disk: nothing is
		// acknowledged, and the storage is treated as failed.
		l.setStorageFault(err)
		for i := range results {
			results[i] = appendResult{err: l.storageFault()}
		}
		return results
	}
	l.syncs.Add(1)
	l.syncSeconds.Add(uint64(time.Since(start)))
	l.markDurable(last)
	return results
}

// toFeed hands what a write stored, now durable, to the feed's consumers.
func (l *Log) toFeed(reqs []*appendReq, results []appendResult) {
	if l.feed == nil {
		return
	}
	now := time.Now()
	for i, r := range reqs {
		switch res := results[i]; {
		case res.err != nil:
		case res.dup || !r.feed:
			l.feed.stored(res.seq)
		default:
			l.feed.add(Entry{Seq: res.seq, ID: r.id, Body: r.body, Header: r.header, Time: now})
		}
	}
}

// storeEach publishes every request, all in flight at once.
func (l *Log) storeEach(ctx context.Context, reqs []*appendReq) []appendResult {
	results := make([]appendResult, len(reqs))
	futures := make([]jetstream.PubAckFuture, len(reqs))
	for i, r := range reqs {
		f, err := l.js.PublishMsgAsync(r.msg)
		if err != nil {
			results[i].err = l.classify(err)
			continue
		}
		futures[i] = f
	}
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case ack := <-f.Ok():
			results[i] = appendResult{seq: ack.Sequence, dup: ack.Duplicate}
		case err := <-f.Err():
			results[i].err = l.classify(err)
		case <-ctx.Done():
			results[i].err = l.classify(ctx.Err())
		}
	}
	return results
}

// classify turns a write error into what Append returns: the storage fault
// when one is known (it names the cause better than a timeout), else err.
func (l *Log) classify(err error) error {
	var apiErr *jetstream.APIError
	if l.emb != nil && errors.As(err, &apiErr) && apiErr.ErrorCode == codeInsufficientResources {
		// The embedded server's storage limit, computed from the free disk
		// space when it started, is reached: only a restart after space
		// is freed lifts it.
		l.setStorageFault(err)
	}
	if f := l.storageFault(); f != nil {
		return f
	}
	return err
}

// markDurable records that every entry up to seq is on disk.
func (l *Log) markDurable(seq uint64) {
	l.durMu.Lock()
	defer l.durMu.Unlock()
	if seq <= l.durable {
		return
	}
	l.durable = seq
	close(l.durMoved)
	l.durMoved = make(chan struct{})
}

// waitDurable blocks until the entry at seq is on disk (at once for a log
// that does not sync itself) or ctx ends.
func (l *Log) waitDurable(ctx context.Context, seq uint64) error {
	if !l.groupSync {
		return nil
	}
	for {
		l.durMu.Lock()
		done, moved := l.durable >= seq, l.durMoved
		l.durMu.Unlock()
		if done {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		case <-l.stop:
			return ErrClosed
		}
	}
}
