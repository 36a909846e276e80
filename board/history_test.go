package board_test

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

func TestClosedDaysKeepTheDaysFigures(t *testing.T) {
	b := board.New(board.Options{})
	agent := local("201", "Ann", "ann@example.test")
	answered := func(id string, when time.Time) board.Event {
		return board.Event{Company: acme, At: when, Received: when, Completed: &board.CompletedCall{
			ID: id, Queue: "Support", Direction: board.Inbound, Agent: ptr(agent),
			Wait: 20 * time.Second, Talk: 3 * time.Minute, EndedAt: when,
		}}
	}
	b.Apply(answered("c1", at(time.Hour)))
	b.Apply(answered("c2", at(2*time.Hour)))
	b.Apply(telEv(globex, at(3*time.Hour), "300", "registered"))
	if d := b.ClosedDays(); len(d) != 0 {
		t.Fatalf("closed days before midnight = %+v, want none", d)
	}

	// The next day's first event closes acme's day; globex's closes with
	// its own next event (or a tick).
	next := at(24 * time.Hour)
	b.Apply(telEv(acme, next, "201", "registered"))
	days := b.ClosedDays()
	if len(days) != 1 || days[0].Company != acme || days[0].Day != "2024-07-24" {
		t.Fatalf("closed days = %+v, want acme's 2024-07-24", days)
	}
	d := days[0]
	if len(d.Queues) != 1 || d.Queues[0].Name != "Support" || d.Queues[0].Answered != 2 || d.Queues[0].WaitTotal != 40*time.Second {
		t.Errorf("closed queues = %+v, want Support with its 2 answered calls", d.Queues)
	}
	if len(d.Agents) != 1 || d.Agents[0].Extension != "201" || d.Agents[0].TalkTotal != 6*time.Minute {
		t.Errorf("closed agents = %+v, want 201 with 6 minutes of talk", d.Agents)
	}
	if q, _ := b.Queue(acme, "Support"); q.Answered != 0 {
		t.Errorf("today's queue after the rollover = %+v, want reset", q)
	}
	if again := b.ClosedDays(); len(again) != 0 {
		t.Errorf("ClosedDays again = %+v, want nothing (it forgets what it returned)", again)
	}

	b.Apply(tick(next.Add(time.Minute)))
	if days := b.ClosedDays(); len(days) != 1 || days[0].Company != globex || len(days[0].Queues) != 0 {
		t.Errorf("closed days after a tick = %+v, want globex's day, with no queues", days)
	}
}
