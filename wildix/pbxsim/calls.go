package pbxsim

import (
	"fmt"
	"strconv"
	"time"
)

// Flow statuses of live calls. Wildix documents only HOLD; the others are
// the ringing-, talking- and end-like words the wallboard must expect.
const (
	flowRinging   = "RINGING"
	flowTalking   = "TALKING"
	flowHold      = "HOLD"
	flowCompleted = "COMPLETED"
	flowMissed    = "MISSED"
)

// Q.850 end causes, as Wildix sends them (strings).
var causeText = map[string]string{
	"16": "Normal Clearing",
	"17": "User busy",
	"19": "No Answer",
	"21": "Call Rejected",
}

// party is one end of a flow: a local user, or a remote number.
type party struct {
	user  *user   // nil for a remote party
	phone string  // remote number; the extension for a local party
	name  *string // remote caller name, often unknown (null)
}

// flow is one leg of a call; a transfer adds a flow.
type flow struct {
	index       int
	caller      *party
	callee      *party // nil while a queue looks for an agent
	destination string
	direction   string // INBOUND, OUTBOUND, INTERNAL
	status      string
	ended       bool

	start, answered, end time.Time // answered is zero if never answered
	held                 time.Duration
	holdSince            time.Time
}

// call is an active call of the model.
type call struct {
	id       string
	live     bool // call:live:* format rather than legacy call:*
	start    time.Time
	flows    []*flow
	queue    *queue
	trunk    *string
	trunkDir *string
	service  *string
	cause    string // Q.850 end cause once ended
	endBy    string
}

// last returns the call's newest flow.
func (c *call) last() *flow { return c.flows[len(c.flows)-1] }

// callArrival is the recurring arrival of new calls.
func (s *Sim) callArrival() {
	s.after(s.exp(s.opts.Rate), s.callArrival)
	s.startCall()
}

// A surge is what turns a real queue amber and red now and then (a
// campaign, an outage at a customer): now and then one queue receives a
// burst of callers within a minute or two, on top of the usual arrivals.
const surgeEvery = 25 * time.Minute // mean time between surges

func (s *Sim) surgeGap() time.Duration { return s.exp(1 / surgeEvery.Seconds()) }

// surge sends a burst of callers to one queue and schedules the next surge.
func (s *Sim) surge() {
	s.after(s.surgeGap(), s.surge)
	q := s.queues[s.rng.IntN(len(s.queues))]
	n := 5 + s.rng.IntN(6)
	for range n {
		s.after(s.between(0, 90*time.Second), func() { s.queueCall(q) })
	}
}

// startCall places one call, inbound (often through a queue), internal or
// outbound, if the users it needs are free.
func (s *Sim) startCall() {
	switch r := s.rng.IntN(100); {
	case r < 50:
		s.inboundCall()
	case r < 75:
		s.internalCall()
	default:
		s.outboundCall()
	}
}

// newCall registers a call whose first flow is f.
func (s *Sim) newCall(f *flow) *call {
	s.callCounter++
	c := &call{
		id:    fmt.Sprintf("%s_%d.%d", s.opts.Company, s.now.Unix(), s.callCounter),
		live:  s.rng.IntN(2) == 0,
		start: s.now,
		flows: []*flow{f},
	}
	f.start = s.now
	s.calls[c.id] = c
	return c
}

// internalCall is a call between two users. Now and then the callee is
// already talking: the phone rings on top of a call (rt) and goes unanswered.
func (s *Sim) internalCall() {
	pair := s.pickFree(2, nil)
	if len(pair) < 2 {
		return
	}
	caller, callee := pair[0], pair[1]
	busy := false
	if s.rng.IntN(8) == 0 {
		if u := s.pickTalking(); u != nil {
			callee, busy = u, true
		}
	}
	f := &flow{caller: local(caller), callee: local(callee), destination: callee.ext, direction: "INTERNAL", status: flowRinging}
	c := s.newCall(f)
	s.begin(c)
	s.offer(c, f)
	s.ringOutcome(c, f, busy)
}

// outboundCall is a user calling an external number through a trunk.
func (s *Sim) outboundCall() {
	callers := s.pickFree(1, nil)
	if len(callers) == 0 {
		return
	}
	remote := s.remote(false)
	f := &flow{caller: local(callers[0]), callee: remote, destination: remote.phone, direction: "OUTBOUND", status: flowRinging}
	c := s.newCall(f)
	t := trunks[s.rng.IntN(len(trunks))]
	c.trunk, c.trunkDir = &t.name, ptr("outgoing")
	s.begin(c)
	s.offer(c, f)
	s.ringOutcome(c, f, false)
}

// inboundCall is an external caller on one of the company's numbers, most
// often routed to a queue where it waits for a free agent.
func (s *Sim) inboundCall() {
	t := trunks[s.rng.IntN(len(trunks))]
	f := &flow{caller: s.remote(true), destination: t.did, direction: "INBOUND", status: flowRinging}
	var direct *user
	busy := false
	if s.rng.IntN(3) == 0 { // a user's direct number rather than a queue
		if u := s.pickTalking(); u != nil && s.rng.IntN(4) == 0 {
			direct, busy = u, true // rings on top of a call: rt
		} else if free := s.pickFree(1, nil); len(free) == 1 {
			direct = free[0]
		} else {
			return
		}
	}
	c := s.newCall(f)
	c.trunk, c.trunkDir, c.service = &t.name, ptr("incoming"), &t.did
	if direct != nil {
		f.callee = local(direct)
		s.begin(c)
		s.offer(c, f)
		s.ringOutcome(c, f, busy)
		return
	}
	c.queue = s.queues[s.rng.IntN(len(s.queues))]
	s.begin(c)
	if s.rng.IntN(12) == 0 {
		// A short abandon: the caller hangs up within seconds (a wrong
		// number, a change of mind), before any agent is offered the call.
		s.after(s.between(time.Second, 4*time.Second), func() {
			c.endBy = "CALLER"
			s.finish(c, "16")
		})
		return
	}
	s.queueWait(c, f, s.between(3*time.Second, 15*time.Second))
}

// queueCall is an external caller dialling queue q's number.
func (s *Sim) queueCall(q *queue) {
	t := trunks[s.rng.IntN(len(trunks))]
	f := &flow{caller: s.remote(true), destination: t.did, direction: "INBOUND", status: flowRinging}
	c := s.newCall(f)
	c.trunk, c.trunkDir, c.service = &t.name, ptr("incoming"), &t.did
	c.queue = q
	s.begin(c)
	s.queueWait(c, f, s.between(3*time.Second, 15*time.Second))
}

// queueWait lets an inbound call wait in its queue for wait, then offers it
// to a free agent; with none free it waits on, and callers give up after
// about two minutes.
func (s *Sim) queueWait(c *call, f *flow, wait time.Duration) {
	s.after(wait, func() {
		agents := s.pickFree(1, c.queue.agents)
		waited := s.now.Sub(f.start)
		switch {
		case len(agents) == 0 && waited < 2*time.Minute && s.rng.IntN(6) != 0:
			s.queueWait(c, f, s.between(5*time.Second, 20*time.Second))
		case len(agents) == 0, waited > 30*time.Second && s.rng.IntN(10) == 0:
			// The caller hung up: a missed queue call (some give up after
			// half a minute even when an agent is about to be free).
			c.endBy = "CALLER"
			s.finish(c, "16")
		default:
			s.account(f, -1)
			f.callee = local(agents[0])
			s.account(f, +1)
			s.offer(c, f)
			s.ringOutcome(c, f, false)
		}
	})
}

// ringOutcome schedules what happens to a ringing flow: answered, or not
// answered, rejected or busy. A busy callee never answers.
func (s *Sim) ringOutcome(c *call, f *flow, busy bool) {
	r := s.rng.IntN(100)
	switch {
	case busy || r < 10:
		c.endBy = "CALLER"
		s.after(s.between(15*time.Second, 30*time.Second), func() { s.finish(c, "19") })
	case r < 16:
		c.endBy = "CALLEE"
		s.after(s.between(2*time.Second, 8*time.Second), func() { s.finish(c, "21") })
	case r < 20 && f.direction == "OUTBOUND":
		c.endBy = "CALLEE"
		s.after(s.between(1*time.Second, 4*time.Second), func() { s.finish(c, "17") })
	default:
		s.after(s.between(3*time.Second, 14*time.Second), func() { s.answer(c, f) })
	}
}

// answer connects a ringing flow and schedules the conversation: its
// length, maybe a hold, maybe a transfer, and its end.
func (s *Sim) answer(c *call, f *flow) {
	s.set(c, f, flowTalking)
	talk := min(20*time.Second+s.exp(1.0/70), 6*time.Minute)
	switch r := s.rng.IntN(100); {
	case r < 25:
		at := s.between(5*time.Second, talk*2/3)
		s.after(at, func() { s.set(c, f, flowHold) })
		s.after(at+s.between(10*time.Second, talk/3), func() {
			if f.status == flowHold {
				s.set(c, f, flowTalking)
			}
		})
	case r < 35 && f.callee.user != nil:
		at := s.between(10*time.Second, talk/2)
		s.after(at, func() { s.transfer(c, f) })
	}
	s.after(talk, func() {
		c.endBy = []string{"CALLER", "CALLEE"}[s.rng.IntN(2)]
		s.finish(c, "16")
	})
}

// transfer moves the caller of f to a colleague of f's callee: a new flow
// rings, is answered a few seconds later, and f ends.
func (s *Sim) transfer(c *call, f *flow) {
	if f.ended || f.status != flowTalking {
		return
	}
	to := s.pickFree(1, f.callee.user.group)
	if len(to) == 0 {
		return
	}
	nf := &flow{
		index: len(c.flows), caller: f.caller, callee: local(to[0]), destination: to[0].ext,
		direction: f.direction, status: flowRinging, start: s.now,
	}
	c.flows = append(c.flows, nf)
	s.account(nf, +1)
	s.offer(c, nf)
	s.after(s.between(3*time.Second, 9*time.Second), func() {
		if c.cause != "" || f.ended {
			return
		}
		s.account(f, -1)
		f.ended, f.end, f.status = true, s.now, flowCompleted
		s.syncParties(c)
		s.set(c, nf, flowTalking)
	})
}

// begin announces a new call: the caller is on the line (talking) from the
// first event.
func (s *Sim) begin(c *call) {
	f := c.flows[0]
	s.account(f, +1)
	if c.live {
		s.emitLive(c, "call.start")
	} else {
		s.emitLegacy(c, "call:start")
	}
	if u := f.caller.user; u != nil {
		s.syncTelephony(u) // the callee rings once offer has named it
	}
}

// offer announces that f now rings its callee. For a legacy call the
// callee becomes known in a call:update, sent at the same time as
// call:start when the callee is known at once (as a real PBX does).
func (s *Sim) offer(c *call, f *flow) {
	if c.live {
		if f.index > 0 || c.queue != nil {
			s.emitLive(c, "call.update")
		}
	} else {
		s.emitLegacy(c, "call:update")
	}
	s.syncParties(c)
}

// set changes the status of a live flow, accounting for hold time.
func (s *Sim) set(c *call, f *flow, status string) {
	if c.cause != "" || f.ended {
		return
	}
	s.account(f, -1)
	switch {
	case status == flowTalking && f.answered.IsZero():
		f.answered = s.now
	case status == flowHold:
		f.holdSince = s.now
	case f.status == flowHold:
		f.held += s.now.Sub(f.holdSince)
	}
	f.status = status
	s.account(f, +1)
	if c.live {
		s.emitLive(c, "call.update")
	} else if status == flowTalking && f.held == 0 {
		s.emitLegacy(c, "call:update") // legacy calls say nothing about hold
	}
	s.syncParties(c)
}

// finish ends every flow of c with the Q.850 cause, announces the users'
// telephony, then the end of the call, and schedules its analytics.
func (s *Sim) finish(c *call, cause string) {
	if c.cause != "" {
		return
	}
	c.cause = cause
	for _, f := range c.flows {
		if f.ended {
			continue
		}
		s.account(f, -1)
		if f.status == flowHold {
			f.held += s.now.Sub(f.holdSince)
		}
		f.ended, f.end, f.status = true, s.now, flowMissed
		if !f.answered.IsZero() {
			f.status = flowCompleted
		}
	}
	s.syncParties(c)
	if c.live {
		s.emitLive(c, "call.end")
		s.emitLive(c, "")
	} else {
		s.emitLegacy(c, "call:end")
	}
	delete(s.calls, c.id)
	s.after(s.between(2*time.Second, 8*time.Second), func() { s.emitCompleted(c) })
}

// account adds (sign +1) or removes (-1) f's contribution to its local
// parties' telephony: the caller talks while the flow lasts, the callee
// rings, then talks (also on hold).
func (s *Sim) account(f *flow, sign int) {
	if f.ended {
		return
	}
	if u := f.caller.user; u != nil {
		u.talking += sign
	}
	if f.callee == nil || f.callee.user == nil {
		return
	}
	switch f.status {
	case flowRinging:
		f.callee.user.ringing += sign
	case flowTalking, flowHold:
		f.callee.user.talking += sign
	}
}

// syncParties announces any telephony change of the call's local users.
func (s *Sim) syncParties(c *call) {
	for _, f := range c.flows {
		for _, p := range []*party{f.caller, f.callee} {
			if p != nil && p.user != nil {
				s.syncTelephony(p.user)
			}
		}
	}
}

// pickTalking returns a user on exactly one call and not ringing, or nil if
// a few random draws find none.
func (s *Sim) pickTalking() *user {
	for range 16 {
		u := s.users[s.rng.IntN(len(s.users))]
		if u.talking == 1 && u.ringing == 0 && u.status != "dnd" {
			return u
		}
	}
	return nil
}

// remoteNames are caller names an inbound call may carry; many carry none.
var remoteNames = []string{"ACME S.p.A.", "Northwind Ltd", "Contoso GmbH", "M. Conti", "J. Whitfield", "Boulangerie Petit"}

// remote draws an external party. Inbound callers sometimes carry a name.
func (s *Sim) remote(inbound bool) *party {
	p := externalPrefixes[s.rng.IntN(len(externalPrefixes))]
	n := p.prefix
	for range p.digits {
		n += strconv.Itoa(s.rng.IntN(10))
	}
	r := &party{phone: n}
	if inbound && s.rng.IntN(3) == 0 {
		name := remoteNames[s.rng.IntN(len(remoteNames))]
		r.name = &name
	}
	return r
}

// local is a user as a call party.
func local(u *user) *party { return &party{user: u, phone: u.ext} }

func ptr(s string) *string { return &s }
