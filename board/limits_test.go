package board_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// TestLimits: what one company's events can create is bounded, counted
// when hit, and never touches another company.
func TestLimits(t *testing.T) {
	lim := board.Limits{Users: 50, Calls: 10, Conferences: 3, Tombstones: 16, QueueMembers: 8, Devices: 2}
	b := board.New(board.Options{Limits: lim})
	b.Apply(presEv(globex, at(0), "100", "available", ""))
	before := mustMarshalCompany(t, b, globex)

	for i := range 200 {
		ext := strconv.Itoa(1000 + i)
		when := at(time.Duration(i) * time.Second)
		b.Apply(presEv(acme, when, ext, "available", ""))
		b.Apply(callEv(acme, when, "q"+ext, board.Leg{Index: 0, State: "ringing", Caller: remote("+1555"), Callee: ptr(local(ext, "", "")), Queue: "Support"}))
		b.Apply(board.Event{Company: acme, At: when, Conference: &board.ConferenceUpsert{ID: "conf" + ext, Participants: []board.ConferenceParticipant{{ID: "g" + ext, Name: "Guest"}}}})
		b.Apply(endEv(acme, when, "q"+ext))
		b.Apply(board.Event{Company: acme, At: when, Telephony: &board.Telephony{Extension: "1000", Status: "registered", Device: "dev" + ext}})
	}
	for i := range 20 {
		b.Apply(callEv(acme, at(time.Hour), "open"+strconv.Itoa(i), board.Leg{Index: 0, State: "ringing", Caller: remote("+1555")}))
	}
	s := b.Snapshot()
	count := func(company string) (users, calls, confs int) {
		for _, u := range s.Users {
			if u.Company == company {
				users++
			}
		}
		for _, c := range s.Calls {
			if c.Company == company {
				calls++
			}
		}
		for _, c := range s.Conferences {
			if c.Company == company {
				confs++
			}
		}
		return
	}
	if users, calls, confs := count(acme); users != lim.Users || calls != lim.Calls || confs != lim.Conferences {
		t.Errorf("acme has %d users, %d calls, %d conferences; limits %d, %d, %d", users, calls, confs, lim.Users, lim.Calls, lim.Conferences)
	}
	if q, _ := b.Queue(acme, "Support"); q.Members > lim.QueueMembers {
		t.Errorf("acme's queue learned %d members, limit %d", q.Members, lim.QueueMembers)
	}
	hits := b.Counters().LimitHits
	for _, l := range []board.Limit{board.LimitUsers, board.LimitCalls, board.LimitConferences, board.LimitTombstones, board.LimitQueueMembers, board.LimitDevices} {
		if hits[l] == 0 {
			t.Errorf("limit %s never counted as hit: %v", l, hits)
		}
	}
	if mustMarshalCompany(t, b, globex) != before {
		t.Error("acme's volume changed globex")
	}
	// Another company still gets everything it is due.
	b.Apply(presEv(globex, at(time.Hour), "101", "dnd", ""))
	if u := mustUser(t, b, globex, "101"); u.Status != board.StatusDND {
		t.Errorf("globex's new user = %+v", u)
	}
	// An ended call still cannot come back while its tombstone lives,
	// the newest ones being kept.
	b.Apply(callEv(acme, at(time.Hour), "q1199", board.Leg{Index: 0, State: "ringing", Caller: remote("+1555")}))
	if _, ok := b.Call(acme, "q1199"); ok {
		t.Error("the newest ended call came back")
	}
	if u := mustUser(t, b, acme, "1000"); u.Telephony != board.TelRegistered {
		t.Errorf("1000 with many devices = %q", u.Telephony)
	}
}

// TestFakeExtensionsFromOneIntegration: a signed integration sending a
// flood of made-up extensions (100,000 in production; 20,000 here, with a
// limit of 1,000 so that the limit is reached twenty times over) costs the
// other companies nothing: the flood's state stays at the limit, and the
// other company's state and snapshot are what they would be without it.
func TestFakeExtensionsFromOneIntegration(t *testing.T) {
	opts := board.Options{Limits: board.Limits{Users: 1000}}
	flooded, quiet := board.New(opts), board.New(opts)
	genuine := []board.Event{
		presEv(globex, at(0), "100", "available", ""),
		callEv(globex, at(time.Second), "g1", leg(0, "connected", local("100", "Gil", ""), ptr(remote("+1555")))),
	}
	for _, e := range genuine {
		quiet.Apply(e)
	}
	for i, e := range genuine {
		flooded.Apply(e)
		for j := range 10_000 {
			ext := strconv.Itoa(100_000 + i*10_000 + j)
			flooded.Apply(board.Event{Company: acme, At: at(time.Second), Telephony: &board.Telephony{Extension: ext, Status: "talking"}})
		}
	}
	if got := len(flooded.Snapshot().Users); got != 1000+1 {
		t.Errorf("%d users, want acme's 1,000 and globex's 1", got)
	}
	if mustMarshalCompany(t, flooded, globex) != mustMarshalCompany(t, quiet, globex) {
		t.Error("the flood changed globex's state")
	}
	if n := flooded.Counters().LimitHits[board.LimitUsers]; n != 19_000 {
		t.Errorf("user limit hit %d times, want 19,000", n)
	}
}
