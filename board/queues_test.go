package board_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// done is a call:completed of queue at (received) when, ended then.
func done(company, queue, id string, when time.Time, missed bool, wait time.Duration) board.Event {
	return board.Event{Company: company, At: when, Received: when, Completed: &board.CompletedCall{
		ID: id, Queue: queue, Direction: board.Inbound, Missed: missed, Wait: wait, Talk: 2 * time.Minute, EndedAt: when,
	}}
}

func settingsEv(when time.Time, s ...board.QueueSetting) board.Event {
	return board.Event{At: when, Received: when, QueueSettings: &board.QueueSettings{Queues: s}}
}

func mustQueue(tb testing.TB, b *board.Board, company, name string) board.QueueStats {
	tb.Helper()
	q, ok := b.Queue(company, name)
	if !ok {
		tb.Fatalf("queue %s/%s not on the board", company, name)
	}
	return q
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestServiceLevelAndAbandons(t *testing.T) {
	tests := []struct {
		name     string
		setting  *board.QueueSetting
		calls    []board.Event
		want     board.Period
		sl       float64 // -1: none
		abandon  float64 // -1: none
		asa, avg time.Duration
	}{
		{
			name:  "answered inside the default 20 s threshold, and at it exactly",
			calls: []board.Event{done(acme, "Support", "a1", at(0), false, 5*time.Second), done(acme, "Support", "a2", at(time.Second), false, 20*time.Second)},
			want:  board.Period{Answered: 2, AnsweredInSL: 2, WaitTotal: 25 * time.Second, TalkTotal: 4 * time.Minute},
			sl:    100, abandon: 0, asa: 12500 * time.Millisecond, avg: 2 * time.Minute,
		},
		{
			name:  "answered outside the threshold",
			calls: []board.Event{done(acme, "Support", "a1", at(0), false, 5*time.Second), done(acme, "Support", "a2", at(time.Second), false, 21*time.Second)},
			want:  board.Period{Answered: 2, AnsweredInSL: 1, WaitTotal: 26 * time.Second, TalkTotal: 4 * time.Minute},
			sl:    50, abandon: 0, asa: 13 * time.Second, avg: 2 * time.Minute,
		},
		{
			name: "an abandon counts against the service level, a short one apart",
			calls: []board.Event{
				done(acme, "Support", "a1", at(0), false, 5*time.Second),
				done(acme, "Support", "m1", at(time.Second), true, 40*time.Second),
				done(acme, "Support", "m2", at(2*time.Second), true, 4*time.Second),
			},
			want: board.Period{Answered: 1, AnsweredInSL: 1, Missed: 2, Abandoned: 1, ShortAbandoned: 1, WaitTotal: 5 * time.Second, TalkTotal: 2 * time.Minute},
			sl:   50, abandon: 50, asa: 5 * time.Second, avg: 2 * time.Minute,
		},
		{
			name:    "basis answered leaves abandons out; a configured threshold of 60 s",
			setting: &board.QueueSetting{Company: acme, Name: "Support", Formula: board.Formula{Threshold: time.Minute, ShortAbandon: 5 * time.Second, Basis: board.BasisAnswered}},
			calls: []board.Event{
				done(acme, "Support", "a1", at(0), false, 45*time.Second),
				done(acme, "Support", "m1", at(time.Second), true, 40*time.Second),
			},
			want: board.Period{Answered: 1, AnsweredInSL: 1, Missed: 1, Abandoned: 1, WaitTotal: 45 * time.Second, TalkTotal: 2 * time.Minute},
			sl:   100, abandon: 50, asa: 45 * time.Second, avg: 2 * time.Minute,
		},
		{
			name:    "no short abandons when the setting says 0 s; a setting for every company applies",
			setting: &board.QueueSetting{Name: "Support", Formula: board.Formula{Threshold: 20 * time.Second, Basis: board.BasisOffered}},
			calls:   []board.Event{done(acme, "Support", "m1", at(0), true, time.Second)},
			want:    board.Period{Missed: 1, Abandoned: 1},
			sl:      0, abandon: 100,
		},
		{
			name:  "only short abandons: nothing to divide by",
			calls: []board.Event{done(acme, "Support", "m1", at(0), true, time.Second)},
			want:  board.Period{Missed: 1, ShortAbandoned: 1},
			sl:    -1, abandon: -1,
		},
		{
			name:  "a retried record counts once",
			calls: []board.Event{done(acme, "Support", "a1", at(0), false, time.Second), done(acme, "Support", "a1", at(time.Second), false, time.Second)},
			want:  board.Period{Answered: 1, AnsweredInSL: 1, WaitTotal: time.Second, TalkTotal: 2 * time.Minute},
			sl:    100, abandon: 0, asa: time.Second, avg: 2 * time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := board.New(board.Options{})
			if tt.setting != nil {
				b.Apply(settingsEv(at(-time.Hour), *tt.setting))
			}
			for _, e := range tt.calls {
				b.Apply(e)
			}
			q := mustQueue(t, b, acme, "Support")
			if q.Period != tt.want {
				t.Errorf("today = %+v\nwant    %+v", q.Period, tt.want)
			}
			if q.Last15 != tt.want || q.Last60 != tt.want {
				t.Errorf("rolling windows = %+v, %+v; want today's", q.Last15, q.Last60)
			}
			sl, ok := q.ServiceLevel(q.Formula.Basis)
			if (tt.sl < 0) == ok || (ok && !near(sl, tt.sl)) {
				t.Errorf("service level = %v (%v), want %v", sl, ok, tt.sl)
			}
			ab, ok := q.AbandonRate()
			if (tt.abandon < 0) == ok || (ok && !near(ab, tt.abandon)) {
				t.Errorf("abandon rate = %v (%v), want %v", ab, ok, tt.abandon)
			}
			if q.SpeedOfAnswer() != tt.asa || q.AverageTalk() != tt.avg {
				t.Errorf("ASA %v, average talk %v; want %v, %v", q.SpeedOfAnswer(), q.AverageTalk(), tt.asa, tt.avg)
			}
		})
	}
}

func TestWaitingCallsAndTransfers(t *testing.T) {
	b := board.New(board.Options{})
	ann := local("201", "Ann", "")
	b.Apply(callEv(acme, at(0), callA, queued(0, "ringing", "Support", &ann)))
	b.Apply(callEv(acme, at(10*time.Second), callB, queued(0, "ringing", "Support", &ann)))
	q := mustQueue(t, b, acme, "Support")
	if len(q.WaitingCalls) != 2 || q.WaitingCalls[0].ID != callA || !q.WaitingCalls[0].Since.Equal(at(0)) ||
		q.WaitingCalls[0].Caller.Phone != "+15551234567" || q.Waiting != 2 {
		t.Fatalf("waiting = %d %+v, want A then B, A's caller", q.Waiting, q.WaitingCalls)
	}
	// A is transferred to Sales: it waits there now, no longer in Support.
	got := b.Apply(callEv(acme, at(20*time.Second), callA, queued(1, "ringing", "Sales", &ann)))
	if !slices.Contains(got, queueChange(acme, "Support")) || !slices.Contains(got, queueChange(acme, "Sales")) {
		t.Errorf("transfer changes = %v, want both queues", got)
	}
	b.Apply(board.Event{Company: acme, At: at(21 * time.Second), Call: &board.CallUpsert{ID: callA, Legs: []board.Leg{queued(1, "ringing", "Sales", &ann)}, Complete: true}})
	if s, sup := mustQueue(t, b, acme, "Sales"), mustQueue(t, b, acme, "Support"); len(s.WaitingCalls) != 1 || s.WaitingCalls[0].ID != callA ||
		len(sup.WaitingCalls) != 1 || sup.WaitingCalls[0].ID != callB {
		t.Errorf("after the transfer Sales waits %+v, Support %+v", s.WaitingCalls, sup.WaitingCalls)
	}
	// B is answered: nobody waits in Support.
	b.Apply(callEv(acme, at(30*time.Second), callB, queued(0, "connected", "Support", &ann)))
	if sup := mustQueue(t, b, acme, "Support"); sup.WaitingCalls != nil || sup.Talking != 1 {
		t.Errorf("after the answer Support waits %+v, talking %d", sup.WaitingCalls, sup.Talking)
	}
	// The transferred call completes once, in the queue its record names.
	b.Apply(done(acme, "Sales", callA, at(time.Minute), false, 25*time.Second))
	if s, sup := mustQueue(t, b, acme, "Sales"), mustQueue(t, b, acme, "Support"); s.Answered != 1 || s.AnsweredInSL != 0 || sup.Offered() != 0 {
		t.Errorf("Sales %+v, Support %+v; want A counted once, in Sales, outside 20 s", s.Period, sup.Period)
	}
}

func TestAgentsPerQueue(t *testing.T) {
	b := board.New(board.Options{})
	ann, bob := local("201", "Ann", ""), local("202", "Bob", "")
	b.Apply(presEv(acme, at(0), "201", "available", ""))
	b.Apply(presEv(acme, at(0), "202", "away", ""))
	b.Apply(presEv(acme, at(0), "203", "available", ""))
	check := func(name string, free, talking, ringing, away, offline int) {
		t.Helper()
		q := mustQueue(t, b, acme, "Support")
		if q.Free != free || q.AgentsTalking != talking || q.AgentsRinging != ringing || q.AgentsAway != away || q.AgentsOffline != offline ||
			q.Members != free+talking+ringing+away+offline {
			t.Errorf("%s: members %d = free %d talking %d ringing %d away %d offline %d; want %d %d %d %d %d",
				name, q.Members, q.Free, q.AgentsTalking, q.AgentsRinging, q.AgentsAway, q.AgentsOffline, free, talking, ringing, away, offline)
		}
	}
	got := b.Apply(settingsEv(at(time.Second), board.QueueSetting{Company: acme, Name: "Support", Members: []string{"202", "203", "299"}}))
	if !slices.Contains(got, queueChange(acme, "Support")) {
		t.Errorf("settings changes = %v, want the configured queue", got)
	}
	check("configured: Bob away, 203 free, 299 unknown", 1, 0, 0, 1, 1)
	b.Apply(callEv(acme, at(2*time.Second), callA, queued(0, "ringing", "Support", &ann)))
	check("Ann learned, ringing", 1, 0, 1, 1, 1)
	b.Apply(callEv(acme, at(3*time.Second), callA, queued(0, "connected", "Support", &ann)))
	check("Ann talking", 1, 1, 0, 1, 1)
	b.Apply(callEv(acme, at(4*time.Second), callB, queued(0, "ringing", "Support", &bob)))
	check("Bob rung: learned and configured, counted once, ringing beats away", 1, 1, 1, 0, 1)
	b.Apply(presEv(acme, at(5*time.Second), "299", "available", ""))
	check("299 appears, available", 2, 1, 1, 0, 0)
	// The learned members go at midnight; the configured stay.
	b.Apply(endEv(acme, at(6*time.Second), callA))
	b.Apply(endEv(acme, at(6*time.Second), callB))
	b.Apply(tick(t0.Add(16 * time.Hour)))
	check("next day: 202 away, 203 and 299 free", 2, 0, 0, 1, 0)
	// Settings naming nobody drop the configured members.
	b.Apply(settingsEv(t0.Add(16*time.Hour+time.Second), board.QueueSetting{Company: acme, Name: "Support"}))
	check("no configured members", 0, 0, 0, 0, 0)
}

func TestRollingWindowsAndIntraday(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	b := board.New(board.Options{Locations: map[string]*time.Location{acme: rome}})
	// 09:00 UTC is 11:00 in Rome; the interval of 11:05 starts at 11:00.
	b.Apply(done(acme, "Support", "c1", at(5*time.Minute), false, time.Second))
	b.Apply(done(acme, "Support", "c2", at(20*time.Minute), true, time.Minute))
	b.Apply(done(acme, "Support", "c3", at(21*time.Minute), false, time.Minute))
	q := mustQueue(t, b, acme, "Support")
	if len(q.Intraday) != 2 || !q.Intraday[0].Start.Equal(at(0)) || !q.Intraday[1].Start.Equal(at(15*time.Minute)) ||
		q.Intraday[0].Answered != 1 || q.Intraday[1].Abandoned != 1 || q.Intraday[1].Answered != 1 || q.Intraday[1].AnsweredInSL != 0 {
		t.Errorf("intraday = %+v", q.Intraday)
	}
	if q.Last15.Offered() != 2 || q.Last30.Offered() != 3 || q.Last60.Offered() != 3 {
		t.Errorf("at 09:21 windows offered %d/%d/%d, want 2/3/3", q.Last15.Offered(), q.Last30.Offered(), q.Last60.Offered())
	}
	// Time passes with nothing but ticks: the windows empty as calls age.
	got := b.Apply(tick(at(36 * time.Minute)))
	if !slices.Contains(got, queueChange(acme, "Support")) {
		t.Errorf("tick changes = %v, want the queue whose windows moved", got)
	}
	if q := mustQueue(t, b, acme, "Support"); q.Last15.Offered() != 0 || q.Last30.Offered() != 2 || q.Last60.Offered() != 3 {
		t.Errorf("at 09:36 windows offered %d/%d/%d, want 0/2/3", q.Last15.Offered(), q.Last30.Offered(), q.Last60.Offered())
	}
	b.Apply(tick(at(82 * time.Minute)))
	if q := mustQueue(t, b, acme, "Support"); q.Last60.Offered() != 0 || q.Offered() != 3 {
		t.Errorf("at 10:22 last hour offered %d, today %d; want 0, 3", q.Last60.Offered(), q.Offered())
	}
	if got := b.Apply(tick(at(83 * time.Minute))); got != nil {
		t.Errorf("an idle minute changed %v", got)
	}
	// A record ending long ago counts today and in its interval, in no window.
	b.Apply(board.Event{Company: acme, At: at(84 * time.Minute), Completed: &board.CompletedCall{ID: "c4", Queue: "Support", EndedAt: at(-10 * time.Minute)}})
	if q := mustQueue(t, b, acme, "Support"); q.Last60.Offered() != 0 || q.Offered() != 4 || len(q.Intraday) != 3 {
		t.Errorf("a late record: last hour %d, today %d, %d intervals; want 0, 4, 3", q.Last60.Offered(), q.Offered(), len(q.Intraday))
	}
}

func TestAnsweredAfterMidnight(t *testing.T) {
	b := board.New(board.Options{})
	ann := local("201", "Ann", "")
	evening := time.Date(2024, 7, 24, 23, 59, 0, 0, time.UTC)
	b.Apply(board.Event{Company: acme, At: evening, Received: evening, Call: &board.CallUpsert{ID: callA, Legs: []board.Leg{queued(0, "ringing", "Support", &ann)}}})
	b.Apply(done(acme, "Support", "y1", evening, true, time.Minute))
	midnight := evening.Add(2 * time.Minute)
	b.Apply(board.Event{Company: acme, At: midnight, Received: midnight, Call: &board.CallUpsert{ID: callA, Legs: []board.Leg{queued(0, "connected", "Support", &ann)}}})
	if q := mustQueue(t, b, acme, "Support"); q.Offered() != 0 || q.Intraday != nil || q.Talking != 1 {
		t.Errorf("after midnight: today offered %d, intervals %+v, talking %d; want a new day, the call talking", q.Offered(), q.Intraday, q.Talking)
	}
	b.Apply(done(acme, "Support", callA, midnight.Add(5*time.Minute), false, 150*time.Second))
	q := mustQueue(t, b, acme, "Support")
	if q.Answered != 1 || q.AnsweredInSL != 0 || len(q.Intraday) != 1 || !q.Intraday[0].Start.Equal(time.Date(2024, 7, 25, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the call answered after midnight counts today: %+v %+v", q.Period, q.Intraday)
	}
}

// TestQueuesRestartMidDay: a board restored from a snapshot taken mid-day
// and fed the rest of the day ends byte-identical to one fed every event,
// settings, members, intervals and rolling windows included.
func TestQueuesRestartMidDay(t *testing.T) {
	ann, bob := local("201", "Ann", ""), local("202", "Bob", "")
	var events []board.Event
	events = append(events, settingsEv(at(0), board.QueueSetting{Company: acme, Name: "Support", Members: []string{"202", "203"},
		Formula: board.Formula{Threshold: 30 * time.Second, ShortAbandon: 3 * time.Second}}))
	for i := range 40 {
		when := at(time.Duration(i) * 97 * time.Second)
		id := acme + "_q" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		p := &ann
		if i%3 == 0 {
			p = &bob
		}
		events = append(events,
			board.Event{Company: acme, At: when, Received: when, Call: &board.CallUpsert{ID: id, Legs: []board.Leg{queued(0, "ringing", "Support", p)}}},
			tick(when.Add(15*time.Second)),
			done(acme, "Support", id, when.Add(40*time.Second), i%4 == 0, time.Duration(i%7)*9*time.Second),
			endEv(acme, when.Add(41*time.Second), id),
		)
	}
	events = append(events, tick(at(3*time.Hour)))
	full := board.New(board.Options{})
	for _, e := range events {
		full.Apply(e)
	}
	want := mustMarshal(t, full)
	for _, cut := range []int{1, 37, 80, len(events) - 1} {
		first := board.New(board.Options{})
		for _, e := range events[:cut] {
			first.Apply(e)
		}
		restored := board.New(board.Options{})
		if err := restored.UnmarshalBinary(mustMarshal(t, first)); err != nil {
			t.Fatal(err)
		}
		for _, e := range events[cut:] {
			restored.Apply(e)
		}
		if got := mustMarshal(t, restored); string(got) != string(want) {
			t.Errorf("restart after event %d: state differs from the uninterrupted board", cut)
		}
		if stringOf(t, restored.Snapshot()) != stringOf(t, full.Snapshot()) {
			t.Errorf("restart after event %d: snapshot differs", cut)
		}
	}
}

func TestQueueSettingsLog(t *testing.T) {
	b := board.New(board.Options{})
	b.Apply(done(acme, "Support", "a1", at(0), false, 25*time.Second))
	s := []board.QueueSetting{{Company: acme, Name: "Support", Formula: board.Formula{Threshold: 30 * time.Second, ShortAbandon: 5 * time.Second}}}
	if board.SameQueueSettings(b.QueueSettings(), s) {
		t.Fatal("an empty board has these settings already")
	}
	seq := b.Seq()
	got := b.Apply(settingsEv(at(time.Second), s...))
	if !slices.Equal(got, []board.Change{queueChange(acme, "Support")}) || b.Seq() != seq+1 {
		t.Errorf("changes = %v, seq %d→%d", got, seq, b.Seq())
	}
	if !board.SameQueueSettings(b.QueueSettings(), s) {
		t.Errorf("settings = %+v, want %+v normalized", b.QueueSettings(), s)
	}
	// A call counted before the change keeps its classification.
	b.Apply(done(acme, "Support", "a2", at(2*time.Second), false, 25*time.Second))
	if q := mustQueue(t, b, acme, "Support"); q.AnsweredInSL != 1 || q.Formula.Threshold != 30*time.Second {
		t.Errorf("in SL %d with %v, want 1 with 30s", q.AnsweredInSL, q.Formula)
	}
	if got := b.Apply(settingsEv(at(3*time.Second), s...)); got != nil {
		t.Errorf("the same settings again changed %v", got)
	}
	b.Apply(settingsEv(at(4 * time.Second)))
	if q := mustQueue(t, b, acme, "Support"); q.Formula != board.DefaultFormula() {
		t.Errorf("settings removed: formula %+v, want the default", q.Formula)
	}
}
