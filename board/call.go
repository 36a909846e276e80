package board

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// callRec is an active call plus the extensions of its local parties,
// resolved when the call was last updated. Exported fields are serialised by
// MarshalBinary.
type callRec struct {
	Call
	Parties []string // sorted, unique
}

func (c Call) clone() Call {
	c.Tags = cloneOrNil(c.Tags)
	c.Legs = cloneOrNil(c.Legs)
	for i := range c.Legs {
		c.Legs[i] = c.Legs[i].clone()
	}
	return c
}

func (l Leg) clone() Leg {
	if l.Callee != nil {
		p := *l.Callee
		l.Callee = &p
	}
	return l
}

func callEqual(a, b *Call) bool {
	return a.ID == b.ID && a.Company == b.Company && a.Direction == b.Direction &&
		a.State == b.State && a.StartedAt.Equal(b.StartedAt) && a.AnsweredAt.Equal(b.AnsweredAt) &&
		a.Queue == b.Queue && a.Trunk == b.Trunk && slices.Equal(a.Tags, b.Tags) &&
		slices.EqualFunc(a.Legs, b.Legs, legEqual) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func legEqual(a, b Leg) bool {
	if (a.Callee == nil) != (b.Callee == nil) || (a.Callee != nil && *a.Callee != *b.Callee) {
		return false
	}
	a.Callee, b.Callee = nil, nil
	return a == b
}

// applyCall creates or updates an active call. Legs merge by Index; an
// ended call (tombstoned) and an event older than the call's last update
// change nothing.
func (b *Board) applyCall(company string, at time.Time, e *CallUpsert) {
	if e.ID == "" {
		return
	}
	k := key{company, e.ID}
	if _, ended := b.tombs[k]; ended {
		return
	}
	c, ok := b.calls[k]
	if ok && at.Before(c.UpdatedAt) {
		return
	}
	b.touchCall(k)
	if !ok {
		c = &callRec{Call: Call{ID: e.ID, Company: company, StartedAt: at}}
		b.calls[k] = c
	}
	oldQueue, oldParties := c.Queue, c.Parties

	if !e.StartedAt.IsZero() {
		c.StartedAt = e.StartedAt.UTC()
	}
	if len(e.Tags) > 0 {
		c.Tags = slices.Clone(e.Tags)
	}
	c.Legs = mergeLegs(c.Legs, e.Legs)
	c.UpdatedAt = at
	b.callFloor.include(at)
	c.summarize(at)

	for i := range e.Legs {
		b.learnParty(company, &e.Legs[i].Caller)
		b.learnParty(company, e.Legs[i].Callee)
	}
	var parties []string
	for i := range c.Legs {
		for _, ext := range [2]string{b.partyExt(company, &c.Legs[i].Caller), b.partyExt(company, c.Legs[i].Callee)} {
			if ext != "" {
				parties = append(parties, ext)
			}
		}
	}
	slices.Sort(parties)
	c.Parties = slices.Compact(parties)

	b.linkParties(company, e.ID, oldParties, c.Parties)
	b.linkQueue(company, e.ID, oldQueue, c.Queue)
	b.learnMembers(c)
}

// summarize recomputes what a call takes from its legs, as of time at: the
// state of the newest leg; the direction, queue and trunk of the newest leg
// that has them; AnsweredAt, set to at when a leg is connected and the call
// was not answered before.
func (c *Call) summarize(at time.Time) {
	c.State, c.Direction, c.Queue, c.Trunk = "", DirectionUnknown, "", ""
	for _, l := range c.Legs { // ascending Index: the newest leg wins
		c.State = l.State
		if l.Direction != "" && l.Direction != DirectionUnknown {
			c.Direction = l.Direction
		}
		c.Queue = cmp.Or(l.Queue, c.Queue)
		c.Trunk = cmp.Or(l.Trunk, c.Trunk)
		if l.State == LegConnected && c.AnsweredAt.IsZero() {
			c.AnsweredAt = at
		}
	}
}

// answered reports whether a leg in this state has been answered: it is
// connected or on hold.
func answered(state string) bool {
	return state == LegConnected || state == LegHold
}

// mergeLegs returns a new slice: old legs, replaced by Index with the
// event's legs (the last one wins within the event), sorted by Index.
// States are lower-cased. A leg does not un-answer: when an answered leg
// (connected or on hold) is replaced by one saying ringing, the replacement
// keeps the answered state and takes everything else from the event.
func mergeLegs(old, upd []Leg) []Leg {
	legs := slices.Clone(old)
	for _, l := range upd {
		l = l.clone()
		l.State = strings.ToLower(l.State)
		i, found := slices.BinarySearchFunc(legs, l.Index, func(x Leg, idx int) int { return cmp.Compare(x.Index, idx) })
		if found {
			if l.State == LegRinging && answered(legs[i].State) {
				l.State = legs[i].State
			}
			legs[i] = l
		} else {
			legs = slices.Insert(legs, i, l)
		}
	}
	return cloneOrNil(legs)
}

// inferAnswer applies what a "talking" report for user u at time at says
// about u's calls. The PBX's legacy call events say CONNECTING (ringing)
// for a call's whole life, so a report that the callee of a ringing leg is
// talking is the only sign that they answered. When u is the local callee
// of exactly one ringing leg across u's active calls, is a party of no
// connected or held leg (which would explain the report by itself), and
// that leg's call was last updated no later than at (an older report says
// nothing about the call as it is now), the leg becomes connected: the call
// is updated at at and answered at at if it was not answered before. In
// every other case nothing changes.
func (b *Board) inferAnswer(u *userRec, at time.Time) {
	var ringing *callRec
	idx := -1
	for id := range u.calls {
		c := b.calls[key{u.Company, id}]
		for i := range c.Legs {
			l := &c.Legs[i]
			callee := b.partyExt(u.Company, l.Callee) == u.Extension
			switch {
			case answered(l.State) && (callee || b.partyExt(u.Company, &l.Caller) == u.Extension):
				return
			case l.State == LegRinging && callee:
				if ringing != nil {
					return // two ringing legs: which one was answered is unknown
				}
				ringing, idx = c, i
			}
		}
	}
	if ringing == nil || at.Before(ringing.UpdatedAt) {
		return
	}
	b.touchCall(key{u.Company, ringing.ID})
	legs := slices.Clone(ringing.Legs) // stored slices are never mutated in place
	legs[idx].State = LegConnected
	ringing.Legs = legs
	ringing.UpdatedAt = at
	b.callFloor.include(at)
	ringing.summarize(at)
}

// linkParties updates the users' call sets when a call's parties change
// from old to upd, touching every user on either side.
func (b *Board) linkParties(company, id string, old, upd []string) {
	for _, ext := range old {
		if !slices.Contains(upd, ext) {
			if u, ok := b.users[key{company, ext}]; ok {
				delete(u.calls, id)
			}
		}
		b.touchUser(key{company, ext}, false)
	}
	for _, ext := range upd {
		u := b.users[key{company, ext}]
		if u.calls == nil {
			u.calls = make(map[string]struct{})
		}
		u.calls[id] = struct{}{}
		b.touchUser(key{company, ext}, false)
	}
}

// linkQueue moves a call between queues' live sets, creating the queue the
// first time a call names it.
func (b *Board) linkQueue(company, id, old, upd string) {
	if old != "" {
		k := key{company, old}
		b.touchQueue(k, false)
		if old != upd {
			delete(b.queueCalls[k], id)
		}
	}
	if upd != "" {
		k := key{company, upd}
		b.touchQueue(k, false)
		b.ensureQueue(k)
		set := b.queueCalls[k]
		if set == nil {
			set = make(map[string]struct{})
			b.queueCalls[k] = set
		}
		set[id] = struct{}{}
	}
}

// applyCallEnd removes the call and leaves a tombstone. Unlike other facts,
// an end applies even when older than the call's last update: a call cannot
// un-end, and the tombstone makes any later update harmless. An end for an
// unknown call still leaves a tombstone, so a late start cannot create it.
func (b *Board) applyCallEnd(company string, at time.Time, e *CallEnd) {
	if e.ID == "" {
		return
	}
	k := key{company, e.ID}
	if _, ok := b.calls[k]; ok {
		b.removeCall(k, at)
		return
	}
	b.tomb(k, at)
}

// removeCall deletes an active call and tombstones its id.
func (b *Board) removeCall(k key, at time.Time) {
	c := b.calls[k]
	b.touchCall(k)
	delete(b.calls, k)
	b.linkParties(k.company, k.id, c.Parties, nil)
	b.linkQueue(k.company, k.id, c.Queue, "")
	b.tomb(k, at)
}

func (b *Board) tomb(k key, at time.Time) {
	if t, ok := b.tombs[k]; !ok || at.After(t) {
		b.tombs[k] = at
	}
	b.tombFloor.include(b.tombs[k])
}
