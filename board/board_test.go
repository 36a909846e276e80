package board_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// step is one event and what it must do to the board.
type step struct {
	name  string
	ev    board.Event
	want  []board.Change // exactly, in order; nil: nothing changed and Seq stays
	check func(t *testing.T, b *board.Board)
}

// runSteps applies the steps in order to a fresh board. The board first
// sees a Tick at t0, so that the steps do not all report the first day.
func runSteps(t *testing.T, steps []step) {
	t.Helper()
	b := board.New(board.Options{})
	if got := b.Apply(tick(t0)); got != nil {
		t.Fatalf("first tick: changes = %v, want none: no company is known yet", got)
	}
	// A company's first event sets its day.
	for _, company := range []string{acme, globex} {
		if got := b.Apply(board.Event{Company: company, At: t0}); !slices.Equal(got, []board.Change{dayChange(company)}) {
			t.Fatalf("first event of %s: changes = %v, want its day", company, got)
		}
	}
	for i, s := range steps {
		seq := b.Seq()
		got := b.Apply(s.ev)
		if !slices.Equal(got, s.want) {
			t.Fatalf("step %d (%s): changes\n got %v\nwant %v", i, s.name, got, s.want)
		}
		wantSeq := seq
		if s.want != nil {
			wantSeq++
		}
		if b.Seq() != wantSeq {
			t.Fatalf("step %d (%s): Seq = %d, want %d", i, s.name, b.Seq(), wantSeq)
		}
		if s.check != nil {
			s.check(t, b)
		}
	}
}

const (
	callA = acme + "_1721811600.110"
	callB = acme + "_1721811660.111"
)

func wantTel(company, ext, tel string, reported bool) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		u := mustUser(t, b, company, ext)
		if u.Telephony != tel || u.TelephonyReported != reported {
			t.Errorf("user %s telephony = %q reported=%v, want %q reported=%v", ext, u.Telephony, u.TelephonyReported, tel, reported)
		}
	}
}

func wantTile(company, ext string, tile board.TileState, reason board.Reason) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		gotTile, gotReason := mustUser(t, b, company, ext).State()
		if gotTile != tile || gotReason != reason {
			t.Errorf("user %s State() = %q, %+v; want %q, %+v", ext, gotTile, gotReason, tile, reason)
		}
	}
}

func wantCallIDs(company, ext string, ids ...string) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		if got := mustUser(t, b, company, ext).CallIDs; !slices.Equal(got, ids) {
			t.Errorf("user %s CallIDs = %v, want %v", ext, got, ids)
		}
	}
}

func wantNoCall(company, id string) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		if _, ok := b.Call(company, id); ok {
			t.Errorf("call %s/%s is on the board, want it gone", company, id)
		}
	}
}

// wantCall checks the call's state, its legs' states by position and when it
// was answered (zero: not answered).
func wantCall(company, id, state string, answeredAt time.Time, legStates ...string) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		c := mustCall(t, b, company, id)
		var got []string
		for _, l := range c.Legs {
			got = append(got, l.State)
		}
		if c.State != state || !c.AnsweredAt.Equal(answeredAt) || !slices.Equal(got, legStates) {
			t.Errorf("call %s: state %q answered at %v legs %q; want %q answered at %v legs %q",
				id, c.State, c.AnsweredAt, got, state, answeredAt, legStates)
		}
	}
}

func wantQueueLive(company, name string, waiting, talking int) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		if q, _ := b.Queue(company, name); q.Waiting != waiting || q.Talking != talking {
			t.Errorf("queue %s: %d waiting, %d talking; want %d, %d", name, q.Waiting, q.Talking, waiting, talking)
		}
	}
}

func all(checks ...func(*testing.T, *board.Board)) func(*testing.T, *board.Board) {
	return func(t *testing.T, b *board.Board) {
		t.Helper()
		for _, c := range checks {
			c(t, b)
		}
	}
}

func TestApply(t *testing.T) {
	admin := local("1001", "admin", "admin@example.com")
	user20 := local("10020", "user20", "user20@example.com")
	caller := remote("+15551234567")
	agent201, agent202 := local("201", "Ann", "ann@example.com"), local("202", "Bob", "bob@example.com")
	inbound := func(index int, state string, callee board.Party) board.Leg {
		l := leg(index, state, caller, &callee)
		l.Direction, l.Queue, l.Trunk = board.Inbound, "Support", "sip-trunk"
		return l
	}

	tests := []struct {
		name  string
		steps []step
	}{
		{"call start, answer, end, tombstone", []step{
			{
				name: "start: callee not resolved yet",
				ev:   callEv(acme, at(0), callA, leg(0, "RINGING", admin, nil)),
				want: []board.Change{userChange(acme, "1001"), callChange(acme, callA, false)},
				check: all(func(t *testing.T, b *board.Board) {
					c := mustCall(t, b, acme, callA)
					if c.State != board.LegRinging || !c.StartedAt.Equal(at(0)) || !c.AnsweredAt.IsZero() || !c.UpdatedAt.Equal(at(0)) {
						t.Errorf("call = %+v, want ringing, started and updated at t0, not answered", c)
					}
				}, wantCallIDs(acme, "1001", callA), wantTel(acme, "1001", board.TelTalking, false)),
			},
			{
				name:  "callee resolved and rung",
				ev:    callEv(acme, at(2*time.Second), callA, leg(0, "ringing", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: all(wantTel(acme, "10020", board.TelRinging, false), wantTile(acme, "10020", board.TileRinging, board.Reason{Code: board.ReasonRinging, Value: "ringing"})),
			},
			{
				name: "answered",
				ev:   callEv(acme, at(5*time.Second), callA, leg(0, "connected", admin, &user20)),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: all(func(t *testing.T, b *board.Board) {
					if c := mustCall(t, b, acme, callA); !c.AnsweredAt.Equal(at(5*time.Second)) || c.State != board.LegConnected {
						t.Errorf("call answered at %v state %q, want %v connected", c.AnsweredAt, c.State, at(5*time.Second))
					}
				}, wantTel(acme, "10020", board.TelTalking, false), wantTile(acme, "1001", board.TileTalking, board.Reason{Code: board.ReasonTalking, Value: "talking"})),
			},
			{
				name: "retried update changes nothing",
				ev:   callEv(acme, at(5*time.Second), callA, leg(0, "connected", admin, &user20)),
			},
			{
				name:  "older update is ignored",
				ev:    callEv(acme, at(3*time.Second), callA, leg(0, "ringing", admin, &user20)),
				check: wantTel(acme, "10020", board.TelTalking, false),
			},
			{
				name:  "end removes the call from the board and the users",
				ev:    endEv(acme, at(time.Minute), callA),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, true)},
				check: all(wantNoCall(acme, callA), wantCallIDs(acme, "1001"), wantTel(acme, "1001", board.TelUnknown, false)),
			},
			{
				name:  "late update does not resurrect the call",
				ev:    callEv(acme, at(time.Minute+time.Second), callA, leg(0, "connected", admin, &user20)),
				check: wantNoCall(acme, callA),
			},
			{
				name: "repeated end changes nothing",
				ev:   endEv(acme, at(time.Minute+time.Second), callA),
			},
			{
				name: "the tombstone is forgotten after TombstoneTTL",
				ev:   tick(at(board.DefaultTombstoneTTL + 2*time.Minute)),
			},
			{
				name: "the same id is a new call again",
				ev:   callEv(acme, at(board.DefaultTombstoneTTL+3*time.Minute), callA, leg(0, "ringing", admin, nil)),
				want: []board.Change{userChange(acme, "1001"), callChange(acme, callA, false)},
			},
		}},
		{"legs merge by index; queue live figures", []step{
			{
				name: "queue call rings agent 201",
				ev:   callEv(acme, at(0), callA, inbound(0, "ringing", agent201)),
				want: []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: func(t *testing.T, b *board.Board) {
					q, ok := b.Queue(acme, "Support")
					if !ok || q.Waiting != 1 || q.Talking != 0 || !q.OldestWait.Equal(at(0)) {
						t.Errorf("queue = %+v, %v; want 1 waiting since t0", q, ok)
					}
				},
			},
			{
				name: "a second leg alone: agent 202 answers, leg 0 is kept",
				ev:   callEv(acme, at(20*time.Second), callA, inbound(1, "connected", agent202)),
				want: []board.Change{userChange(acme, "201"), userChange(acme, "202"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: all(func(t *testing.T, b *board.Board) {
					c := mustCall(t, b, acme, callA)
					if len(c.Legs) != 2 || c.Legs[0].Index != 0 || c.Legs[1].Index != 1 {
						t.Fatalf("legs = %+v, want indexes 0 and 1", c.Legs)
					}
					if c.State != board.LegConnected || c.Direction != board.Inbound || c.Queue != "Support" || c.Trunk != "sip-trunk" {
						t.Errorf("call = %+v, want connected inbound Support via sip-trunk", c)
					}
					q, _ := b.Queue(acme, "Support")
					if q.Waiting != 0 || q.Talking != 1 || !q.OldestWait.IsZero() {
						t.Errorf("queue = %+v, want 1 talking, none waiting", q)
					}
				}, wantTel(acme, "202", board.TelTalking, false), wantCallIDs(acme, "201", callA), wantCallIDs(acme, "202", callA)),
			},
			{
				name: "leg 0 updated alone; the newest leg still sets the state",
				ev:   callEv(acme, at(30*time.Second), callA, inbound(0, "HOLD", agent201)),
				want: []board.Change{userChange(acme, "201"), userChange(acme, "202"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: func(t *testing.T, b *board.Board) {
					c := mustCall(t, b, acme, callA)
					if c.Legs[0].State != board.LegHold || c.State != board.LegConnected {
						t.Errorf("leg 0 state %q, call state %q; want hold, connected", c.Legs[0].State, c.State)
					}
				},
			},
		}},
		{"legacy queue call answered by the callee's telephony", []step{
			{
				// package wildix translates a legacy leg's CONNECTING as ringing.
				name:  "legacy start: the agent is rung",
				ev:    callEv(acme, at(0), callA, inbound(0, "RINGING", agent201)),
				want:  []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: all(wantQueueLive(acme, "Support", 1, 0)),
			},
			{
				name:  "legacy update, still ringing",
				ev:    callEv(acme, at(time.Second), callA, inbound(0, "ringing", agent201)),
				want:  []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: all(wantCall(acme, callA, board.LegRinging, time.Time{}, board.LegRinging), wantQueueLive(acme, "Support", 1, 0)),
			},
			{
				name: "the agent's phone reports talking: the leg is answered",
				ev:   telEv(acme, at(4*time.Second), "201", "talking"),
				want: []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: all(wantCall(acme, callA, board.LegConnected, at(4*time.Second), board.LegConnected),
					wantQueueLive(acme, "Support", 0, 1), wantTel(acme, "201", board.TelTalking, true),
					func(t *testing.T, b *board.Board) {
						if c := mustCall(t, b, acme, callA); !c.UpdatedAt.Equal(at(4 * time.Second)) {
							t.Errorf("call updated at %v, want the report's time", c.UpdatedAt)
						}
					}),
			},
			{
				name: "the same report again changes nothing",
				ev:   telEv(acme, at(4*time.Second), "201", "talking"),
			},
			{
				name: "a legacy update older than the answer is ignored",
				ev:   callEv(acme, at(3*time.Second), callA, inbound(0, "ringing", agent201)),
			},
			{
				name: "a later legacy update saying ringing keeps the leg answered, and the rest of it applies",
				ev: func() board.Event {
					l := inbound(0, "ringing", agent201)
					l.Trunk = "sip-trunk-2"
					return callEv(acme, at(10*time.Second), callA, l)
				}(),
				want: []board.Change{userChange(acme, "201"), callChange(acme, callA, false), queueChange(acme, "Support")},
				check: all(wantCall(acme, callA, board.LegConnected, at(4*time.Second), board.LegConnected),
					wantQueueLive(acme, "Support", 0, 1),
					func(t *testing.T, b *board.Board) {
						if c := mustCall(t, b, acme, callA); c.Trunk != "sip-trunk-2" {
							t.Errorf("trunk = %q, want the update's", c.Trunk)
						}
					}),
			},
		}},
		{"telephony that does not answer a call", []step{
			{
				name: "internal legacy call: admin rings user20",
				ev:   callEv(acme, at(0), callA, leg(0, "ringing", admin, &user20)),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
			},
			{
				name:  "the caller's phone reports talking (dialling)",
				ev:    telEv(acme, at(time.Second), "1001", "talking"),
				want:  []board.Change{userChange(acme, "1001")},
				check: wantCall(acme, callA, board.LegRinging, time.Time{}, board.LegRinging),
			},
			{
				name:  "the callee's rt is ambiguous",
				ev:    telEv(acme, at(2*time.Second), "10020", "rt"),
				want:  []board.Change{userChange(acme, "10020")},
				check: wantCall(acme, callA, board.LegRinging, time.Time{}, board.LegRinging),
			},
			{
				name:  "the callee's ringing",
				ev:    telEv(acme, at(3*time.Second), "10020", "ringing"),
				want:  []board.Change{userChange(acme, "10020")},
				check: wantCall(acme, callA, board.LegRinging, time.Time{}, board.LegRinging),
			},
			{
				name: "a second call rings user20 too",
				ev:   callEv(acme, at(4*time.Second), callB, leg(0, "ringing", caller, &user20)),
				want: []board.Change{userChange(acme, "10020"), callChange(acme, callB, false)},
			},
			{
				name: "talking with two ringing legs: which one was answered is unknown",
				ev:   telEv(acme, at(5*time.Second), "10020", "talking"),
				want: []board.Change{userChange(acme, "10020")},
				check: all(wantCall(acme, callA, board.LegRinging, time.Time{}, board.LegRinging),
					wantCall(acme, callB, board.LegRinging, time.Time{}, board.LegRinging)),
			},
			{
				name: "the first call is answered (live format)",
				ev:   callEv(acme, at(6*time.Second), callA, leg(0, "connected", admin, &user20)),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
			},
			{
				name: "talking while on a connected leg: the connected leg explains it",
				ev:   telEv(acme, at(7*time.Second), "10020", "talking"),
				check: all(wantCall(acme, callB, board.LegRinging, time.Time{}, board.LegRinging),
					wantTel(acme, "10020", board.TelTalking, true)),
			},
			{
				name: "the first call ends",
				ev:   endEv(acme, at(8*time.Second), callA),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, true)},
			},
			{
				name: "the remaining call is updated",
				ev:   callEv(acme, at(10*time.Second), callB, leg(0, "ringing", caller, &user20)),
				want: []board.Change{userChange(acme, "10020"), callChange(acme, callB, false)},
			},
			{
				name:  "a report older than the call's last update says nothing about it",
				ev:    telEv(acme, at(9*time.Second), "10020", "talking"),
				check: wantCall(acme, callB, board.LegRinging, time.Time{}, board.LegRinging),
			},
		}},
		{"live format: hold, connected, hold; ringing does not un-answer", []step{
			{
				name:  "first seen on hold",
				ev:    callEv(acme, at(0), callA, leg(0, "HOLD", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: wantCall(acme, callA, board.LegHold, at(0), board.LegHold), // a held call was answered
			},
			{
				name:  "hold to connected applies",
				ev:    callEv(acme, at(time.Second), callA, leg(0, "connected", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: wantCall(acme, callA, board.LegConnected, at(0), board.LegConnected),
			},
			{
				name:  "connected to hold applies",
				ev:    callEv(acme, at(2*time.Second), callA, leg(0, "hold", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: wantCall(acme, callA, board.LegHold, at(0), board.LegHold),
			},
			{
				name:  "a later status that is not HOLD ends the hold; ringing does not un-answer",
				ev:    callEv(acme, at(3*time.Second), callA, leg(0, "ringing", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: wantCall(acme, callA, board.LegConnected, at(0), board.LegConnected),
			},
			{
				name:  "a new leg may ring",
				ev:    callEv(acme, at(4*time.Second), callA, leg(1, "ringing", user20, ptr(local("10021", "user21", "")))),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), userChange(acme, "10021"), callChange(acme, callA, false)},
				check: wantCall(acme, callA, board.LegConnected, at(0), board.LegConnected, board.LegRinging),
			},
		}},
		{"reported telephony beats derived", []step{
			{
				name:  "derived ringing",
				ev:    callEv(acme, at(0), callA, leg(0, "ringing", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: wantTel(acme, "10020", board.TelRinging, false),
			},
			{
				name:  "reported registered overrides the calls",
				ev:    telEv(acme, at(time.Second), "10020", "REGISTERED"),
				want:  []board.Change{userChange(acme, "10020")},
				check: all(wantTel(acme, "10020", board.TelRegistered, true), wantTile(acme, "10020", board.TileAvailable, board.Reason{Code: board.ReasonAvailable, Reported: true, Value: "registered"})),
			},
			{
				name:  "an older report is ignored",
				ev:    telEv(acme, at(500*time.Millisecond), "10020", "talking"),
				check: wantTel(acme, "10020", board.TelRegistered, true),
			},
			{
				name:  "rt",
				ev:    telEv(acme, at(2*time.Second), "10020", "rt"),
				want:  []board.Change{userChange(acme, "10020")},
				check: wantTile(acme, "10020", board.TileRT, board.Reason{Code: board.ReasonRT, Reported: true, Value: "rt"}),
			},
			{
				name:  "a call change no longer moves reported telephony, but still reports the user",
				ev:    callEv(acme, at(3*time.Second), callA, leg(0, "connected", admin, &user20)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
				check: wantTel(acme, "10020", board.TelRT, true),
			},
			{
				name:  "an unknown value is shown as offline",
				ev:    telEv(acme, at(4*time.Second), "10020", "unregistered"),
				want:  []board.Change{userChange(acme, "10020")},
				check: wantTile(acme, "10020", board.TileOffline, board.Reason{Code: board.ReasonOffline, Reported: true, Value: "unregistered"}),
			},
			{
				name:  "an empty report is unknown",
				ev:    telEv(acme, at(5*time.Second), "10020", ""),
				want:  []board.Change{userChange(acme, "10020")},
				check: all(wantTel(acme, "10020", board.TelUnknown, true), wantTile(acme, "10020", board.TileUnknown, board.Reason{Code: board.ReasonNothingReported})),
			},
		}},
		{"presence", []step{
			{
				name: "dnd with message and until",
				ev: board.Event{Company: acme, At: at(0), Presence: &board.Presence{
					Extension: "230", Email: "johndoe@example.com", Status: "dnd", Message: "Meeting",
					Until: time.Date(2024, 7, 24, 21, 59, 0, 0, time.UTC),
				}},
				want: []board.Change{userChange(acme, "230")},
				check: all(wantTile(acme, "230", board.TileDND, board.Reason{Code: board.ReasonDND, Value: "dnd", Message: "Meeting"}), func(t *testing.T, b *board.Board) {
					u := mustUser(t, b, acme, "230")
					if !u.Until.Equal(time.Date(2024, 7, 24, 21, 59, 0, 0, time.UTC)) || u.Email != "johndoe@example.com" {
						t.Errorf("user = %+v, want until 21:59 and the email", u)
					}
				}),
			},
			{
				name: "empty status is available",
				ev:   presEv(acme, at(time.Minute), "230", "", ""),
				want: []board.Change{userChange(acme, "230")},
				check: all(wantTile(acme, "230", board.TileAvailable, board.Reason{Code: board.ReasonNoPhoneReport}), func(t *testing.T, b *board.Board) {
					if u := mustUser(t, b, acme, "230"); u.Status != board.StatusAvailable || !u.Until.IsZero() {
						t.Errorf("status %q until %v, want available, no until", u.Status, u.Until)
					}
				}),
			},
			{
				name:  "a status unknown to us is not away: the tile follows the phone, the reason carries the value",
				ev:    presEv(acme, at(2*time.Minute), "230", "MUR", "Lunch"),
				want:  []board.Change{userChange(acme, "230")},
				check: wantTile(acme, "230", board.TileUnknown, board.Reason{Code: board.ReasonStatus, Value: "mur", Message: "Lunch"}),
			},
			{
				name: "an email-only event joins the user with that email",
				ev:   board.Event{Company: acme, At: at(3 * time.Minute), Presence: &board.Presence{Email: "JohnDoe@Example.com", Status: "away"}},
				want: []board.Change{userChange(acme, "230")},
				check: all(wantTile(acme, "230", board.TileAway, board.Reason{Code: board.ReasonAway, Value: "away"}), func(t *testing.T, b *board.Board) {
					if u := mustUser(t, b, acme, "230"); u.Email != "johndoe@example.com" {
						t.Errorf("email = %q, want the known spelling kept", u.Email)
					}
				}),
			},
			{
				name: "an email nobody has is ignored",
				ev:   board.Event{Company: acme, At: at(4 * time.Minute), Presence: &board.Presence{Email: "nobody@example.com", Status: "dnd"}},
			},
			{
				name: "the same email in another company is somebody else",
				ev:   board.Event{Company: globex, At: at(5 * time.Minute), Presence: &board.Presence{Email: "johndoe@example.com", Status: "dnd"}},
			},
			{
				name:  "dnd beats registered, talking beats dnd",
				ev:    telEv(acme, at(6*time.Minute), "230", "talking"),
				want:  []board.Change{userChange(acme, "230")},
				check: wantTile(acme, "230", board.TileTalking, board.Reason{Code: board.ReasonTalking, Reported: true, Value: "talking"}),
			},
		}},
		{"conferences", []step{
			{
				name: "a conference lists one user and one unknown email",
				ev: board.Event{Company: acme, At: at(0), Conference: &board.ConferenceUpsert{
					ID: "c0dea87_1721905148868", Subject: "Status & Priorities", StartedAt: at(-time.Minute),
					Participants: []board.ConferenceParticipant{
						{Extension: "25111", Email: "johndoe@example.com", Name: "John Doe", Department: "Sales"},
						{Email: "guest@example.org", Name: "Guest"},
					},
				}},
				want: []board.Change{userChange(acme, "25111"), confChange(acme, "c0dea87_1721905148868", false)},
				check: func(t *testing.T, b *board.Board) {
					u := mustUser(t, b, acme, "25111")
					if !u.InConference || u.Name != "John Doe" || u.Department != "Sales" {
						t.Errorf("user = %+v, want John Doe of Sales in conference", u)
					}
					if c, ok := b.Conference(acme, "c0dea87_1721905148868"); !ok || !c.StartedAt.Equal(at(-time.Minute)) || len(c.Participants) != 2 {
						t.Errorf("conference = %+v, %v", c, ok)
					}
				},
			},
			{
				name: "a join adds a participant",
				ev: board.Event{Company: acme, At: at(time.Minute), ConferenceJoin: &board.ConferenceJoin{
					ID: "c0dea87_1721905148868", Participant: board.ConferenceParticipant{Extension: "25112", Name: "Jane Roe"},
				}},
				want: []board.Change{userChange(acme, "25112"), confChange(acme, "c0dea87_1721905148868", false)},
			},
			{
				name: "the same join again changes nothing",
				ev: board.Event{Company: acme, At: at(time.Minute), ConferenceJoin: &board.ConferenceJoin{
					ID: "c0dea87_1721905148868", Participant: board.ConferenceParticipant{Extension: "25112", Name: "Jane Roe"},
				}},
			},
			{
				name: "an upsert replaces the participants",
				ev: board.Event{Company: acme, At: at(2 * time.Minute), Conference: &board.ConferenceUpsert{
					ID: "c0dea87_1721905148868", Subject: "Status & Priorities",
					Participants: []board.ConferenceParticipant{{Extension: "25112", Name: "Jane Roe"}},
				}},
				want: []board.Change{userChange(acme, "25111"), confChange(acme, "c0dea87_1721905148868", false)},
				check: func(t *testing.T, b *board.Board) {
					if mustUser(t, b, acme, "25111").InConference || !mustUser(t, b, acme, "25112").InConference {
						t.Error("want 25111 out of the conference and 25112 in it")
					}
				},
			},
			{
				name: "an older upsert is ignored",
				ev: board.Event{Company: acme, At: at(90 * time.Second), Conference: &board.ConferenceUpsert{
					ID: "c0dea87_1721905148868", Subject: "old",
				}},
			},
			{
				name: "an idle conference expires",
				ev:   tick(at(2*time.Minute + board.DefaultConferenceTTL + time.Second)),
				want: []board.Change{userChange(acme, "25112"), confChange(acme, "c0dea87_1721905148868", true)},
				check: func(t *testing.T, b *board.Board) {
					if _, ok := b.Conference(acme, "c0dea87_1721905148868"); ok || mustUser(t, b, acme, "25112").InConference {
						t.Error("want the conference gone and 25112 out of it")
					}
				},
			},
		}},
		{"conference presence", []step{
			{
				name: "joined",
				ev:   board.Event{Company: acme, At: at(0), ConfPresence: &board.ConferencePresence{Extension: "230", Joined: true}},
				want: []board.Change{userChange(acme, "230")},
				check: func(t *testing.T, b *board.Board) {
					if !mustUser(t, b, acme, "230").InConference {
						t.Error("want 230 in a conference")
					}
				},
			},
			{
				name: "an older leave is ignored",
				ev:   board.Event{Company: acme, At: at(-time.Second), ConfPresence: &board.ConferencePresence{Extension: "230"}},
			},
			{
				name: "left",
				ev:   board.Event{Company: acme, At: at(time.Minute), ConfPresence: &board.ConferencePresence{Extension: "230"}},
				want: []board.Change{userChange(acme, "230")},
				check: func(t *testing.T, b *board.Board) {
					if mustUser(t, b, acme, "230").InConference {
						t.Error("want 230 out of conferences")
					}
				},
			},
		}},
		{"call expiry via tick", []step{
			{
				name: "a call",
				ev:   callEv(acme, at(0), callA, leg(0, "connected", admin, &user20)),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
			},
			{
				name: "exactly CallTTL later it is still live",
				ev:   tick(at(board.DefaultCallTTL)),
			},
			{
				name:  "a moment later it expires",
				ev:    tick(at(board.DefaultCallTTL + time.Second)),
				want:  []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, true)},
				check: all(wantNoCall(acme, callA), wantCallIDs(acme, "10020")),
			},
			{
				name:  "an expired call is tombstoned",
				ev:    callEv(acme, at(board.DefaultCallTTL+2*time.Second), callA, leg(0, "connected", admin, &user20)),
				check: wantNoCall(acme, callA),
			},
		}},
		{"completed calls feed today's counters", []step{
			{
				name: "answered by 201",
				ev: board.Event{Company: acme, At: at(10 * time.Minute), Completed: &board.CompletedCall{
					ID: callA, Queue: "Support", Direction: board.Inbound, Agent: ptr(agent201),
					Wait: 20 * time.Second, Talk: 3 * time.Minute, EndedAt: at(10 * time.Minute),
				}},
				want: []board.Change{userChange(acme, "201"), queueChange(acme, "Support"), agentChange(acme, "201")},
				check: func(t *testing.T, b *board.Board) {
					q, _ := b.Queue(acme, "Support")
					a, _ := b.Agent(acme, "201")
					if q.Answered != 1 || q.WaitTotal != 20*time.Second || q.TalkTotal != 3*time.Minute || a.Answered != 1 || a.TalkTotal != 3*time.Minute {
						t.Errorf("queue %+v agent %+v, want one answered call", q, a)
					}
				},
			},
			{
				name: "the same record again is not counted twice",
				ev: board.Event{Company: acme, At: at(11 * time.Minute), Completed: &board.CompletedCall{
					ID: callA, Queue: "Support", Agent: ptr(agent201), Talk: 3 * time.Minute, EndedAt: at(10 * time.Minute),
				}},
			},
			{
				name: "missed",
				ev: board.Event{Company: acme, At: at(12 * time.Minute), Completed: &board.CompletedCall{
					ID: callB, Queue: "Support", Missed: true, Agent: ptr(agent201), Wait: time.Minute,
				}},
				want: []board.Change{queueChange(acme, "Support"), agentChange(acme, "201")},
				check: func(t *testing.T, b *board.Board) {
					q, _ := b.Queue(acme, "Support")
					a, _ := b.Agent(acme, "201")
					if q.Missed != 1 || q.WaitTotal != 20*time.Second || a.Missed != 1 || a.Answered != 1 {
						t.Errorf("queue %+v agent %+v, want one missed on top", q, a)
					}
				},
			},
			{
				name: "a call that ended yesterday is not today's",
				ev: board.Event{Company: acme, At: at(13 * time.Minute), Completed: &board.CompletedCall{
					ID: acme + "_1721700000.5", Queue: "Support", EndedAt: at(-24 * time.Hour),
				}},
			},
			{
				name: "the day rolls over",
				ev:   tick(time.Date(2024, 7, 25, 0, 0, 0, 0, time.UTC)),
				want: []board.Change{queueChange(acme, "Support"), agentChange(acme, "201"), dayChange(acme), dayChange(globex)},
				check: func(t *testing.T, b *board.Board) {
					q, _ := b.Queue(acme, "Support")
					a, _ := b.Agent(acme, "201")
					if q.Period != (board.Period{}) || q.Intraday != nil || q.Last60 != (board.Period{}) || a != (board.AgentStats{Company: acme, Extension: "201"}) {
						t.Errorf("queue %+v agent %+v, want zeros", q, a)
					}
					if s := b.Snapshot(); s.Day != "2024-07-25" {
						t.Errorf("day = %q, want 2024-07-25", s.Day)
					}
				},
			},
			{
				name: "an event from the previous day does not roll back",
				ev:   tick(at(time.Hour)),
			},
		}},
		{"tenant isolation", []step{
			{
				name: "acme call",
				ev:   callEv(acme, at(0), callA, leg(0, "ringing", admin, &user20)),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
			},
			{
				name: "the same id and extensions in globex",
				ev:   callEv(globex, at(time.Second), callA, leg(0, "connected", admin, &user20)),
				want: []board.Change{userChange(globex, "1001"), userChange(globex, "10020"), callChange(globex, callA, false)},
				check: all(func(t *testing.T, b *board.Board) {
					if c := mustCall(t, b, acme, callA); c.State != board.LegRinging {
						t.Errorf("acme call state %q, want ringing", c.State)
					}
				}, wantTel(acme, "10020", board.TelRinging, false), wantTel(globex, "10020", board.TelTalking, false)),
			},
			{
				name: "ending it in globex leaves acme's",
				ev:   endEv(globex, at(2*time.Second), callA),
				want: []board.Change{userChange(globex, "1001"), userChange(globex, "10020"), callChange(globex, callA, true)},
				check: func(t *testing.T, b *board.Board) {
					mustCall(t, b, acme, callA)
				},
			},
		}},
		{"identity and since", []step{
			{
				name: "learned from a call party",
				ev:   callEv(acme, at(0), callA, leg(0, "connected", admin, &user20)),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, false)},
			},
			{
				name: "a party without a name keeps the known name",
				ev:   callEv(acme, at(time.Second), callB, leg(0, "ringing", board.Party{Local: true, Extension: "1001"}, nil)),
				want: []board.Change{userChange(acme, "1001"), callChange(acme, callB, false)},
				check: all(func(t *testing.T, b *board.Board) {
					u := mustUser(t, b, acme, "1001")
					if u.Name != "admin" || u.Email != "admin@example.com" || u.Group != "Sales" {
						t.Errorf("user = %+v, want admin's identity kept", u)
					}
					if !u.Since.Equal(at(0)) {
						t.Errorf("since = %v, want t0: the tile stayed talking", u.Since)
					}
				}, wantCallIDs(acme, "1001", callA, callB)),
			},
			{
				name: "ending both calls changes the tile",
				ev:   endEv(acme, at(time.Minute), callA),
				want: []board.Change{userChange(acme, "1001"), userChange(acme, "10020"), callChange(acme, callA, true)},
				check: func(t *testing.T, b *board.Board) {
					if u := mustUser(t, b, acme, "10020"); !u.Since.Equal(at(time.Minute)) {
						t.Errorf("since = %v, want the end", u.Since)
					}
				},
			},
		}},
		{"events without a subject", []step{
			{name: "no fact at all", ev: board.Event{Company: acme, At: at(0)}},
			{name: "a call without id", ev: callEv(acme, at(0), "", leg(0, "ringing", admin, nil))},
			{name: "telephony without extension or known email", ev: telEv(acme, at(0), "", "talking")},
			{name: "a remote-only call names no user", ev: callEv(acme, at(0), callA, leg(0, "ringing", caller, ptr(remote("+15550000000")))),
				want: []board.Change{callChange(acme, callA, false)}},
			{name: "a completed call without id cannot be deduplicated", ev: board.Event{Company: acme, At: at(0), Completed: &board.CompletedCall{Queue: "Support"}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.steps) })
	}
}

func TestUserState(t *testing.T) {
	tests := []struct {
		name   string
		u      board.User
		tile   board.TileState
		reason board.Reason
	}{
		{"nothing known", board.User{Telephony: board.TelUnknown}, board.TileUnknown, board.Reason{Code: board.ReasonNothingReported}},
		{"rt beats dnd", board.User{Telephony: board.TelRT, TelephonyReported: true, Status: board.StatusDND}, board.TileRT, board.Reason{Code: board.ReasonRT, Reported: true, Value: "rt"}},
		{"talking derived", board.User{Telephony: board.TelTalking}, board.TileTalking, board.Reason{Code: board.ReasonTalking, Value: "talking"}},
		{"ringing beats away", board.User{Telephony: board.TelRinging, TelephonyReported: true, Status: board.StatusAway}, board.TileRinging, board.Reason{Code: board.ReasonRinging, Reported: true, Value: "ringing"}},
		{"dnd without message", board.User{Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusDND}, board.TileDND, board.Reason{Code: board.ReasonDND, Value: "dnd"}},
		{"dnd beats offline", board.User{Telephony: "unregistered", TelephonyReported: true, Status: board.StatusDND, Message: "Off"}, board.TileDND, board.Reason{Code: board.ReasonDND, Value: "dnd", Message: "Off"}},
		{"away", board.User{Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusAway, Message: "Back at 3"}, board.TileAway, board.Reason{Code: board.ReasonAway, Value: "away", Message: "Back at 3"}},
		{"registered", board.User{Telephony: board.TelRegistered, TelephonyReported: true}, board.TileAvailable, board.Reason{Code: board.ReasonAvailable, Reported: true, Value: "registered"}},
		{"offline beats presence available", board.User{Telephony: "unregistered", TelephonyReported: true, Status: board.StatusAvailable}, board.TileOffline, board.Reason{Code: board.ReasonOffline, Reported: true, Value: "unregistered"}},
		{"available without phone", board.User{Telephony: board.TelUnknown, Status: board.StatusAvailable}, board.TileAvailable, board.Reason{Code: board.ReasonNoPhoneReport}},
		{"busy is do not disturb", board.User{Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusBusy}, board.TileDND, board.Reason{Code: board.ReasonBusy, Value: "busy"}},
		{"offline status is offline, not away", board.User{Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusOffline}, board.TileOffline, board.Reason{Code: board.ReasonStatusOffline, Value: "offline"}},
		{"unavailable status is offline", board.User{Telephony: board.TelUnknown, Status: board.StatusUnavailable, Message: "Sick"}, board.TileOffline, board.Reason{Code: board.ReasonStatusOffline, Value: "unavailable", Message: "Sick"}},
		{"an unknown status follows the phone, shown as received", board.User{Telephony: board.TelRegistered, TelephonyReported: true, Status: "mur"}, board.TileAvailable, board.Reason{Code: board.ReasonStatus, Value: "mur"}},
		{"an unknown status, phone unregistered", board.User{Telephony: "unregistered", TelephonyReported: true, Status: "mur"}, board.TileOffline, board.Reason{Code: board.ReasonOffline, Reported: true, Value: "unregistered"}},
		{"talking beats an offline status", board.User{Telephony: board.TelTalking, TelephonyReported: true, Status: board.StatusOffline}, board.TileTalking, board.Reason{Code: board.ReasonTalking, Reported: true, Value: "talking"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tile, reason := tt.u.State()
			if tile != tt.tile || reason != tt.reason {
				t.Errorf("State() = %q, %+v; want %q, %+v", tile, reason, tt.tile, tt.reason)
			}
		})
	}
}

func TestOptionsLocation(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*60*60)
	b := board.New(board.Options{Location: berlin})
	b.Apply(board.Event{Company: acme, At: time.Date(2024, 7, 24, 21, 59, 0, 0, time.UTC)})
	if got := b.Apply(tick(time.Date(2024, 7, 24, 22, 0, 0, 0, time.UTC))); !slices.Equal(got, []board.Change{dayChange(acme)}) {
		t.Fatalf("changes at local midnight = %v, want the day", got)
	}
	if s := b.Snapshot(); s.Day != "2024-07-25" {
		t.Errorf("day = %q, want 2024-07-25", s.Day)
	}
}

func TestReadsAreCopies(t *testing.T) {
	b := board.New(board.Options{})
	callee := local("10020", "user20", "")
	b.Apply(callEv(acme, at(0), callA, leg(0, "connected", local("1001", "admin", ""), &callee)))

	c := mustCall(t, b, acme, callA)
	c.Legs[0].Callee.Name = "changed"
	c.Legs[0].State = "changed"
	u := mustUser(t, b, acme, "1001")
	u.CallIDs[0] = "changed"
	s := b.Snapshot()
	s.Calls[0].Legs[0].Caller.Name = "changed"

	if c := mustCall(t, b, acme, callA); c.Legs[0].Callee.Name != "user20" || c.Legs[0].State != board.LegConnected || c.Legs[0].Caller.Name != "admin" {
		t.Errorf("call after mutating copies = %+v", c.Legs[0])
	}
	if u := mustUser(t, b, acme, "1001"); u.CallIDs[0] != callA {
		t.Errorf("CallIDs after mutating a copy = %v", u.CallIDs)
	}
	// The event's own slices and pointers are copied too.
	legs := []board.Leg{leg(0, "ringing", local("1001", "admin", ""), &callee)}
	b.Apply(callEv(acme, at(time.Second), callB, legs...))
	legs[0].State, callee.Name = "changed", "changed"
	if c := mustCall(t, b, acme, callB); c.Legs[0].State != board.LegRinging || c.Legs[0].Callee.Name != "user20" {
		t.Errorf("call after mutating the event = %+v", c.Legs[0])
	}
}

func TestUnmarshalBinaryErrors(t *testing.T) {
	b := board.New(board.Options{})
	b.Apply(callEv(acme, at(0), callA, leg(0, "ringing", local("1001", "admin", ""), nil)))
	good := mustMarshal(t, b)

	tests := []struct {
		name, data, wantErr string
	}{
		{"not json", "{", "decode state"},
		{"other version", `{"Version":99}`, "version 99"},
		{"call names a missing user", strings.Replace(string(good), `"Users":[`, `"Users":[],"X":[`, 1), "unknown user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := b.UnmarshalBinary([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("UnmarshalBinary error = %v, want one containing %q", err, tt.wantErr)
			}
			if got := mustMarshal(t, b); string(got) != string(good) {
				t.Error("a failed UnmarshalBinary changed the board")
			}
		})
	}
}
