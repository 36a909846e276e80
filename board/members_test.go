package board_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

func wantMembers(company, name string, members, free int) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		if q, _ := b.Queue(company, name); q.Members != members || q.Free != free {
			t.Errorf("queue %s/%s: %d members, %d free; want %d, %d", company, name, q.Members, q.Free, members, free)
		}
	}
}

// queued is a leg of an inbound call from outside through queue.
func queued(index int, state, queue string, callee *board.Party) board.Leg {
	l := leg(index, state, remote("+15551234567"), callee)
	l.Direction, l.Queue = board.Inbound, queue
	return l
}

func TestQueueMembers(t *testing.T) {
	ann, bob := local("201", "Ann", "ann@example.com"), local("202", "Bob", "bob@example.com")
	callC := acme + "_1721811720.112"
	tests := []struct {
		name  string
		steps []step
	}{
		{"a rung callee is a member, free once available", []step{
			{
				name: "Ann is available before any queue call",
				ev:   presEv(acme, at(0), "201", "available", ""),
				want: []board.Change{userChange(acme, "201")},
			},
			{
				name:  "Support rings Ann: she is a member, not free",
				ev:    callEv(acme, at(time.Second), callA, queued(0, "ringing", "Support", &ann)),
				want:  []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: all(wantMembers(acme, "Support", 1, 0), wantQueueLive(acme, "Support", 1, 0)),
			},
			{
				name:  "the call ends: Ann is free",
				ev:    endEv(acme, at(time.Minute), callA),
				want:  []board.Change{userChange(acme, "201"), callChange(acme, callA, true), queueChange(acme, "Support")},
				check: wantMembers(acme, "Support", 1, 1),
			},
			{
				name:  "Ann sets do not disturb: her queue is told",
				ev:    presEv(acme, at(2*time.Minute), "201", "dnd", ""),
				want:  []board.Change{userChange(acme, "201"), queueChange(acme, "Support")},
				check: wantMembers(acme, "Support", 1, 0),
			},
			{
				name: "a new message while still unavailable does not touch the queue",
				ev:   presEv(acme, at(3*time.Minute), "201", "dnd", "Lunch"),
				want: []board.Change{userChange(acme, "201")},
			},
			{
				name:  "back to available",
				ev:    presEv(acme, at(4*time.Minute), "201", "available", ""),
				want:  []board.Change{userChange(acme, "201"), queueChange(acme, "Support")},
				check: wantMembers(acme, "Support", 1, 1),
			},
		}},
		{"who is learned and where", []step{
			{
				name:  "a queue leg answered by Bob (connected without ringing first) makes him a member",
				ev:    callEv(acme, at(0), callA, queued(0, "connected", "Support", &bob)),
				want:  []board.Change{userChange(acme, "202"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: wantMembers(acme, "Support", 1, 0),
			},
			{
				name: "a transfer leg naming the queue, neither rung nor answered, teaches nothing",
				ev:   callEv(acme, at(time.Second), callB, queued(0, "transferring", "Support", &ann)),
				want: []board.Change{userChange(acme, "201"), callChange(acme, callB, false), queueChange(acme, "Support")},
				check: all(wantMembers(acme, "Support", 1, 0), func(t *testing.T, b *board.Board) {
					if _, ok := b.Queue(acme, "Sales"); ok {
						t.Error("queue Sales exists")
					}
				}),
			},
			{
				name:  "the callee of a call without a queue joins no queue; the caller never does",
				ev:    callEv(acme, at(2*time.Second), callC, leg(0, "ringing", bob, &ann)),
				want:  []board.Change{userChange(acme, "201"), userChange(acme, "202"), callChange(acme, callC, false)},
				check: wantMembers(acme, "Support", 1, 0),
			},
			{
				name:  "the same extension and queue name in another company is another member",
				ev:    callEv(globex, at(3*time.Second), globex+"_1721811603.1", queued(0, "ringing", "Support", &ann)),
				want:  []board.Change{userChange(globex, "201"), callChange(globex, globex+"_1721811603.1", false), queueChange(globex, "Support")},
				check: all(wantMembers(acme, "Support", 1, 0), wantMembers(globex, "Support", 1, 0)),
			},
			{
				name:  "a remote callee is nobody's member",
				ev:    callEv(globex, at(4*time.Second), globex+"_1721811604.2", queued(0, "ringing", "Sales", ptr(remote("+15550000000")))),
				want:  []board.Change{callChange(globex, globex+"_1721811604.2", false), queueChange(globex, "Sales")},
				check: wantMembers(globex, "Sales", 0, 0),
			},
			{
				name:  "one member of two queues",
				ev:    callEv(acme, at(5*time.Second), callA, queued(1, "ringing", "Sales", &bob)),
				want:  []board.Change{userChange(acme, "202"), callChange(acme, callA, false), queueChange(acme, "Sales"), queueChange(acme, "Support")},
				check: all(wantMembers(acme, "Support", 1, 0), wantMembers(acme, "Sales", 1, 0)),
			},
		}},
		{"members are today's", []step{
			{
				name:  "Support rings Ann",
				ev:    callEv(acme, at(0), callA, queued(0, "ringing", "Support", &ann)),
				want:  []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: wantMembers(acme, "Support", 1, 0),
			},
			{
				name: "the call ends",
				ev:   endEv(acme, at(time.Minute), callA),
				want: []board.Change{userChange(acme, "201"), callChange(acme, callA, true), queueChange(acme, "Support")},
			},
			{
				name:  "the day rolls over: the queue forgets its members",
				ev:    tick(time.Date(2024, 7, 25, 0, 0, 0, 0, time.UTC)),
				want:  []board.Change{queueChange(acme, "Support"), dayChange(acme), dayChange(globex)},
				check: wantMembers(acme, "Support", 0, 0),
			},
			{
				name: "Ann's tile changes concern no queue any more",
				ev:   presEv(acme, time.Date(2024, 7, 25, 8, 0, 0, 0, time.UTC), "201", "dnd", ""),
				want: []board.Change{userChange(acme, "201")},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.steps) })
	}
}

// TestQueueMembersSurviveRestart checks that learned members are part of
// the saved state and that a restored board keeps reporting their queues.
func TestQueueMembersSurviveRestart(t *testing.T) {
	ann := local("201", "Ann", "ann@example.com")
	b := board.New(board.Options{})
	b.Apply(presEv(acme, at(0), "201", "available", ""))
	b.Apply(callEv(acme, at(time.Second), callA, queued(0, "ringing", "Support", &ann)))
	b.Apply(endEv(acme, at(time.Minute), callA))

	restored := board.New(board.Options{})
	if err := restored.UnmarshalBinary(mustMarshal(t, b)); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	wantMembers(acme, "Support", 1, 1)(t, restored)
	got := restored.Apply(presEv(acme, at(2*time.Minute), "201", "away", ""))
	if want := []board.Change{userChange(acme, "201"), queueChange(acme, "Support")}; !slices.Equal(got, want) {
		t.Errorf("after a restart, a member going away reports %v, want %v", got, want)
	}
	wantMembers(acme, "Support", 1, 0)(t, restored)
}

func TestUnmarshalBinaryRejectsBadMembers(t *testing.T) {
	tests := []struct {
		name, members, wantErr string
	}{
		{"members of an unknown queue", `[{"Company":"` + acme + `","Queue":"Sales","Extensions":["201"]}]`, "members of unknown queue"},
		{"an unknown member", `[{"Company":"` + acme + `","Queue":"Support","Extensions":["299"]}]`, `unknown member "299"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := board.New(board.Options{})
			b.Apply(callEv(acme, at(0), callA, queued(0, "ringing", "Support", ptr(local("201", "Ann", "")))))
			good := string(mustMarshal(t, b))
			i := strings.Index(good, `"Members":[{`)
			if i < 0 {
				t.Fatalf("saved state has no members:\n%s", good)
			}
			bad := good[:i] + `"Members":` + tt.members + "}"
			err := b.UnmarshalBinary([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("UnmarshalBinary error = %v, want one containing %q", err, tt.wantErr)
			}
			if got := string(mustMarshal(t, b)); got != good {
				t.Error("a failed UnmarshalBinary changed the board")
			}
		})
	}
}
