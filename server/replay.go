package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
)

// Replay: the board as it was at a moment of the log's retention window,
// rebuilt from the newest older state (an archived snapshot, or a
// checkpoint of an earlier replay) and the log entries after it, on a board
// of its own. The live board and pipeline are never touched; the result is
// viewed through the same audiences (masking, tenancy) as the live board.

// historyLog is what replay needs of the log. *eventlog.Log has it; a log
// without it offers no replay.
type historyLog interface {
	Read(ctx context.Context, after uint64, fn func(eventlog.Entry) bool) error
	Archives(ctx context.Context) ([]eventlog.Archive, error)
	LoadArchive(ctx context.Context, seq uint64) ([]byte, error)
}

// errBeforeHistory: the moment asked for is older than anything the log
// still holds.
var errBeforeHistory = errors.New("that moment is older than the event log's retention")

const (
	// checkpointEvery is how many entries apart a replay keeps in-memory
	// checkpoints, so that stepping back replays at most this many.
	checkpointEvery = 256
	// maxCheckpointBytes bounds their memory (a 500-person board encodes
	// to some tens of KB); beyond it every other one is dropped.
	maxCheckpointBytes = 64 << 20
)

// replayer rebuilds past boards. One replay runs at a time: a replay is CPU
// work bounded by the archive interval, and its cursor serves the next one
// (stepping, playing) from where it stopped.
type replayer struct {
	log  historyLog
	opts board.Options

	mu              sync.Mutex
	cur             *replayState  // the last state rebuilt, nil at first
	checkpoints     []replayPoint // ascending by seq
	checkpointBytes int
}

// replayState is a board after log entry seq, stored at at.
type replayState struct {
	board *board.Board
	seq   uint64
	at    time.Time // when entry seq was stored; zero for seq 0
}

// replayPoint is an encoded board after entry seq.
type replayPoint struct {
	seq  uint64
	at   time.Time
	data []byte
}

// Moment is a replayed board: its state, the log entry it reflects and
// when that entry was stored, and the entries around it for stepping.
type Moment struct {
	Snapshot board.Snapshot
	Seq      uint64    // the last entry applied; 0 before the first
	At       time.Time // the moment asked for (or entry Seq's time, when asked by seq)
	EntryAt  time.Time // when entry Seq was stored
}

func newReplayer(log historyLog, opts board.Options) *replayer {
	return &replayer{log: log, opts: opts}
}

// at returns the board after every entry stored at or before t.
func (r *replayer) at(ctx context.Context, t time.Time) (Moment, error) {
	m, err := r.rebuild(ctx, func(seq uint64, at time.Time) bool { return !at.After(t) })
	m.At = t
	return m, err
}

// atSeq returns the board after entry seq (or the log's last, if earlier).
func (r *replayer) atSeq(ctx context.Context, seq uint64) (Moment, error) {
	m, err := r.rebuild(ctx, func(s uint64, _ time.Time) bool { return s <= seq })
	m.At = m.EntryAt
	return m, err
}

// rebuild returns the board after the longest prefix of the log whose
// entries all satisfy within (which must hold for a prefix: true, then
// false from some entry on).
func (r *replayer) rebuild(ctx context.Context, within func(seq uint64, at time.Time) bool) (Moment, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	base, err := r.base(ctx, within)
	if err != nil {
		return Moment{}, err
	}
	r.cur = base
	err = r.log.Read(ctx, base.seq, func(e eventlog.Entry) bool {
		if !within(e.Seq, e.Time) {
			return false
		}
		events, _, _ := entryEvents(e) // undecodable entries are skipped, as live
		for _, ev := range events {
			base.board.Apply(ev)
		}
		base.board.ClosedDays() // the live pipeline keeps them
		base.seq, base.at = e.Seq, e.Time
		if e.Seq%checkpointEvery == 0 {
			r.keep(base)
		}
		return true
	})
	var gap *eventlog.GapError
	if errors.As(err, &gap) {
		r.cur = nil // part of it was applied
		return Moment{}, errBeforeHistory
	}
	if err != nil {
		r.cur = nil
		return Moment{}, err
	}
	return Moment{Snapshot: base.board.Snapshot(), Seq: base.seq, EntryAt: base.at}, nil
}

// base returns the newest known state within the bound: the current
// cursor, a checkpoint or an archived snapshot, else an empty board.
func (r *replayer) base(ctx context.Context, within func(uint64, time.Time) bool) (*replayState, error) {
	var best replayPoint
	for _, p := range slices.Backward(r.checkpoints) {
		if within(p.seq, p.at) {
			best = p
			break
		}
	}
	archives, err := r.log.Archives(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range slices.Backward(archives) {
		if within(a.Seq, a.Time) {
			if a.Seq > best.seq {
				data, err := r.log.LoadArchive(ctx, a.Seq)
				if err != nil {
					return nil, err
				}
				best = replayPoint{seq: a.Seq, at: a.Time, data: data}
			}
			break
		}
	}
	if c := r.cur; c != nil && (c.seq == 0 || within(c.seq, c.at)) && c.seq >= best.seq {
		return c, nil
	}
	b := board.New(r.opts)
	if best.data != nil {
		if err := b.UnmarshalBinary(best.data); err != nil {
			return nil, fmt.Errorf("decode the state after entry %d: %w", best.seq, err)
		}
	}
	return &replayState{board: b, seq: best.seq, at: best.at}, nil
}

// keep records a checkpoint of s.
func (r *replayer) keep(s *replayState) {
	i, found := slices.BinarySearchFunc(r.checkpoints, s.seq, func(p replayPoint, seq uint64) int {
		return cmp.Compare(p.seq, seq)
	})
	if found {
		return
	}
	data, err := s.board.MarshalBinary()
	if err != nil {
		return // a checkpoint only saves time
	}
	r.checkpoints = slices.Insert(r.checkpoints, i, replayPoint{seq: s.seq, at: s.at, data: data})
	r.checkpointBytes += len(data)
	if r.checkpointBytes > maxCheckpointBytes {
		thinned, size := r.checkpoints[:0], 0
		for i, p := range r.checkpoints {
			if i%2 == 0 {
				thinned = append(thinned, p)
				size += len(p.data)
			}
		}
		clear(r.checkpoints[len(thinned):])
		r.checkpoints, r.checkpointBytes = thinned, size
	}
}
