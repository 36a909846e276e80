package board

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// stateVersion is the MarshalBinary format. Bump it on an incompatible
// change and keep decoding the versions before it (testdata holds a blob of
// each); UnmarshalBinary refuses other versions (the caller then rebuilds
// the board by replaying its event log).
//
// Version 2 added the companies (their sequence, day and clock), the
// receive times calls and conferences expire by, and users' reports per
// device. Version 1 had one day for every company; it loads with that day
// for each, each company's sequence set to the board's (so that what a
// viewer saw never goes backwards), expiry counted from the claims, and a
// user's reported telephony as the report of one unnamed device.
//
// Version 3 added the queues' settings (formulas and configured members),
// their figures by formula (answered within the threshold, abandons and
// short abandons), the waiting callers, the intraday intervals and the
// minutes of the rolling windows, and their shared alert state
// (QueueStats.Alert). A version 2 queue loads with its missed calls as
// abandons, none within the threshold, no intervals, and nothing
// acknowledged or snoozed.
const stateVersion = 3

// state is the serialised form of a Board: everything Apply depends on, in
// sorted order so that equal boards encode to equal bytes. Derived indexes
// (users' call sets, queues' call sets, expiry floors) are rebuilt on load.
type state struct {
	Version     int
	Seq         uint64
	Day         string         `json:",omitempty"` // version 1 only
	Companies   []companyState `json:",omitempty"`
	Users       []*userRec
	Emails      []emailEntry
	Calls       []*callRec
	Tombstones  []tombstone
	Conferences []*confRec
	Queues      []*QueueStats
	Agents      []*AgentStats
	Completed   []completedID
	Members     []queueMembers `json:",omitempty"`
	// ConferenceEnds: version 2.
	ConferenceEnds []conferenceEnd `json:",omitempty"`
	// Settings and Recent: version 3.
	Settings []QueueSetting  `json:",omitempty"`
	Recent   []recentMinutes `json:",omitempty"`
}

// recentMinutes are one queue's minutes of the last hour, in order.
type recentMinutes struct {
	Company, Queue string
	Minutes        []minute
}

// conferenceEnd is a remembered conference end (see Board.endConference).
type conferenceEnd struct {
	Company, ID string
	At, Seen    time.Time
}

// queueMembers are one queue's learned members, extensions sorted.
type queueMembers struct {
	Company, Queue string
	Extensions     []string
}

// companyState is one tenant's sequence, day and clock.
type companyState struct {
	Company string
	Seq     uint64
	Day     string
	Now     time.Time
}

type emailEntry struct {
	Company, Email, Extension string
}

type tombstone struct {
	Company, ID string
	At          time.Time
}

type completedID struct {
	Company, ID string
}

// sortedValues returns m's values ordered by key.
func sortedValues[V any](m map[key]V) []V {
	keys := slices.SortedFunc(maps.Keys(m), compareKeys)
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// MarshalBinary encodes the board's full internal state: every company's
// sequence, day and clock, users with their per-facet and per-device times,
// active calls, tombstones, conferences, today's counters, the set of
// counted completed calls, today's learned queue members and Seq. A board
// restored with UnmarshalBinary and fed the remaining events ends equal to
// one fed every event. Equal boards encode to equal bytes.
func (b *Board) MarshalBinary() ([]byte, error) {
	s := state{
		Version:     stateVersion,
		Seq:         b.seq,
		Users:       sortedValues(b.users),
		Calls:       sortedValues(b.calls),
		Conferences: sortedValues(b.confs),
		Queues:      sortedValues(b.queues),
		Agents:      sortedValues(b.agents),
		Settings:    b.settings,
	}
	for _, k := range slices.SortedFunc(maps.Keys(b.emails), compareKeys) {
		s.Emails = append(s.Emails, emailEntry{Company: k.company, Email: k.id, Extension: b.emails[k]})
	}
	for _, name := range slices.Sorted(maps.Keys(b.tenants)) {
		t := b.tenants[name]
		s.Companies = append(s.Companies, companyState{Company: name, Seq: t.seq, Day: t.day, Now: t.now})
		for _, id := range slices.Sorted(maps.Keys(t.tombs)) {
			s.Tombstones = append(s.Tombstones, tombstone{Company: name, ID: id, At: t.tombs[id]})
		}
		for _, q := range slices.Sorted(maps.Keys(t.recent)) {
			s.Recent = append(s.Recent, recentMinutes{Company: name, Queue: q, Minutes: t.recent[q]})
		}
		for _, id := range slices.Sorted(maps.Keys(t.confEnds)) {
			end := t.confEnds[id]
			s.ConferenceEnds = append(s.ConferenceEnds, conferenceEnd{Company: name, ID: id, At: end.At, Seen: end.Seen})
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(b.completed), compareKeys) {
		s.Completed = append(s.Completed, completedID{Company: k.company, ID: k.id})
	}
	for _, k := range slices.SortedFunc(maps.Keys(b.members), compareKeys) {
		s.Members = append(s.Members, queueMembers{Company: k.company, Queue: k.id, Extensions: slices.Sorted(maps.Keys(b.members[k]))})
	}
	data, err := json.Marshal(&s)
	if err != nil {
		return nil, fmt.Errorf("board: encode state: %w", err)
	}
	return data, nil
}

// UnmarshalBinary replaces the board's state with one produced by
// MarshalBinary, of this version or an earlier one (see stateVersion). The
// board's Options are kept. On error the board is left unchanged.
func (b *Board) UnmarshalBinary(data []byte) error {
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("board: decode state: %w", err)
	}
	if s.Version < 1 || s.Version > stateVersion {
		return fmt.Errorf("board: decode state: version %d, want 1 to %d", s.Version, stateVersion)
	}
	n := New(b.opts)
	n.seq = s.Seq
	if s.Day != "" {
		if _, err := time.Parse(time.DateOnly, s.Day); err != nil {
			return fmt.Errorf("board: decode state: day: %w", err)
		}
	}
	for _, c := range s.Companies {
		if c.Day != "" {
			if _, err := time.Parse(time.DateOnly, c.Day); err != nil {
				return fmt.Errorf("board: decode state: company %s: day: %w", c.Company, err)
			}
		}
		t := n.tenant(c.Company)
		t.seq, t.now = c.Seq, c.Now
		if c.Day != "" {
			t.setDay(c.Day)
		}
	}
	// v1 had no companies: each one named anywhere gets the board's day and
	// sequence, and a clock from the latest time it recorded.
	v1 := func(company string, seen time.Time) *tenant {
		t, ok := n.tenants[company]
		if !ok {
			t = n.tenant(company)
			t.seq = s.Seq
			if s.Day != "" {
				t.setDay(s.Day)
			}
		}
		if seen.After(t.now) {
			t.now = seen
		}
		return t
	}
	for _, u := range s.Users {
		if u == nil {
			return fmt.Errorf("board: decode state: null user")
		}
		u.CallIDs = cloneOrNil(u.CallIDs)
		u.Devices = cloneOrNil(u.Devices)
		if s.Version == 1 {
			v1(u.Company, time.Time{})
			if u.TelephonyReported && len(u.Devices) == 0 {
				u.Devices = []deviceReport{{Status: u.Telephony, At: u.TelAt}}
			}
		}
		if !slices.IsSortedFunc(u.Devices, func(x, y deviceReport) int { return strings.Compare(x.Device, y.Device) }) {
			return fmt.Errorf("board: decode state: user %s/%s: devices out of order", u.Company, u.Extension)
		}
		n.users[key{u.Company, u.Extension}] = u
		n.tenant(u.Company).users++
	}
	for _, e := range s.Emails {
		n.emails[key{e.Company, e.Email}] = e.Extension
	}
	for _, c := range s.Calls {
		if c == nil {
			return fmt.Errorf("board: decode state: null call")
		}
		c.Tags, c.Legs, c.Parties = cloneOrNil(c.Tags), cloneOrNil(c.Legs), cloneOrNil(c.Parties)
		if s.Version == 1 {
			c.SeenAt = c.UpdatedAt
			v1(c.Company, c.UpdatedAt)
		}
		k := key{c.Company, c.ID}
		n.calls[k] = c
		t := n.tenant(c.Company)
		t.calls[c.ID] = struct{}{}
		t.callFloor.include(c.SeenAt)
		for _, ext := range c.Parties {
			u, ok := n.users[key{c.Company, ext}]
			if !ok {
				return fmt.Errorf("board: decode state: call %s/%s names unknown user %q", c.Company, c.ID, ext)
			}
			if u.calls == nil {
				u.calls = make(map[string]struct{})
			}
			u.calls[c.ID] = struct{}{}
		}
		if c.Queue != "" {
			qk := key{c.Company, c.Queue}
			if n.queueCalls[qk] == nil {
				n.queueCalls[qk] = make(map[string]struct{})
			}
			n.queueCalls[qk][c.ID] = struct{}{}
		}
	}
	for _, ts := range s.Tombstones {
		if s.Version == 1 {
			v1(ts.Company, ts.At)
		}
		t := n.tenant(ts.Company)
		t.tombs[ts.ID] = ts.At
		t.tombFloor.include(ts.At)
	}
	for _, c := range s.Conferences {
		if c == nil {
			return fmt.Errorf("board: decode state: null conference")
		}
		c.Participants = cloneOrNil(c.Participants)
		if s.Version == 1 {
			c.SeenAt = c.UpdatedAt
			v1(c.Company, c.UpdatedAt)
		}
		n.confs[key{c.Company, c.ID}] = c
		t := n.tenant(c.Company)
		t.confs[c.ID] = struct{}{}
		t.confFloor.include(c.SeenAt)
	}
	for _, e := range s.ConferenceEnds {
		t := n.tenant(e.Company)
		t.confEnds[e.ID] = confEnd{At: e.At, Seen: e.Seen}
		t.confFloor.include(e.Seen)
	}
	for _, q := range s.Queues {
		if q == nil {
			return fmt.Errorf("board: decode state: null queue")
		}
		if s.Version == 1 {
			v1(q.Company, time.Time{})
		}
		if s.Version < 3 {
			q.Abandoned = q.Missed
		}
		q.WaitingCalls, q.Intraday = nil, cloneOrNil(q.Intraday)
		if !slices.IsSortedFunc(q.Intraday, func(x, y Interval) int { return x.Start.Compare(y.Start) }) {
			return fmt.Errorf("board: decode state: queue %s/%s: intervals out of order", q.Company, q.Name)
		}
		n.queues[key{q.Company, q.Name}] = q
		n.tenant(q.Company).addQueue(q.Name)
	}
	for qk := range n.queueCalls {
		if _, ok := n.queues[qk]; !ok {
			return fmt.Errorf("board: decode state: calls name unknown queue %s/%s", qk.company, qk.id)
		}
	}
	for _, a := range s.Agents {
		if a == nil {
			return fmt.Errorf("board: decode state: null agent")
		}
		if s.Version == 1 {
			v1(a.Company, time.Time{})
		}
		n.agents[key{a.Company, a.Extension}] = a
	}
	for _, c := range s.Completed {
		if s.Version == 1 {
			v1(c.Company, time.Time{})
		}
		n.completed[key{c.Company, c.ID}] = struct{}{}
		n.tenant(c.Company).completed++
	}
	if s.Version < 3 {
		for k, q := range n.queues {
			q.Formula = n.formulaFor(k)
		}
	}
	n.settings = NormalizeQueueSettings(s.Settings)
	for _, st := range n.settings {
		if len(st.Members) == 0 {
			continue
		}
		k := key{st.Company, st.Name}
		if _, ok := n.queues[k]; !ok {
			continue // beyond the company's Limits.Queues
		}
		n.configured[k] = make(map[string]struct{}, len(st.Members))
		for _, ext := range st.Members {
			n.configured[k][ext] = struct{}{}
		}
	}
	for _, m := range s.Members {
		k := key{m.Company, m.Queue}
		if _, ok := n.queues[k]; !ok {
			return fmt.Errorf("board: decode state: members of unknown queue %s/%s", m.Company, m.Queue)
		}
		for _, ext := range m.Extensions {
			if _, ok := n.users[key{m.Company, ext}]; !ok {
				return fmt.Errorf("board: decode state: queue %s/%s names unknown member %q", m.Company, m.Queue, ext)
			}
			if n.members[k] == nil {
				n.members[k] = make(map[string]struct{})
			}
			n.members[k][ext] = struct{}{}
			n.tenant(m.Company).members++
		}
	}
	for _, r := range s.Recent {
		if !slices.IsSortedFunc(r.Minutes, func(x, y minute) int { return x.Start.Compare(y.Start) }) {
			return fmt.Errorf("board: decode state: queue %s/%s: minutes out of order", r.Company, r.Queue)
		}
		if len(r.Minutes) > 0 {
			n.tenant(r.Company).recent[r.Queue] = slices.Clone(r.Minutes)
		}
	}
	// The agents' counts are recounted from the members' tiles.
	n.reindexMembers("", true)
	n.tx.reset()
	n.counters = b.counters
	// The live figures are derived: recompute them too, so that a state
	// saved by an older version (without members) loads consistent.
	for k, q := range n.queues {
		n.deriveQueue(k, q)
	}
	*b = *n
	return nil
}
