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
	// SeenAt is the company's clock (receive time) when the call was last
	// updated: expiry counts from it, never from the PBX's claims, so a PBX
	// clock hours behind or ahead cannot expire its calls early or keep
	// them forever.
	SeenAt time.Time
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

// applyCall creates or updates an active call (see CallUpsert for how legs
// merge).
//
// Events arrive in any order (concurrent webhooks, SQS), so whatever an
// event says that stays true later is kept whenever it arrives: the people
// it names exist, the queue members it reveals are members, the call
// started no later than it says. An ended call (tombstoned) keeps only
// that. An event older than the call's last update also answers the call:
// a leg it shows connected or on hold (or ringing to a callee whose
// "talking" report came between it and the call's last update) answered
// the call by then, and the same leg, still ringing to the same callee, is
// connected, as it would be had the events come in order.
func (b *Board) applyCall(company string, at time.Time, e *CallUpsert) {
	if e.ID == "" {
		return
	}
	k := key{company, e.ID}
	for i := range e.Legs {
		b.learnParty(company, &e.Legs[i].Caller)
		b.learnParty(company, e.Legs[i].Callee)
	}
	b.learnMembers(company, e.Legs)
	if b.ended(k) {
		return
	}
	t := b.tenants[company]
	started := within(e.StartedAt, at.Add(b.opts.MaxSkew), at)
	c, ok := b.calls[k]
	if ok && at.Before(c.UpdatedAt) {
		b.applyStaleCall(k, c, at, started, e)
		return
	}
	if !ok && len(t.calls) >= b.opts.Limits.Calls {
		b.hit(LimitCalls)
		return
	}
	b.touchCall(k)
	if !ok {
		c = &callRec{Call: Call{ID: e.ID, Company: company, StartedAt: started}}
		b.calls[k] = c
		t.calls[e.ID] = struct{}{}
	}
	oldQueue, oldParties := c.Queue, c.Parties

	if started.Before(c.StartedAt) {
		c.StartedAt = started
	}
	if len(e.Tags) > 0 {
		c.Tags = slices.Clone(e.Tags)
	}
	c.Legs = mergeLegs(c.Legs, e.Legs, e.Complete)
	c.UpdatedAt = at
	c.SeenAt = t.now
	t.callFloor.include(c.SeenAt)
	c.summarize(at)

	b.relink(k, c, oldQueue, oldParties)
	b.reinfer(c)
}

// applyStaleCall applies what an event older than the call's last update
// still says (see applyCall).
func (b *Board) applyStaleCall(k key, c *callRec, at, started time.Time, e *CallUpsert) {
	b.touchCall(k)
	if started.Before(c.StartedAt) {
		c.StartedAt = started
	}
	var legs []Leg
	for _, l := range e.Legs {
		answeredAt := at
		switch st := strings.ToLower(l.State); {
		case answered(st):
		case st == LegRinging:
			u, ok := b.users[key{k.company, b.userExt(k.company, l.Callee)}]
			if !ok || !u.TelephonyReported || u.Telephony != TelTalking || u.TelAt.Before(at) || u.TelAt.After(c.UpdatedAt) {
				continue
			}
			answeredAt = u.TelAt
		default:
			continue
		}
		if c.AnsweredAt.IsZero() || answeredAt.Before(c.AnsweredAt) {
			c.AnsweredAt = answeredAt
		}
		i := slices.IndexFunc(c.Legs, func(x Leg) bool { return x.Index == l.Index })
		if i < 0 || c.Legs[i].State != LegRinging || l.Callee == nil || c.Legs[i].Callee == nil || !sameParty(*l.Callee, *c.Legs[i].Callee) {
			continue
		}
		if legs == nil {
			legs = slices.Clone(c.Legs) // stored slices are never mutated in place
		}
		legs[i].State = LegConnected
	}
	if legs != nil {
		c.Legs = legs
		c.summarize(c.UpdatedAt)
	}
}

// relink recomputes the call's local parties (the users its legs name) and
// moves the call between users' and queues' sets.
func (b *Board) relink(k key, c *callRec, oldQueue string, oldParties []string) {
	var parties []string
	for i := range c.Legs {
		for _, ext := range [2]string{b.userExt(k.company, &c.Legs[i].Caller), b.userExt(k.company, c.Legs[i].Callee)} {
			if ext != "" {
				parties = append(parties, ext)
			}
		}
	}
	slices.Sort(parties)
	c.Parties = slices.Compact(parties)
	b.linkParties(k.company, k.id, oldParties, c.Parties)
	b.linkQueue(k.company, k.id, oldQueue, c.Queue)
}

// reinfer lets a "talking" report that arrived before the call update it
// explains answer the call as if it had come after (see Telephony): without
// it, the board would depend on the order of delivery.
func (b *Board) reinfer(c *callRec) {
	for i := range c.Legs {
		l := &c.Legs[i]
		if l.State != LegRinging {
			continue
		}
		ext := b.userExt(c.Company, l.Callee)
		if ext == "" {
			continue
		}
		if u := b.users[key{c.Company, ext}]; u.TelephonyReported && u.Telephony == TelTalking && !u.TelAt.Before(c.UpdatedAt) {
			b.inferAnswer(u, u.TelAt)
			return
		}
	}
}

// summarize recomputes what a call takes from its legs, as of time at. The
// call is connected when any leg is, else on hold when any leg is, else
// ringing when any leg is, else the state of the newest leg: in a ring-all
// queue one agent answering answers the call, whatever the losing legs
// say. Direction, queue and trunk are the newest leg's that has them.
// AnsweredAt is set to at when a leg is connected or on hold and the call
// was not answered before.
func (c *Call) summarize(at time.Time) {
	c.State, c.Direction, c.Queue, c.Trunk = "", DirectionUnknown, "", ""
	var connected, hold, ringing bool
	for _, l := range c.Legs { // ascending Index: the newest leg wins
		c.State = l.State
		connected = connected || l.State == LegConnected
		hold = hold || l.State == LegHold
		ringing = ringing || l.State == LegRinging
		if l.Direction != "" && l.Direction != DirectionUnknown {
			c.Direction = l.Direction
		}
		c.Queue = cmp.Or(l.Queue, c.Queue)
		c.Trunk = cmp.Or(l.Trunk, c.Trunk)
	}
	switch {
	case connected:
		c.State = LegConnected
	case hold:
		c.State = LegHold
	case ringing:
		c.State = LegRinging
	}
	if (connected || hold) && c.AnsweredAt.IsZero() {
		c.AnsweredAt = at
	}
}

// answered reports whether a leg in this state has been answered: it is
// connected or on hold.
func answered(state string) bool {
	return state == LegConnected || state == LegHold
}

// mergeLegs returns a new slice: old legs, replaced by Index with the
// event's legs (the last one wins within the event), sorted by Index, and
// without the legs that ended (LegEnded) or, when complete, that the event
// does not list. States are lower-cased. See CallUpsert for what a
// replacement keeps of the leg it replaces.
func mergeLegs(old, upd []Leg, complete bool) []Leg {
	legs := slices.Clone(old)
	if complete {
		legs = slices.DeleteFunc(legs, func(l Leg) bool {
			return !slices.ContainsFunc(upd, func(u Leg) bool { return u.Index == l.Index })
		})
	}
	for _, l := range upd {
		l = l.clone()
		l.State = strings.ToLower(l.State)
		i, found := slices.BinarySearchFunc(legs, l.Index, func(x Leg, idx int) int { return cmp.Compare(x.Index, idx) })
		if found {
			l = mergeLeg(legs[i], l)
			legs[i] = l
		} else {
			legs = slices.Insert(legs, i, l)
		}
	}
	legs = slices.DeleteFunc(legs, func(l Leg) bool { return l.State == LegEnded })
	return cloneOrNil(legs)
}

// mergeLeg is leg upd replacing old (same Index; see CallUpsert).
func mergeLeg(old, upd Leg) Leg {
	if upd.Caller == (Party{}) {
		upd.Caller = old.Caller
	}
	newCallee := upd.Callee != nil && old.Callee != nil && !sameParty(*old.Callee, *upd.Callee)
	if upd.Callee == nil {
		upd.Callee = old.Callee
	}
	if upd.Direction == "" || upd.Direction == DirectionUnknown {
		upd.Direction = old.Direction
	}
	upd.Destination = cmp.Or(upd.Destination, old.Destination)
	upd.Queue = cmp.Or(upd.Queue, old.Queue)
	upd.QueueID = cmp.Or(upd.QueueID, old.QueueID)
	upd.Trunk = cmp.Or(upd.Trunk, old.Trunk)
	if upd.State == LegRinging && !newCallee {
		switch old.State {
		case LegConnected, LegHold:
			upd.State = LegConnected
		}
	}
	return upd
}

// sameParty reports whether a and b are the same person or number: local
// parties by extension (else email), remote ones by phone. The device they
// use does not matter.
func sameParty(a, b Party) bool {
	if a.Local != b.Local {
		return false
	}
	if a.Local {
		if a.Extension != "" || b.Extension != "" {
			return a.Extension == b.Extension
		}
		return strings.EqualFold(a.Email, b.Email)
	}
	return a.Phone == b.Phone
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
	t := b.tenants[u.Company]
	ringing.SeenAt = t.now
	t.callFloor.include(t.now)
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
func (b *Board) applyCallEnd(company string, _ time.Time, e *CallEnd) {
	if e.ID == "" {
		return
	}
	k := key{company, e.ID}
	if _, ok := b.calls[k]; ok {
		b.removeCall(k)
		return
	}
	b.tomb(b.tenants[company], e.ID)
}

// removeCall deletes an active call and tombstones its id.
func (b *Board) removeCall(k key) {
	c := b.calls[k]
	b.touchCall(k)
	delete(b.calls, k)
	t := b.tenants[k.company]
	delete(t.calls, k.id)
	b.linkParties(k.company, k.id, c.Parties, nil)
	b.linkQueue(k.company, k.id, c.Queue, "")
	b.tomb(t, k.id)
}
