package server

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/hub"
)

// gappyLog is a log whose entries 1–4 expired: consuming from the start
// meets a gap, as after a stop longer than the retention.
type gappyLog struct {
	EventLog
	afters []uint64
}

func (l *gappyLog) LastSeq(context.Context) (uint64, error) { return 9, nil }

func (l *gappyLog) Consume(ctx context.Context, after uint64, fn func(eventlog.Entry) error) error {
	l.afters = append(l.afters, after)
	if after < 4 {
		return &eventlog.GapError{Want: after + 1, Next: 5}
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestPipelineContinuesAfterAGap(t *testing.T) {
	log := &gappyLog{}
	st := newState(board.New(board.Options{}))
	p := &pipeline{
		log: log, state: st, hub: hub.New(slog.New(slog.DiscardHandler), hub.Options{CheckOrigin: hub.SameOrigin()}),
		metrics: newMetrics(nil), logger: slog.New(slog.DiscardHandler),
		snapshotEvery: 10, caughtUpCh: make(chan struct{}), snapshots: make(chan snapshot, 1),
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.run(ctx) }()
	if err := st.waitApplied(t.Context(), 4, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run = %v, want it to carry on past the gap", err)
	}
	if len(log.afters) != 2 || log.afters[0] != 0 || log.afters[1] != 4 {
		t.Fatalf("consumed after %v, want [0 4]", log.afters)
	}
}

// TestWaitAppliedWakesEachWaiterForItsOwnEntry: a webhook waiting for its
// entry to be applied is woken when that entry is, not for every entry
// before it, and one that gives up leaves nothing behind.
func TestWaitAppliedWakesEachWaiterForItsOwnEntry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := newState(board.New(board.Options{}))
		var mu sync.Mutex
		var woken []uint64
		for _, seq := range []uint64{5, 1, 4, 2, 3} {
			go func() {
				if err := st.waitApplied(t.Context(), seq, time.Minute); err != nil {
					t.Errorf("waitApplied(%d) = %v", seq, err)
				}
				mu.Lock()
				woken = append(woken, seq)
				mu.Unlock()
			}()
		}
		synctest.Wait()
		st.advance(3)
		synctest.Wait()
		mu.Lock()
		slices.Sort(woken)
		if !slices.Equal(woken, []uint64{1, 2, 3}) {
			t.Fatalf("after entry 3 was applied, the waiters for %v returned; want 1, 2, 3", woken)
		}
		mu.Unlock()
		if seqs := waiting(st); !slices.Equal(seqs, []uint64{4, 5}) {
			t.Fatalf("still waiting for %v, want 4, 5", seqs)
		}

		if err := st.waitApplied(t.Context(), 9, time.Second); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waitApplied past its timeout = %v", err)
		}
		if err := st.waitApplied(t.Context(), 2, time.Second); err != nil {
			t.Fatalf("waitApplied for an applied entry = %v", err)
		}
		st.advance(5)
		synctest.Wait()
		if seqs := waiting(st); len(seqs) != 0 {
			t.Fatalf("still waiting for %v after every entry was applied", seqs)
		}
	})
}

func waiting(st *state) []uint64 {
	st.waitMu.Lock()
	defer st.waitMu.Unlock()
	var seqs []uint64
	for _, w := range st.waiters {
		seqs = append(seqs, w.seq)
	}
	return seqs
}
