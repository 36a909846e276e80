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

// TestClosedDayClassifiesCallsAndKeepsIntervals closes a day of calls
// that ended at 09:05 to 09:50: its service level is the live board's, and
// the day's intervals give the figures up to any time of that day.
func TestClosedDayClassifiesCallsAndKeepsIntervals(t *testing.T) {
	b := board.New(board.Options{})
	agent := local("201", "Ann", "ann@example.test")
	call := func(id string, ended time.Time, wait time.Duration, missed bool) board.Event {
		return board.Event{Company: acme, At: ended, Received: ended, Completed: &board.CompletedCall{
			ID: id, Queue: "Support", Direction: board.Inbound, Agent: ptr(agent), Missed: missed,
			Wait: wait, Talk: time.Minute, EndedAt: ended,
		}}
	}
	day := at(0).Truncate(24 * time.Hour) // the company's midnight (UTC)
	b.Apply(call("in-sl", day.Add(9*time.Hour+5*time.Minute), 10*time.Second, false))
	b.Apply(call("late", day.Add(9*time.Hour+20*time.Minute), 40*time.Second, false))
	b.Apply(call("short", day.Add(9*time.Hour+35*time.Minute), 2*time.Second, true))
	b.Apply(call("gone", day.Add(9*time.Hour+50*time.Minute), 30*time.Second, true))
	b.Apply(tick(day.Add(24*time.Hour + time.Minute)))
	days := b.ClosedDays()
	if len(days) != 1 || !days[0].Classified || len(days[0].Queues) != 1 {
		t.Fatalf("closed days = %+v, want acme's day, classified, with its queue", days)
	}
	q := days[0].Queues[0]
	if q.AnsweredInSL != 1 || q.Abandoned != 1 || q.ShortAbandoned != 1 || q.Offered() != 4 {
		t.Errorf("closed queue = %+v, want 1 answered within 20 s, 1 abandoned, 1 short abandon of 4", q.Period)
	}
	if sl, ok := q.ServiceLevel(q.Formula.Basis); !ok || sl < 33.3 || sl > 33.4 {
		t.Errorf("service level = %v %v, want 33.3 %% (1 ÷ (2 answered + 1 abandoned))", sl, ok)
	}
	for _, c := range []struct {
		until         time.Duration
		offered, insl int
	}{{9 * time.Hour, 0, 0}, {9*time.Hour + 15*time.Minute, 1, 1}, {9*time.Hour + 29*time.Minute, 1, 1}, {9*time.Hour + 30*time.Minute, 2, 1}, {24 * time.Hour, 4, 1}} {
		if p := q.Until(day.Add(c.until)); p.Offered() != c.offered || p.AnsweredInSL != c.insl {
			t.Errorf("figures until %v = %+v, want %d offered, %d within the threshold", c.until, p, c.offered, c.insl)
		}
	}
}
