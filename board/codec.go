package board

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// stateVersion is the MarshalBinary format. Bump it on an incompatible
// change; UnmarshalBinary refuses other versions (the caller then rebuilds
// the board by replaying its event log).
const stateVersion = 1

// state is the serialised form of a Board: everything Apply depends on, in
// sorted order so that equal boards encode to equal bytes. Derived indexes
// (users' call sets, queues' call sets, expiry floors) are rebuilt on load.
type state struct {
	Version     int
	Seq         uint64
	Day         string
	Users       []*userRec
	Emails      []emailEntry
	Calls       []*callRec
	Tombstones  []tombstone
	Conferences []*Conference
	Queues      []*QueueStats
	Agents      []*AgentStats
	Completed   []completedID
	Members     []queueMembers `json:",omitempty"`
}

// queueMembers are one queue's learned members, extensions sorted.
type queueMembers struct {
	Company, Queue string
	Extensions     []string
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

// MarshalBinary encodes the board's full internal state: users with their
// per-facet times, active calls, tombstones, conferences, today's counters,
// the set of counted completed calls, today's learned queue members, Seq
// and Day. A board restored with UnmarshalBinary and fed the remaining
// events ends equal to one fed every event. Equal boards encode to equal
// bytes.
func (b *Board) MarshalBinary() ([]byte, error) {
	s := state{
		Version:     stateVersion,
		Seq:         b.seq,
		Day:         b.day,
		Users:       sortedValues(b.users),
		Calls:       sortedValues(b.calls),
		Conferences: sortedValues(b.confs),
		Queues:      sortedValues(b.queues),
		Agents:      sortedValues(b.agents),
	}
	for _, k := range slices.SortedFunc(maps.Keys(b.emails), compareKeys) {
		s.Emails = append(s.Emails, emailEntry{Company: k.company, Email: k.id, Extension: b.emails[k]})
	}
	for _, k := range slices.SortedFunc(maps.Keys(b.tombs), compareKeys) {
		s.Tombstones = append(s.Tombstones, tombstone{Company: k.company, ID: k.id, At: b.tombs[k]})
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
// MarshalBinary. The board's Options are kept. On error the board is left
// unchanged.
func (b *Board) UnmarshalBinary(data []byte) error {
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("board: decode state: %w", err)
	}
	if s.Version != stateVersion {
		return fmt.Errorf("board: decode state: version %d, want %d", s.Version, stateVersion)
	}
	n := New(b.opts)
	n.seq = s.Seq
	if s.Day != "" {
		if _, err := time.Parse(time.DateOnly, s.Day); err != nil {
			return fmt.Errorf("board: decode state: day: %w", err)
		}
		n.setDay(s.Day)
	}
	for _, u := range s.Users {
		if u == nil {
			return fmt.Errorf("board: decode state: null user")
		}
		u.CallIDs = cloneOrNil(u.CallIDs)
		n.users[key{u.Company, u.Extension}] = u
	}
	for _, e := range s.Emails {
		n.emails[key{e.Company, e.Email}] = e.Extension
	}
	for _, c := range s.Calls {
		if c == nil {
			return fmt.Errorf("board: decode state: null call")
		}
		c.Tags, c.Legs = cloneOrNil(c.Tags), cloneOrNil(c.Legs)
		k := key{c.Company, c.ID}
		n.calls[k] = c
		n.callFloor.include(c.UpdatedAt)
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
	for _, t := range s.Tombstones {
		n.tombs[key{t.Company, t.ID}] = t.At
		n.tombFloor.include(t.At)
	}
	for _, c := range s.Conferences {
		if c == nil {
			return fmt.Errorf("board: decode state: null conference")
		}
		c.Participants = cloneOrNil(c.Participants)
		n.confs[key{c.Company, c.ID}] = c
		n.confFloor.include(c.UpdatedAt)
	}
	for _, q := range s.Queues {
		if q == nil {
			return fmt.Errorf("board: decode state: null queue")
		}
		n.queues[key{q.Company, q.Name}] = q
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
		n.agents[key{a.Company, a.Extension}] = a
	}
	for _, c := range s.Completed {
		n.completed[key{c.Company, c.ID}] = struct{}{}
	}
	// Free is recounted from the members' tiles.
	for _, q := range n.queues {
		q.Free = 0
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
			n.addMember(k, ext)
		}
	}
	n.tx.reset()
	// The live figures are derived: recompute them too, so that a state
	// saved by an older version (without members) loads consistent.
	for k, q := range n.queues {
		n.deriveQueue(k, q)
	}
	*b = *n
	return nil
}
