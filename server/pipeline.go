package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/views"
	"github.com/wallboard/wallboard/wildix"
)

// Log headers written by the ingress and read back by the pipeline.
const (
	headerKind        = "Wallboard-Kind"
	headerIntegration = "Wallboard-Integration"
	headerReceived    = "Wallboard-Received"

	kindTick = "tick"
)

// EventLog is what the server needs from the durable log. *eventlog.Log
// implements it; tests substitute a log that fails.
type EventLog interface {
	Append(ctx context.Context, m eventlog.Message) (seq uint64, duplicate bool, err error)
	Consume(ctx context.Context, after uint64, fn func(eventlog.Entry) error) error
	LastSeq(ctx context.Context) (uint64, error)
	SaveSnapshot(ctx context.Context, seq uint64, data []byte) error
	LoadSnapshot(ctx context.Context) (seq uint64, data []byte, err error)
	Ready(ctx context.Context) error
}

// publisher is the hub as the pipeline sees it.
type publisher interface {
	Watched(topic string) bool
	Publish(topic string, seq uint64, msg []byte)
	Prime(topic string, seq uint64, msgs [][]byte) error
}

// state is the board and the log position it reflects. The pipeline
// goroutine is its only writer; page, API and WebSocket handlers read it.
type state struct {
	mu    sync.RWMutex
	board *board.Board
	// logSeq is the log sequence of the last entry applied.
	logSeq uint64

	// waiters wait for entries to be applied, in the order of their seq;
	// each is woken once, when its entry is.
	waitMu  sync.Mutex
	applied uint64
	waiters []waiter
}

// waiter is a waitApplied call: ch is closed once the entry at seq is
// applied.
type waiter struct {
	seq uint64
	ch  chan struct{}
}

func newState(b *board.Board) *state {
	return &state{board: b}
}

// read runs fn with the board locked for reading.
func (s *state) read(fn func(b *board.Board, logSeq uint64)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.board, s.logSeq)
}

// advance records that every log entry up to seq has been applied, and
// wakes the waiters for those entries only: a webhook waiting for its own
// entry is not woken for each entry before it.
func (s *state) advance(seq uint64) {
	s.waitMu.Lock()
	defer s.waitMu.Unlock()
	if seq <= s.applied {
		return
	}
	s.applied = seq
	n := 0
	for n < len(s.waiters) && s.waiters[n].seq <= seq {
		close(s.waiters[n].ch)
		n++
	}
	if n > 0 {
		s.waiters = slices.Delete(s.waiters, 0, n)
	}
}

// waitApplied blocks until the entry at seq has been applied, ctx ends or
// timeout passes. It costs no timer when the entry is applied already.
func (s *state) waitApplied(ctx context.Context, seq uint64, timeout time.Duration) error {
	s.waitMu.Lock()
	if s.applied >= seq {
		s.waitMu.Unlock()
		return nil
	}
	w := waiter{seq: seq, ch: make(chan struct{})}
	// Appends are mostly answered in seq order: the place is usually last.
	i := len(s.waiters)
	for i > 0 && s.waiters[i-1].seq > seq {
		i--
	}
	s.waiters = slices.Insert(s.waiters, i, w)
	s.waitMu.Unlock()

	t := time.NewTimer(timeout)
	defer t.Stop()
	var err error
	select {
	case <-w.ch:
		return nil
	case <-t.C:
		err = context.DeadlineExceeded
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.waitMu.Lock()
	defer s.waitMu.Unlock()
	if i := slices.IndexFunc(s.waiters, func(o waiter) bool { return o.ch == w.ch }); i >= 0 {
		s.waiters = slices.Delete(s.waiters, i, i+1)
		return err
	}
	return nil // applied meanwhile
}

// pipeline consumes the log in order, applies each entry to the board, and
// publishes what changed to every audience that has clients: rendered once
// per audience, the same bytes for each of its clients, and nothing for an
// audience nobody watches. Apply and publish happen on one goroutine, so
// pushes leave in log order, each with the log seq of its entry.
type pipeline struct {
	log       EventLog
	state     *state
	door      *doorEvents // nil: decode every entry
	history   *history    // where closed days go; nil: nowhere
	hub       publisher
	audiences []views.Audience // every audience the configuration allows, when views is nil
	views     *audienceViews
	metrics   *metrics
	logger    *slog.Logger

	snapshotEvery    int
	snapshotInterval time.Duration

	// replaying is true until the pipeline has caught up with the log as it
	// stood at start: no pushes go out for history (browsers connected by
	// then get the caught-up view once).
	replaying  bool
	replayTo   uint64
	caughtUpCh chan struct{}

	// Snapshots are encoded on the pipeline goroutine (a consistent view)
	// and stored by another, so that a slow store never delays pushes.
	sinceSave int
	lastSave  time.Time
	snapshots chan snapshot // capacity 1: a newer snapshot replaces a waiting one
	saveMu    sync.Mutex    // serialises stores; guards savedSeq
	savedSeq  uint64
}

// snapshot is an encoded board and the log sequence it reflects.
type snapshot struct {
	seq  uint64
	data []byte
}

// restore loads the latest snapshot into the board. A snapshot that cannot
// be loaded or decoded (corrupted or truncated bytes, another format
// version, a missing bucket) never stops the start: the board starts empty
// and run rebuilds it by replaying the whole log, and the warning says so.
// Only ctx ending is an error.
func (p *pipeline) restore(ctx context.Context) error {
	seq, data, err := p.log.LoadSnapshot(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("load snapshot: %w", ctx.Err())
		}
		p.snapshotUnusable(err)
		return nil
	}
	if data == nil {
		return nil
	}
	p.state.mu.Lock()
	defer p.state.mu.Unlock()
	// UnmarshalBinary changes the board only when the whole snapshot decodes.
	if err := p.state.board.UnmarshalBinary(data); err != nil {
		p.snapshotUnusable(fmt.Errorf("decode snapshot at log seq %d (%d bytes): %w", seq, len(data), err))
		return nil
	}
	p.state.logSeq = seq
	p.savedSeq = seq
	p.state.advance(seq)
	p.logger.Info("Restored snapshot", slog.Uint64("log_seq", seq), slog.Uint64("board_seq", p.state.board.Seq()))
	return nil
}

// snapshotUnusable reports a snapshot that cannot be used; the board is
// rebuilt from the log instead. If the log no longer holds its first
// entries, run reports the range that is lost.
func (p *pipeline) snapshotUnusable(err error) {
	p.metrics.snapshotErrors.Inc()
	p.logger.Warn("Snapshot unusable; rebuilding the board by replaying the event log from its start", slog.Any("error", err))
}

// run consumes the log until ctx ends.
func (p *pipeline) run(ctx context.Context) error {
	last, err := p.log.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("read log position: %w", err)
	}
	p.replayTo = last
	p.replaying = last > p.state.logSeq
	if !p.replaying {
		close(p.caughtUpCh)
		// Browsers may have connected while the snapshot was loading
		// (the listener opens with Run): they hold the empty board.
		p.publishFull()
	} else {
		p.logger.Info("Replaying event log", slog.Uint64("from", p.state.logSeq), slog.Uint64("to", last))
	}
	p.lastSave = time.Now()
	go p.storeSnapshots(ctx)
	for {
		err = p.log.Consume(ctx, p.state.logSeq, p.handle)
		if ctx.Err() != nil {
			return nil
		}
		var gap *eventlog.GapError
		switch {
		case errors.As(err, &gap):
			// Entries outlived the log's retention before this node applied
			// them (it was stopped longer than -retention, with an older
			// snapshot), or the log's files were damaged. Failing would fail
			// every restart alike; the board carries on from what the log
			// still holds, and says what it lacks.
			p.metrics.lostEntries.Add(float64(gap.Next - gap.Want))
			p.logger.Error("Event log entries missing: expired or lost before this node applied them; continuing after them",
				slog.String("missing_seqs", eventlog.Range{From: gap.Want, To: gap.Next - 1}.String()),
				slog.Uint64("missing_count", gap.Next-gap.Want))
			p.skipTo(gap.Next - 1)
		case errors.Is(err, eventlog.ErrBeyondEnd):
			// The log is shorter than the snapshot: it was recreated, or its
			// tail was lost. The snapshot stands; new entries are applied
			// on top.
			last, lerr := p.log.LastSeq(ctx)
			if lerr != nil {
				return fmt.Errorf("read log position: %w", lerr)
			}
			p.metrics.lostEntries.Add(float64(p.state.logSeq - last))
			p.logger.Error("The event log is shorter than the snapshot: recreated, or its tail was lost. Continuing from its end",
				slog.String("missing_seqs", eventlog.Range{From: last + 1, To: p.state.logSeq}.String()),
				slog.Uint64("snapshot_seq", p.state.logSeq), slog.Uint64("log_end", last))
			p.skipTo(last)
		default:
			return err
		}
	}
}

// skipTo makes the board's log position seq without applying anything.
func (p *pipeline) skipTo(seq uint64) {
	p.state.mu.Lock()
	p.state.logSeq = seq
	p.state.mu.Unlock()
	p.state.advance(seq)
	if p.replaying && seq >= p.replayTo {
		p.replaying = false
		close(p.caughtUpCh)
		p.publishFull()
	}
}

// handle applies one log entry.
func (p *pipeline) handle(e eventlog.Entry) error {
	events, typ, err := p.eventsOf(e)
	if err != nil {
		// The ingress validated every entry before storing it, so this is a
		// body stored by an older or newer version. Skip it, visibly.
		p.metrics.consumeErrors.Inc()
		p.logger.Warn("Skipping undecodable log entry", slog.Uint64("log_seq", e.Seq), slog.String("type", typ), slog.Any("error", err))
	}

	start := time.Now()
	var changes []board.Change
	p.state.mu.Lock()
	for _, ev := range events {
		changes = append(changes, p.state.board.Apply(ev)...)
	}
	p.state.logSeq = e.Seq
	boardSeq := p.state.board.Seq()
	closed := p.state.board.ClosedDays()
	p.state.mu.Unlock()
	if p.history != nil {
		p.history.record(closed)
	}
	p.metrics.applySeconds.Observe(time.Since(start).Seconds())
	p.metrics.boardSeq.Set(float64(boardSeq))
	p.metrics.logSeq.Set(float64(e.Seq))

	switch {
	case p.replaying && e.Seq >= p.replayTo:
		p.replaying = false
		close(p.caughtUpCh)
		p.logger.Info("Caught up with the event log", slog.Uint64("log_seq", e.Seq), slog.Uint64("board_seq", boardSeq))
		p.publishFull()
	case !p.replaying && len(changes) > 0:
		p.publish(changes, e.Seq)
	}
	p.state.advance(e.Seq)

	p.sinceSave++
	if p.sinceSave >= p.snapshotEvery || time.Since(p.lastSave) >= p.snapshotInterval {
		p.sinceSave, p.lastSave = 0, time.Now()
		if snap, err := p.encode(); err != nil {
			p.logger.Error("Cannot encode snapshot", slog.Any("error", err))
		} else {
			select {
			case <-p.snapshots: // superseded
			default:
			}
			p.snapshots <- snap
		}
	}
	return nil
}

// eventsOf returns the board events of a log entry: those this node's
// ingress decoded when it stored the entry (see doorEvents), else
// entryEvents.
func (p *pipeline) eventsOf(e eventlog.Entry) ([]board.Event, string, error) {
	if d, ok := p.door.take(e); ok {
		return d.events, d.typ, nil
	}
	return entryEvents(e)
}

// entryEvents turns a log entry into board events, each carrying the
// entry's receive time (the header the ingress wrote): the board trusts it,
// not the event's own time, for its clock (see board.TrustTime). The
// receive time is read from the log, never from this node's clock, so every
// node decides alike. A tick's time is its own receive time. An entry
// without the header (stored by an older version) leaves it zero: the board
// then believes the event's time within its bounds.
func entryEvents(e eventlog.Entry) ([]board.Event, string, error) {
	if e.Header[headerKind] == kindQueueSettings {
		return queueSettingsEvents(e)
	}
	if e.Header[headerKind] == kindAlert {
		return alertEvents(e)
	}
	if e.Header[headerKind] == kindTick {
		var t tickBody
		if err := json.Unmarshal(e.Body, &t); err != nil {
			return nil, kindTick, fmt.Errorf("decode tick: %w", err)
		}
		return []board.Event{{At: t.At, Received: t.At, Tick: true}}, kindTick, nil
	}
	env, err := wildix.Decode(e.Body)
	if err != nil {
		return nil, "", err
	}
	events, err := wildix.Translate(env)
	if errors.Is(err, wildix.ErrUnknownType) {
		return nil, env.Type, nil
	}
	if received, perr := time.Parse(time.RFC3339Nano, e.Header[headerReceived]); perr == nil {
		stamp(events, received)
	}
	return events, env.Type, err
}

// stamp sets the time the events were received.
func stamp(events []board.Event, received time.Time) {
	for i := range events {
		events[i].Received = received
	}
}

// publish renders the changes, the board's state at log seq seq, once per
// audience with clients and hands the bytes to the hub.
func (p *pipeline) publish(changes []board.Change, seq uint64) {
	for _, aud := range p.currentAudiences() {
		key := aud.Key()
		if !p.hub.Watched(key) {
			continue // a client subscribing later is primed after this state
		}
		var msg []byte
		var err error
		p.state.read(func(b *board.Board, _ uint64) {
			msg, err = views.Push(b, changes, aud)
		})
		if err != nil {
			p.logger.Error("Cannot render push", slog.String("audience", key), slog.Any("error", err))
			continue
		}
		if len(msg) > 0 {
			p.hub.Publish(key, seq, msg)
		}
	}
}

// publishFull sends every watched audience its whole current view, as on
// connect, and makes it the first frame of its later clients: pushes were
// held back while replaying.
func (p *pipeline) publishFull() {
	for _, aud := range p.currentAudiences() {
		key := aud.Key()
		if !p.hub.Watched(key) {
			continue
		}
		view, seq, err := p.views.current(aud)
		if err != nil {
			p.logger.Error("Cannot render view", slog.String("audience", key), slog.Any("error", err))
			continue
		}
		frames, err := view.Frames(p.views.maxSize)
		if err != nil {
			p.logger.Error("Cannot render view", slog.String("audience", key), slog.Any("error", err))
			continue
		}
		for _, f := range frames {
			p.hub.Publish(key, seq, f)
		}
		if err := p.hub.Prime(key, seq, frames); err != nil {
			p.logger.Error("Cannot prime first frame", slog.String("audience", key), slog.Any("error", err))
		}
	}
}

// currentAudiences are the audiences the configuration now in force
// allows (they change with a reload).
func (p *pipeline) currentAudiences() []views.Audience {
	if p.views != nil {
		return p.views.audiences()
	}
	return p.audiences
}

// encode captures the board with the log position it reflects.
func (p *pipeline) encode() (snapshot, error) {
	var snap snapshot
	var err error
	p.state.read(func(b *board.Board, logSeq uint64) {
		snap.seq = logSeq
		snap.data, err = b.MarshalBinary()
	})
	return snap, err
}

// storeSnapshots stores what the pipeline encodes until ctx ends.
func (p *pipeline) storeSnapshots(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case snap := <-p.snapshots:
			p.store(ctx, snap)
		}
	}
}

// saveSnapshot encodes and stores the board now (on shutdown).
func (p *pipeline) saveSnapshot(ctx context.Context) {
	snap, err := p.encode()
	if err != nil {
		p.logger.Error("Cannot encode snapshot", slog.Any("error", err))
		return
	}
	p.store(ctx, snap)
}

// store saves snap unless a snapshot as new is already stored.
func (p *pipeline) store(ctx context.Context, snap snapshot) {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	if snap.seq <= p.savedSeq {
		return
	}
	if err := p.log.SaveSnapshot(ctx, snap.seq, snap.data); err != nil {
		p.metrics.snapshotErrors.Inc()
		p.logger.Error("Cannot save snapshot", slog.Uint64("log_seq", snap.seq), slog.Any("error", err))
		return
	}
	p.savedSeq = snap.seq
	p.metrics.snapshotTime.SetToCurrentTime()
	p.metrics.snapshotBytes.Set(float64(len(snap.data)))
}

// tickBody is the body of a tick entry: the time it lets pass.
type tickBody struct {
	At time.Time `json:"at"`
}

// ticker appends a tick to the log every period so that time passes on the
// board (call expiry, the day's rollover) identically on every node: the
// message id is the period, so several nodes ticking at once store one tick.
func ticker(ctx context.Context, log EventLog, period time.Duration, logger *slog.Logger) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			at := now.UTC().Truncate(period)
			body, _ := json.Marshal(tickBody{At: at})
			msg := eventlog.Message{
				ID:     "tick:" + at.Format(time.RFC3339),
				Body:   body,
				Header: map[string]string{headerKind: kindTick},
			}
			actx, cancel := context.WithTimeout(ctx, period)
			if _, _, err := log.Append(actx, msg); err != nil && ctx.Err() == nil {
				logger.Warn("Cannot append tick", slog.Any("error", err))
			}
			cancel()
		}
	}
}
