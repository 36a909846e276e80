package board_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// morning is a scripted stretch of a working morning at two companies.
func morning() []board.Event {
	ann, bob := local("201", "Ann Lee", "ann@example.com"), local("202", "Bob Ito", "bob@example.com")
	caller := remote("+15551234567")
	queued := func(index int, state string, callee board.Party) board.Leg {
		l := leg(index, state, caller, &callee)
		l.Direction, l.Queue, l.QueueID, l.Trunk, l.Destination = board.Inbound, "Support", "7", "sip-trunk", "800"
		return l
	}
	return []board.Event{
		tick(at(0)),
		{Company: acme, At: at(time.Second), Presence: &board.Presence{Extension: "201", Email: "ann@example.com", Status: "available"}},
		{Company: acme, At: at(2 * time.Second), Presence: &board.Presence{Extension: "203", Status: "dnd", Message: "Meeting", Until: at(2 * time.Hour)}},
		telEv(acme, at(3*time.Second), "202", "registered"),
		{Company: acme, At: at(time.Minute), Call: &board.CallUpsert{ID: acme + "_1721811660.1", StartedAt: at(59 * time.Second), Legs: []board.Leg{queued(0, "ringing", ann)}, Tags: []string{"vip"}}},
		callEv(acme, at(time.Minute+20*time.Second), acme+"_1721811660.1", queued(1, "connected", bob)),
		telEv(acme, at(time.Minute+20*time.Second), "202", "talking"),
		callEv(acme, at(2*time.Minute), acme+"_1721811720.2", queued(0, "ringing", ann)),
		callEv(acme, at(3*time.Minute), acme+"_1721811780.3", leg(0, "connected", local("204", "Cy Ng", ""), ptr(local("205", "Di Wu", "")))),
		endEv(acme, at(4*time.Minute), acme+"_1721811780.3"),
		{Company: acme, At: at(4 * time.Minute), Completed: &board.CompletedCall{ID: acme + "_1721811780.3", Direction: board.Internal, Agent: ptr(local("205", "", "")), Talk: time.Minute, EndedAt: at(4 * time.Minute)}},
		{Company: acme, At: at(5 * time.Minute), Conference: &board.ConferenceUpsert{ID: "c0dea87_1721812200000", Subject: "Stand-up", Participants: []board.ConferenceParticipant{
			{Extension: "203", Name: "Eve Park"}, {Email: "ann@example.com", Name: "Ann Lee"},
		}}},
		{Company: globex, At: at(6 * time.Minute), Call: &board.CallUpsert{ID: globex + "_1721811960.1", Legs: []board.Leg{leg(0, "hold", local("201", "Gil Ray", "gil@example.net"), ptr(remote("+442071234567")))}}},
		{Company: globex, At: at(7 * time.Minute), Completed: &board.CompletedCall{ID: globex + "_1721811000.9", Queue: "Sales", Missed: true, Wait: 40 * time.Second, EndedAt: at(6 * time.Minute)}},
		{At: at(8 * time.Minute), QueueSettings: &board.QueueSettings{Queues: []board.QueueSetting{
			{Company: acme, Name: "Support", Formula: board.Formula{Threshold: 30 * time.Second, ShortAbandon: 5 * time.Second, Basis: board.BasisOffered}, Members: []string{"201", "206"}},
			{Name: "Sales", Formula: board.Formula{Threshold: 15 * time.Second, Basis: board.BasisAnswered}},
		}}},
		{Company: acme, At: at(9 * time.Minute), Completed: &board.CompletedCall{ID: acme + "_1721811660.1", Queue: "Support", Direction: board.Inbound, Agent: ptr(bob), Wait: 21 * time.Second, Talk: 7 * time.Minute, EndedAt: at(9 * time.Minute)}},
		{Company: acme, At: at(16 * time.Minute), Completed: &board.CompletedCall{ID: acme + "_1721812500.4", Queue: "Support", Direction: board.Inbound, Missed: true, Agent: ptr(ann), Wait: 3 * time.Second, EndedAt: at(16 * time.Minute)}},
	}
}

func TestSnapshotGolden(t *testing.T) {
	b := board.New(board.Options{})
	for _, e := range morning() {
		b.Apply(e)
	}
	got, err := json.MarshalIndent(b.Snapshot(), "", "  ")
	if err != nil {
		t.Fatalf("encode snapshot: %v", err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "morning.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s (run with -update if the change is intended):\n%s", path, got)
	}
}
