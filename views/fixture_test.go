package views

import (
	"time"

	"github.com/wallboard/wallboard/board"
)

// Remote numbers in the fixture. None of them may reach a masked audience.
const (
	remoteCaller = "+4930123456789" // an external caller
	remoteDialed = "+4930999888777" // an external number dialled, callee not resolved yet
	remoteName   = "+49 30 5550101" // a caller id that is only a number
	remoteDigits = "49305550101"
)

var t0 = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)

// fixture is a small fixed board: two tenants, every tile state, an
// inbound queue call from outside, an outbound call still ringing, an
// internal call, a conference, queues and agents with today's figures.
func fixture() board.Snapshot {
	const a, b = "it_a1", "it_b2"
	return board.Snapshot{
		Seq: 42,
		Day: "2026-03-04",
		Companies: []board.CompanyState{
			{Company: a, Seq: 40, Day: "2026-03-04"},
			{Company: b, Seq: 2, Day: "2026-03-04"},
		},
		Users: []board.User{
			{Company: a, Extension: "1001", Name: "Ann Archer", Group: "Sales", Department: "Field", Since: t0.Add(12 * time.Second), Telephony: board.TelTalking, TelephonyReported: true, Status: board.StatusAvailable, CallIDs: []string{"a-c1"}},
			{Company: a, Extension: "1002", Name: "Bob Brown", Group: "Sales", Telephony: board.TelRinging, CallIDs: []string{"a-c3"}},
			{Company: a, Extension: "1003", Name: "Cleo Chen", Group: "Support", Department: "Care", Since: t0.Add(-time.Hour), Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusDND, Message: "Training", Until: t0.Add(5 * time.Hour)},
			{Company: a, Extension: "1004", Name: "Dev Dutta", Group: "Support", Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusAway},
			{Company: a, Extension: "1005", Email: "eve@example.com", Group: "Support", Telephony: board.TelRegistered, TelephonyReported: true, Status: board.StatusAvailable},
			{Company: a, Extension: "1006", Name: "Finn Ford", Group: "Sales", Telephony: board.TelRT, TelephonyReported: true, CallIDs: []string{"a-c2"}},
			{Company: a, Extension: "1007", Name: "Gia Gold", Group: "Sales", Telephony: "unregistered", TelephonyReported: true},
			{Company: a, Extension: "1008", Name: "Hal Hart"},
			{Company: b, Extension: "1001", Name: "Other Tenant", Group: "Sales", Telephony: board.TelTalking, TelephonyReported: true, CallIDs: []string{"b-c1"}},
		},
		Calls: []board.Call{
			{
				ID: "a-c1", Company: a, Direction: board.Inbound, State: board.LegConnected,
				StartedAt: t0, AnsweredAt: t0.Add(12 * time.Second), Queue: "Support line",
				Legs: []board.Leg{{
					Index: 0, Direction: board.Inbound, State: board.LegConnected, Queue: "Support line", Destination: "+4930700700",
					Caller: board.Party{Phone: remoteCaller, Name: "Acme GmbH"},
					Callee: &board.Party{Local: true, Extension: "1001", Phone: "1001", Name: "Ann Archer"},
				}},
			},
			{
				ID: "a-c2", Company: a, Direction: board.Outbound, State: board.LegRinging, StartedAt: t0.Add(time.Minute),
				Legs: []board.Leg{{
					Index: 0, Direction: board.Outbound, State: board.LegRinging, Destination: remoteDialed,
					Caller: board.Party{Local: true, Extension: "1006", Phone: "1006", Name: "Finn Ford"},
				}},
			},
			{
				ID: "a-c3", Company: a, Direction: board.Inbound, State: board.LegRinging, StartedAt: t0.Add(2 * time.Minute),
				Legs: []board.Leg{{
					Index: 0, Direction: board.Inbound, State: board.LegRinging,
					Caller: board.Party{Phone: remoteName, Name: remoteName},
					Callee: &board.Party{Local: true, Extension: "1002", Name: "Bob Brown"},
				}},
			},
			{
				ID: "b-c1", Company: b, Direction: board.Internal, State: board.LegConnected, StartedAt: t0, AnsweredAt: t0,
				Legs: []board.Leg{{
					Index: 0, Direction: board.Internal, State: board.LegConnected,
					Caller: board.Party{Local: true, Extension: "1001", Name: "Other Tenant"},
					Callee: &board.Party{Local: true, Extension: "1002", Name: "Other Colleague"},
				}},
			},
		},
		Conferences: []board.Conference{
			{ID: "conf-1", Company: a, Subject: "Weekly sync", StartedAt: t0.Add(-10 * time.Minute), Participants: []board.ConferenceParticipant{
				{Extension: "1004", Name: "Dev Dutta"}, {Email: "guest@example.org"},
			}},
		},
		Queues: []board.QueueStats{
			{Company: a, Name: "Sales line", Formula: board.Formula{Threshold: 30 * time.Second, Basis: board.BasisAnswered}, Period: board.Period{Answered: 12, Missed: 1, Abandoned: 1, WaitTotal: 3 * time.Minute, TalkTotal: 36 * time.Minute}},
			{
				Company: a, Name: "Support line", Waiting: 2, OldestWait: t0.Add(-45 * time.Second), Talking: 1,
				WaitingCalls: []board.WaitingCall{
					{ID: "a-c3", Caller: board.Party{Phone: remoteName, Name: remoteName}, Since: t0.Add(-45 * time.Second)},
					{ID: "a-c4", Caller: board.Party{Phone: remoteCaller, Name: remoteCaller}, Since: t0.Add(-10 * time.Second)},
				},
				Members: 3, Free: 1, AgentsTalking: 1, AgentsOffline: 1, Formula: board.DefaultFormula(),
				Period: board.Period{Answered: 30, AnsweredInSL: 27, Missed: 4, Abandoned: 3, ShortAbandoned: 1, WaitTotal: 15*time.Minute + 30*time.Second, TalkTotal: 2 * time.Hour},
				Last15: board.Period{Answered: 4, AnsweredInSL: 3, Missed: 1, Abandoned: 1, WaitTotal: time.Minute},
				Intraday: []board.Interval{
					{Start: t0.Add(-time.Hour), Clock: "08:00", Period: board.Period{Answered: 10, AnsweredInSL: 10, WaitTotal: time.Minute}},
					{Start: t0.Add(-15 * time.Minute), Clock: "08:45", Period: board.Period{Answered: 20, AnsweredInSL: 17, Missed: 4, Abandoned: 3, ShortAbandoned: 1}},
				},
			},
			{Company: b, Name: "Other line", Period: board.Period{Answered: 3}},
		},
		// Sales line and Support line together (board.QueueTotal).
		QueueTotals: []board.QueueStats{{
			Company: a, Waiting: 2, OldestWait: t0.Add(-45 * time.Second), Talking: 1,
			Members: 3, Free: 1, AgentsTalking: 1, AgentsOffline: 1, Formula: board.Formula{ShortAbandon: -1, Basis: board.BasisOffered},
			Period: board.Period{Answered: 42, AnsweredInSL: 38, Missed: 5, Abandoned: 4, ShortAbandoned: 1, WaitTotal: 18*time.Minute + 30*time.Second, TalkTotal: 2*time.Hour + 36*time.Minute},
		}},
		Agents: []board.AgentStats{
			{Company: a, Extension: "1001", Answered: 8, Missed: 1, TalkTotal: 20 * time.Minute},
			{Company: a, Extension: "1003", Missed: 2},
			{Company: a, Extension: "1099", Answered: 1, TalkTotal: 95 * time.Second}, // not a known user
			{Company: b, Extension: "1001", Answered: 3, TalkTotal: time.Hour},
		},
	}
}

// source serves a snapshot's entities one by one, as *board.Board does.
type source struct{ snap board.Snapshot }

func (s source) User(company, ext string) (board.User, bool) {
	for _, u := range s.snap.Users {
		if u.Company == company && u.Extension == ext {
			return u, true
		}
	}
	return board.User{}, false
}

func (s source) Call(company, id string) (board.Call, bool) {
	for _, c := range s.snap.Calls {
		if c.Company == company && c.ID == id {
			return c, true
		}
	}
	return board.Call{}, false
}

func (s source) Conference(company, id string) (board.Conference, bool) {
	for _, c := range s.snap.Conferences {
		if c.Company == company && c.ID == id {
			return c, true
		}
	}
	return board.Conference{}, false
}

func (s source) QueueTotal(company string) (board.QueueStats, bool) {
	for _, q := range s.snap.QueueTotals {
		if q.Company == company {
			return q, true
		}
	}
	return board.QueueStats{}, false
}

func (s source) Queue(company, name string) (board.QueueStats, bool) {
	for _, q := range s.snap.Queues {
		if q.Company == company && q.Name == name {
			return q, true
		}
	}
	return board.QueueStats{}, false
}

func (s source) Agent(company, ext string) (board.AgentStats, bool) {
	for _, a := range s.snap.Agents {
		if a.Company == company && a.Extension == ext {
			return a, true
		}
	}
	return board.AgentStats{}, false
}

var _ Source = source{}

// page is the Page every test renders with.
var page = Page{
	Title:      "Wallboard",
	Socket:     SocketURL(ViewBoard, "group=Sales&tv=1"),
	Stylesheet: "/static/app.00000000.css",
	Script:     "/static/app.00000000.js",
}
