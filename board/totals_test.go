package board_test

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// TestQueueTotal: a company's queues together count each call once, by its
// own queue's formula, list every waiting caller longest first, merge the
// intervals, and count an agent of two queues once.
func TestQueueTotal(t *testing.T) {
	b := board.New(board.Options{})
	ann, bob := local("201", "Ann", "ann@example.com"), local("202", "Bob", "bob@example.com")
	sales := board.QueueSetting{Company: acme, Name: "Sales", Formula: board.Formula{Threshold: time.Minute, ShortAbandon: 10 * time.Second, Basis: board.BasisOffered}}
	support := board.QueueSetting{Company: acme, Name: "Support", Formula: board.DefaultFormula(), Members: []string{"201", "203"}}
	for _, ev := range []board.Event{
		settingsEv(at(0), sales, support),
		presEv(acme, at(0), "201", "available", ""),
		presEv(acme, at(0), "202", "available", ""),
		// Ann is rung by Sales too: one member of both queues.
		callEv(acme, at(time.Second), "it_1.1", queued(0, "ringing", "Sales", &ann)),
		endEv(acme, at(2*time.Second), "it_1.1"),
		callEv(acme, at(3*time.Second), "it_1.2", queued(0, "ringing", "Sales", &bob)),
		endEv(acme, at(4*time.Second), "it_1.2"),
		// 30 s is inside Sales's 60 s, outside Support's 20 s.
		done(acme, "Sales", "c1", at(10*time.Second), false, 30*time.Second),
		done(acme, "Support", "c2", at(11*time.Second), false, 30*time.Second),
		done(acme, "Support", "c3", at(20*time.Minute), true, 40*time.Second),
		// Two callers waiting, in different queues; the later one first.
		callEv(acme, at(21*time.Minute), "it_2.1", queued(0, "ringing", "Support", nil)),
		callEv(acme, at(22*time.Minute), "it_2.2", queued(0, "ringing", "Sales", nil)),
		// Another company's queue is not part of it.
		done(globex, "Support", "g1", at(time.Minute), true, 40*time.Second),
	} {
		b.Apply(ev)
	}
	total, ok := b.QueueTotal(acme)
	if !ok {
		t.Fatal("no total for a company with queues")
	}
	want := board.Period{Answered: 2, AnsweredInSL: 1, Missed: 1, Abandoned: 1, WaitTotal: time.Minute, TalkTotal: 4 * time.Minute}
	if total.Period != want {
		t.Errorf("today = %+v, want %+v", total.Period, want)
	}
	if sl, _ := total.ServiceLevel(total.Formula.Basis); !near(sl, 100.0/3) {
		t.Errorf("service level = %v, want 33.3 (one of three offered within its own queue's threshold)", sl)
	}
	if total.Formula.Threshold != 0 || total.Formula.ShortAbandon >= 0 || total.Formula.Basis != board.BasisOffered {
		t.Errorf("formula of queues with different thresholds = %+v", total.Formula)
	}
	if total.Waiting != 2 || len(total.WaitingCalls) != 2 || total.WaitingCalls[0].ID != "it_2.1" || !total.OldestWait.Equal(at(21*time.Minute)) {
		t.Errorf("waiting = %d %+v since %v", total.Waiting, total.WaitingCalls, total.OldestWait)
	}
	// Ann (both queues), Bob (Sales), 203 (configured, unknown: offline).
	if total.Members != 3 || total.Free != 2 || total.AgentsOffline != 1 {
		t.Errorf("agents = %d members, %d free, %d offline; want 3, 2, 1", total.Members, total.Free, total.AgentsOffline)
	}
	if len(total.Intraday) != 2 || total.Intraday[0].Offered() != 2 || total.Intraday[1].Offered() != 1 {
		t.Errorf("intraday = %+v", total.Intraday)
	}
	snap := b.Snapshot()
	// globex has one queue: its total would be that queue.
	if len(snap.QueueTotals) != 1 || snap.QueueTotals[0].Company != acme {
		t.Errorf("snapshot totals = %+v", snap.QueueTotals)
	}
	if _, ok := b.QueueTotal(globex); ok {
		t.Error("a total for a company with one queue")
	}
}
