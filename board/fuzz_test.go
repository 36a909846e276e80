package board_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// fuzzOpts has short lifetimes so that random sequences reach expiry, and
// a start near midnight so that they cross days.
var fuzzOpts = board.Options{CallTTL: 20 * time.Minute, ConferenceTTL: 30 * time.Minute, TombstoneTTL: time.Hour}

// decodeEvents turns fuzz bytes into events, five bytes each, over a small
// vocabulary so that events collide on the same users, calls and
// conferences. Time moves by -8 to +55 minutes per event.
func decodeEvents(data []byte) []board.Event {
	companies := [2]string{acme, globex}
	exts := [4]string{"201", "202", "203", "204"}
	calls := [3]string{"_1721811600.1", "_1721811600.2", "_1721811660.3"}
	confs := [2]string{"c0dea87_1", "c0dea87_2"}
	legStates := [4]string{"ringing", "CONNECTED", "hold", "transferring"}
	tel := [6]string{"registered", "ringing", "talking", "rt", "", "unregistered"}
	pres := [4]string{"available", "away", "DND", ""}
	email := func(ext string) string { return "u" + ext + "@example.com" }
	party := func(v byte) *board.Party {
		switch v % 6 {
		case 4:
			return ptr(remote("+1555000" + string('0'+rune(v%10))))
		case 5:
			return nil
		}
		ext := exts[v%4]
		if v&0x40 != 0 { // known only by email
			return &board.Party{Local: true, Email: email(ext)}
		}
		return ptr(local(ext, "User "+ext, email(ext)))
	}

	now := time.Date(2024, 7, 24, 22, 30, 0, 0, time.UTC)
	var evs []board.Event
	for ; len(data) >= 5; data = data[5:] {
		b0, b1, b2, b3 := data[0], data[1], data[2], data[3]
		now = now.Add(time.Duration(int(data[4])%64-8) * time.Minute)
		company := companies[b1>>7]
		ext := exts[b1%4]
		e := board.Event{Company: company, At: now}
		if b1&0x40 != 0 {
			e.At = now.Add(-time.Duration(b2%4) * time.Minute) // a late arrival
		}
		switch b0 % 10 {
		case 0, 9:
			l := board.Leg{Index: int(b2 % 3), State: legStates[(b2/3)%4], Direction: board.Inbound}
			if caller := party(b3); caller != nil {
				l.Caller = *caller
			}
			l.Callee = party(b3 / 6)
			if b2&0x80 != 0 {
				l.Queue = "Support"
			}
			c := &board.CallUpsert{ID: company + calls[b1%3], Legs: []board.Leg{l}}
			if b0%10 == 9 {
				c.StartedAt = now.Add(-time.Minute)
			}
			e.Call = c
		case 1:
			e.CallEnd = &board.CallEnd{ID: company + calls[b1%3]}
		case 2:
			e.Telephony = &board.Telephony{Extension: ext, Status: tel[b2%6]}
			if b3&1 != 0 {
				e.Telephony = &board.Telephony{Email: email(ext), Status: tel[b2%6]}
			}
		case 3:
			e.Presence = &board.Presence{Extension: ext, Status: pres[b2%4], Message: string('a' + rune(b3%3))}
		case 4:
			var parts []board.ConferenceParticipant
			for i, x := range exts {
				if b2&(1<<i) != 0 {
					parts = append(parts, board.ConferenceParticipant{Extension: x, Name: "User " + x})
				}
			}
			if b2&0x10 != 0 {
				parts = append(parts, board.ConferenceParticipant{Email: email(exts[b3%4])})
			}
			e.Conference = &board.ConferenceUpsert{ID: confs[b1%2], Subject: string('A' + rune(b3%3)), Participants: parts}
		case 5:
			e.ConferenceJoin = &board.ConferenceJoin{ID: confs[b1%2], Participant: board.ConferenceParticipant{Extension: exts[b2%4], Name: string('a' + rune(b3%2))}}
		case 6:
			e.ConfPresence = &board.ConferencePresence{Extension: ext, Joined: b2&1 != 0}
		case 7:
			e.Completed = &board.CompletedCall{
				ID: company + calls[b2%3], Queue: []string{"", "Support"}[b2/3%2], Missed: b3&1 != 0,
				Agent: party(b3 / 2), Wait: time.Duration(b3) * time.Second, Talk: time.Duration(b2) * time.Second,
			}
		case 8:
			e = board.Event{At: e.At, Tick: true}
		}
		evs = append(evs, e)
	}
	return evs
}

func FuzzApply(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 3, 6, 1, 0, 0, 4, 6, 1, 2, 0, 2, 0, 1, 1, 0, 0, 0, 1, 0, 0, 4, 6, 1})
	f.Add([]byte{4, 0, 0x13, 1, 1, 5, 0, 2, 0, 1, 6, 1, 1, 0, 1, 8, 0, 0, 0, 63, 4, 1, 5, 0, 3})
	f.Add([]byte{7, 0, 0x83, 2, 1, 7, 0, 0x83, 2, 1, 8, 0, 0, 0, 63, 8, 0, 0, 0, 63, 7, 0x80, 4, 3, 1})
	f.Add([]byte{0, 0x41, 0x80, 0x44, 2, 9, 1, 3, 0x17, 2, 1, 1, 0, 0, 2, 0, 0xc1, 0, 0, 0, 3, 0x81, 1, 1, 5})
	// A remote caller rings 201, 201 reports talking, a later update still says ringing.
	f.Add([]byte{0, 0, 0, 4, 9, 2, 0, 2, 0, 9, 0, 0, 0, 4, 9})

	f.Fuzz(checkInvariants)
}

// checkInvariants feeds the events decoded from data to boards and checks
// the board's invariants.
func checkInvariants(t *testing.T, data []byte) {
	// Long sequences find nothing short ones do not, and slow the fuzzer.
	evs := decodeEvents(data[:min(len(data), 5*200)])
	full, twin := board.New(fuzzOpts), board.New(fuzzOpts)
	var restored *board.Board
	type callKey struct{ company, id string }
	ended := map[callKey]time.Time{}
	var latest time.Time

	for i, e := range evs {
		if i == len(evs)/2 {
			state := mustMarshal(t, full)
			restored = board.New(fuzzOpts)
			if err := restored.UnmarshalBinary(state); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if again := mustMarshal(t, restored); !bytes.Equal(state, again) {
				t.Fatalf("MarshalBinary after UnmarshalBinary differs:\n%s\n%s", state, again)
			}
		}

		seq := full.Seq()
		changes := full.Apply(e)
		wantSeq := seq
		if changes != nil {
			wantSeq++
		}
		if full.Seq() != wantSeq {
			t.Fatalf("event %d: %d changes moved Seq %d → %d", i, len(changes), seq, full.Seq())
		}
		if !slices.IsSortedFunc(changes, compareChanges) || len(slices.CompactFunc(slices.Clone(changes), func(a, b board.Change) bool { return compareChanges(a, b) == 0 })) != len(changes) {
			t.Fatalf("event %d: changes not sorted and unique: %v", i, changes)
		}
		if again := full.Apply(e); again != nil || full.Seq() != wantSeq {
			t.Fatalf("event %d applied twice: second time changed %v (seq %d)", i, again, full.Seq())
		}

		for _, b := range []*board.Board{twin, restored} {
			if b == nil {
				continue
			}
			if got := b.Apply(e); !slices.Equal(got, changes) {
				t.Fatalf("event %d: a board with the same history reported %v, want %v", i, got, changes)
			}
			b.Apply(e)
		}

		for _, company := range []string{acme, globex} {
			if q, _ := full.Queue(company, "Support"); q.Free < 0 || q.Free > q.Members {
				t.Fatalf("event %d: queue %s/%s has %d free of %d members", i, q.Company, q.Name, q.Free, q.Members)
			}
		}

		if e.At.After(latest) {
			latest = e.At
		}
		if e.CallEnd != nil {
			k := callKey{e.Company, e.CallEnd.ID}
			if e.At.After(ended[k]) {
				ended[k] = e.At
			}
		}
		for k, endAt := range ended {
			if latest.After(endAt.Add(fuzzOpts.TombstoneTTL)) {
				delete(ended, k)
				continue
			}
			if _, ok := full.Call(k.company, k.id); ok {
				t.Fatalf("event %d: call %v ended at %v is back while its tombstone lives", i, k, endAt)
			}
		}
	}

	state := mustMarshal(t, full)
	if got := mustMarshal(t, twin); !bytes.Equal(state, got) {
		t.Fatal("two boards fed the same events encode differently")
	}
	if restored != nil {
		if got := mustMarshal(t, restored); !bytes.Equal(state, got) {
			t.Fatalf("a restored board fed the rest differs from one fed everything:\n%s\n%s", state, got)
		}
	}
}

func compareChanges(a, b board.Change) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Company, b.Company), strings.Compare(a.Key, b.Key))
}

// extremeClaims are the times a PBX with a wrong clock (or a hostile
// sender) can claim.
var extremeClaims = []func(recv time.Time) time.Time{
	func(recv time.Time) time.Time { return recv },
	func(recv time.Time) time.Time { return recv.Add(-2 * time.Minute) },
	func(time.Time) time.Time { return time.UnixMilli(-1_000_000) },                       // negative
	func(recv time.Time) time.Time { return time.UnixMilli(recv.Unix()) },                 // seconds
	func(time.Time) time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) },      // 2100
	func(time.Time) time.Time { return time.UnixMilli(253_402_300_800_000 + 86_400_000) }, // year 10000
	func(time.Time) time.Time { return time.UnixMilli(math.MaxInt64) },
	func(time.Time) time.Time { return time.Time{} },
	func(time.Time) time.Time { return time.Date(1999, 12, 31, 23, 0, 0, 0, time.UTC) },
	func(recv time.Time) time.Time { return recv.Add(6 * time.Minute) },
}

// FuzzApplyExtremeTimes feeds one company (acme) events claiming extreme
// times, received at sane ones, among another company's (globex) genuine
// events. Invariants: every change is of the event's own company, the
// board encodes and decodes, acme's day is its receive times' day, and
// globex ends exactly as a board fed only globex's events (and the ticks).
func FuzzApplyExtremeTimes(f *testing.F) {
	f.Add([]byte{0, 0, 3, 6, 1, 4, 0x80, 4, 6, 1, 2, 0, 2, 0, 1, 1, 0x80, 0, 0, 9})
	f.Add([]byte{7, 0, 0x83, 2, 6, 7, 0x80, 0x83, 2, 5, 8, 0, 0, 0, 63, 0, 0, 0, 4, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		evs := decodeEvents(data[:min(len(data), 5*200)])
		all, alone := board.New(fuzzOpts), board.New(fuzzOpts)
		recv := time.Date(2024, 7, 24, 22, 30, 0, 0, time.UTC)
		var lastRecv time.Time
		for i, e := range evs {
			recv = recv.Add(time.Duration(i%7) * time.Minute)
			e.Received = recv
			if e.Company == acme {
				e.At = extremeClaims[int(data[min(5*i+2, len(data)-1)])%len(extremeClaims)](recv)
			} else {
				e.At = recv
			}
			if e.Tick {
				e.At = recv
			}
			if e.Company == acme || e.Tick && all.CompanyDay(acme) != "" {
				lastRecv = recv // acme's clock
			}
			for _, c := range all.Apply(e) {
				if !e.Tick && c.Company != e.Company {
					t.Fatalf("event %d of %s changed %+v", i, e.Company, c)
				}
			}
			if e.Company != acme {
				alone.Apply(e)
			}
		}
		state := mustMarshal(t, all)
		restored := board.New(fuzzOpts)
		if err := restored.UnmarshalBinary(state); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		if day := all.CompanyDay(acme); day != "" && day != lastRecv.Format(time.DateOnly) {
			t.Fatalf("acme's day %s, want its clock's %s", day, lastRecv.Format(time.DateOnly))
		}
		if got, want := mustMarshalCompany(t, all, globex), mustMarshalCompany(t, alone, globex); got != want {
			t.Fatalf("acme's events changed globex:\n got %s\nwant %s", got, want)
		}
		if _, err := json.Marshal(all.Snapshot()); err != nil {
			t.Fatalf("snapshot does not encode: %v", err)
		}
	})
}
