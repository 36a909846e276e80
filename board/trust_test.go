package board_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

func TestTrustTime(t *testing.T) {
	recv := time.Date(2024, 7, 24, 9, 0, 0, 0, time.UTC)
	ms := func(n int64) time.Time { return time.UnixMilli(n).UTC() }
	tests := []struct {
		name     string
		claim    time.Time
		received time.Time
		want     time.Time
		fix      board.TimeFix
	}{
		{"a claim within the skew is believed", recv.Add(4 * time.Minute), recv, recv.Add(4 * time.Minute), board.TimeOK},
		{"a late claim is believed", recv.Add(-3 * time.Hour), recv, recv.Add(-3 * time.Hour), board.TimeOK},
		{"more than the skew ahead: the receive time", recv.Add(6 * time.Minute), recv, recv, board.TimeFuture},
		{"the year 2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), recv, recv, board.TimeFuture},
		{"the year 10000 and later", ms(253402300800000 + 1), recv, recv, board.TimeFuture},
		{"max int64 milliseconds", ms(math.MaxInt64), recv, recv, board.TimeFuture},
		{"seconds instead of milliseconds", ms(recv.Unix() - 30), recv, recv.Add(-30 * time.Second), board.TimeSeconds},
		{"seconds, but ahead: not converted", ms(recv.Unix() + 3600), recv, recv, board.TimeTooOld},
		{"before 2000", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), recv, recv, board.TimeTooOld},
		{"the epoch", ms(0), recv, recv, board.TimeTooOld},
		{"negative", ms(-5000), recv, recv, board.TimeTooOld},
		{"no claim", time.Time{}, recv, recv, board.TimeMissing},
		{"no receive time: a believable claim", recv, time.Time{}, recv, board.TimeOK},
		{"no receive time: the year 10000", ms(math.MaxInt64), time.Time{}, time.Time{}, board.TimeRefused},
		{"no receive time: before 2000", ms(1000), time.Time{}, time.Time{}, board.TimeRefused},
		{"no receive time, no claim", time.Time{}, time.Time{}, time.Time{}, board.TimeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fix := board.TrustTime(tt.claim, tt.received, 0)
			if !got.Equal(tt.want) || fix != tt.fix {
				t.Errorf("TrustTime(%v, %v) = %v, %q; want %v, %q", tt.claim, tt.received, got, fix, tt.want, tt.fix)
			}
		})
	}
}

// TestWrongClockHarmsNobody posts, for one company, events whose own time
// is absurd, and checks that they move neither that company's day nor
// anything of another company, freeze nothing, and that the board still
// encodes.
func TestWrongClockHarmsNobody(t *testing.T) {
	recv := at(0)
	claims := map[string]time.Time{
		"2100":      time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		"10000+":    time.UnixMilli(math.MaxInt64),
		"seconds":   time.UnixMilli(recv.Unix()),
		"negative":  time.UnixMilli(-1),
		"1999":      time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
		"next year": recv.AddDate(1, 0, 0),
	}
	for name, claim := range claims {
		t.Run(name, func(t *testing.T) {
			b := board.New(board.Options{})
			b.Apply(board.Event{Company: globex, At: recv, Received: recv, Call: &board.CallUpsert{ID: "g1", Legs: []board.Leg{leg(0, "connected", local("301", "Gil", ""), ptr(remote("+1555")))}}})
			b.Apply(board.Event{Company: globex, At: recv, Received: recv, Completed: &board.CompletedCall{ID: "g0", Queue: "Sales", EndedAt: recv}})
			globexBefore := mustMarshalCompany(t, b, globex)
			globexSeq := b.CompanySeq(globex)

			b.Apply(board.Event{Company: acme, At: claim, Received: recv, Call: &board.CallUpsert{ID: "a1", StartedAt: claim, Legs: []board.Leg{leg(0, "ringing", remote("+1666"), ptr(local("201", "Ann", "")))}}})
			b.Apply(board.Event{Company: acme, At: claim, Received: recv, Presence: &board.Presence{Extension: "201", Status: "away", Until: claim}})
			b.Apply(board.Event{Company: acme, At: claim, Received: recv, Completed: &board.CompletedCall{ID: "a0", Queue: "Support", EndedAt: claim}})

			if got := b.CompanyDay(acme); got != "2024-07-24" {
				t.Errorf("acme's day = %q, want the receive time's 2024-07-24", got)
			}
			if b.CompanySeq(globex) != globexSeq || mustMarshalCompany(t, b, globex) != globexBefore {
				t.Error("an event of acme changed globex")
			}
			// A genuine event a second later is not "older".
			b.Apply(board.Event{Company: acme, At: recv.Add(time.Second), Received: recv.Add(time.Second), Call: &board.CallUpsert{ID: "a1", Legs: []board.Leg{leg(0, "connected", remote("+1666"), ptr(local("201", "Ann", "")))}}})
			b.Apply(board.Event{Company: acme, At: recv.Add(time.Second), Received: recv.Add(time.Second), Presence: &board.Presence{Extension: "201", Status: "available"}})
			if c, ok := b.Call(acme, "a1"); !ok || c.State != board.LegConnected {
				t.Errorf("call a1 = %+v, want connected by the later genuine event", c)
			}
			if u := mustUser(t, b, acme, "201"); u.Status != board.StatusAvailable {
				t.Errorf("201's status = %q, want the later genuine available", u.Status)
			}
			// Nothing expired at globex; the board still encodes and decodes.
			if _, ok := b.Call(globex, "g1"); !ok {
				t.Error("globex's call expired")
			}
			restored := board.New(board.Options{})
			if err := restored.UnmarshalBinary(mustMarshal(t, b)); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if c := b.Counters(); len(c.TimeFixes) == 0 && name != "next year" {
				t.Errorf("no time fix counted: %+v", c)
			}
		})
	}
}

// mustMarshalCompany is the visible state of one company, encoded.
func mustMarshalCompany(tb testing.TB, b *board.Board, company string) string {
	tb.Helper()
	s := b.Snapshot()
	keep := func(c string) bool { return c == company }
	s.Users = slices.DeleteFunc(s.Users, func(u board.User) bool { return !keep(u.Company) })
	s.Calls = slices.DeleteFunc(s.Calls, func(c board.Call) bool { return !keep(c.Company) })
	s.Conferences = slices.DeleteFunc(s.Conferences, func(c board.Conference) bool { return !keep(c.Company) })
	s.Queues = slices.DeleteFunc(s.Queues, func(q board.QueueStats) bool { return !keep(q.Company) })
	s.Agents = slices.DeleteFunc(s.Agents, func(a board.AgentStats) bool { return !keep(a.Company) })
	return stringOf(tb, struct {
		S board.Snapshot
		C board.CompanyState
	}{board.Snapshot{Users: s.Users, Calls: s.Calls, Conferences: s.Conferences, Queues: s.Queues, Agents: s.Agents}, s.Company(company)})
}

// TestReceiveTimeAges: expiry counts from receive times, so a PBX clock
// hours behind does not expire its calls at once, and one hours ahead does
// not keep them forever.
func TestReceiveTimeAges(t *testing.T) {
	for _, offset := range []time.Duration{-5 * time.Hour, 4 * time.Minute} {
		b := board.New(board.Options{CallTTL: time.Hour})
		recv := at(0)
		b.Apply(board.Event{Company: acme, At: recv.Add(offset), Received: recv, Call: &board.CallUpsert{ID: "c", Legs: []board.Leg{leg(0, "ringing", remote("+1"), ptr(local("201", "", "")))}}})
		b.Apply(board.Event{At: recv.Add(59 * time.Minute), Received: recv.Add(59 * time.Minute), Tick: true})
		if _, ok := b.Call(acme, "c"); !ok {
			t.Errorf("clock offset %v: the call expired before its TTL", offset)
		}
		b.Apply(board.Event{At: recv.Add(61 * time.Minute), Received: recv.Add(61 * time.Minute), Tick: true})
		if _, ok := b.Call(acme, "c"); ok {
			t.Errorf("clock offset %v: the call outlived its TTL", offset)
		}
	}
}

func TestPerCompanyDayAndSeq(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	b := board.New(board.Options{Locations: map[string]*time.Location{acme: rome}})
	evening := time.Date(2024, 7, 24, 21, 30, 0, 0, time.UTC) // 23:30 in Rome
	for _, c := range []string{acme, globex} {
		// Ended more than an hour before: in no rolling window, whose
		// passing time would move globex's figures too.
		ended := evening.Add(-90 * time.Minute)
		b.Apply(board.Event{Company: c, At: evening, Completed: &board.CompletedCall{ID: c + "-1", Queue: "Q", EndedAt: ended}})
	}
	globexSeq := b.CompanySeq(globex)
	acmeSeq := b.CompanySeq(acme)
	// Midnight in Rome: acme's figures reset, globex's stay (UTC).
	got := b.Apply(tick(evening.Add(45 * time.Minute)))
	if !slices.Contains(got, dayChange(acme)) || slices.Contains(got, dayChange(globex)) {
		t.Errorf("changes at Rome's midnight = %v, want acme's day only", got)
	}
	if b.CompanyDay(acme) != "2024-07-25" || b.CompanyDay(globex) != "2024-07-24" {
		t.Errorf("days = %q, %q; want 2024-07-25 in Rome, 2024-07-24 in UTC", b.CompanyDay(acme), b.CompanyDay(globex))
	}
	if q, _ := b.Queue(acme, "Q"); q.Answered != 0 {
		t.Errorf("acme answered = %d after its midnight, want 0", q.Answered)
	}
	if q, _ := b.Queue(globex, "Q"); q.Answered != 1 {
		t.Errorf("globex answered = %d, want 1: its day has not ended", q.Answered)
	}
	if b.CompanySeq(globex) != globexSeq || b.CompanySeq(acme) != acmeSeq+1 {
		t.Errorf("seqs = acme %d→%d, globex %d→%d; want only acme's to move", acmeSeq, b.CompanySeq(acme), globexSeq, b.CompanySeq(globex))
	}
	// Activity of one company never moves the other's seq.
	b.Apply(presEv(acme, evening.Add(50*time.Minute), "201", "away", ""))
	if b.CompanySeq(globex) != globexSeq {
		t.Error("acme's presence moved globex's seq")
	}
	if s := b.Snapshot(); s.Company(globex).Seq != globexSeq || s.Company(acme).Day != "2024-07-25" {
		t.Errorf("snapshot companies = %+v", s.Companies)
	}
}
