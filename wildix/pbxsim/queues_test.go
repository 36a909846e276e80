package pbxsim_test

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/wildix"
)

// TestQueuesProduceEveryCase: an hour of simulated traffic gives the
// queues' figures every case a supervisor watches for: calls answered
// within the service level threshold and after it, abandons and short
// abandons, as the board counts them.
func TestQueuesProduceEveryCase(t *testing.T) {
	sim := newSim(7)
	b := board.New(board.Options{})
	for _, body := range sim.Initial() {
		apply(t, b, body, start)
	}
	for range 20000 {
		at, body := sim.Next()
		apply(t, b, body, at)
		if at.Sub(start) > time.Hour {
			break
		}
	}
	var total board.Period
	for _, q := range b.Snapshot().Queues {
		total.Answered += q.Answered
		total.AnsweredInSL += q.AnsweredInSL
		total.Abandoned += q.Abandoned
		total.ShortAbandoned += q.ShortAbandoned
	}
	if total.AnsweredInSL == 0 || total.Answered == total.AnsweredInSL || total.Abandoned == 0 || total.ShortAbandoned == 0 {
		t.Errorf("an hour of queue calls: %+v; want answered within and beyond 20 s, abandons and short abandons", total)
	}
}

func apply(t *testing.T, b *board.Board, body []byte, at time.Time) {
	t.Helper()
	env, err := wildix.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	events, err := wildix.Translate(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		e.Received = at
		b.Apply(e)
	}
}
