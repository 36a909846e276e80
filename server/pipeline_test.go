package server

import (
	"context"
	"log/slog"
	"testing"
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
