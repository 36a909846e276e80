package pbxsim

import "time"

// emitLegacy emits a call:start, call:update or call:end event for c. The
// callee is the newest flow's callee, null in call:start; the end fields
// are null until call:end.
func (s *Sim) emitLegacy(c *call, typ string) {
	f := c.last()
	data := legacyCall{
		Status:      "CONNECTING",
		Caller:      s.legacyParty(c.flows[0].caller),
		Service:     c.service,
		Destination: c.flows[0].destination,
		TrunkName:   c.trunk,
		Tags:        []string{},
		Flags:       []string{},
	}
	if typ != "call:start" && f.callee != nil {
		data.Callee = s.legacyParty(f.callee)
	}
	if c.queue != nil {
		data.QueueName, data.QueueID = &c.queue.name, &c.queue.id
	}
	if typ == "call:end" {
		cause, text, by := c.cause, causeText[c.cause], c.endBy
		data.EndCause, data.EndCauseStr, data.EndBy = &cause, &text, &by
	}
	s.emit(envelope{ID: c.id, PBX: s.opts.PBX, Type: typ, Data: data})
}

// emitLive emits call:live:progress with the given trigger, or
// call:live:completed when trigger is empty. Every event carries all flows.
func (s *Sim) emitLive(c *call, trigger string) {
	typ := "call:live:progress"
	if trigger == "" {
		typ = "call:live:completed"
	}
	flows := make([]liveFlow, len(c.flows))
	for i, f := range c.flows {
		wait, connected, talk := s.counters(f)
		flows[i] = liveFlow{
			FlowIndex:   f.index,
			Duration:    s.until(f).Sub(f.start).Milliseconds(),
			ConnectTime: connected.Milliseconds(),
			TalkTime:    talk.Milliseconds(),
			WaitTime:    wait.Milliseconds(),
			Caller:      s.liveParty(f.caller),
			Callee:      s.liveParty(f.callee),
			Destination: f.destination,
			Direction:   f.direction,
			RemotePhone: remotePhone(f),
			Status:      f.status,
			TrunkName:   c.trunk,
			Tags:        []string{},
			Flags:       []string{},
		}
		if c.queue != nil {
			flows[i].QueueName, flows[i].QueueID = &c.queue.name, &c.queue.id
		}
	}
	s.emit(envelope{ID: c.id, PBX: s.opts.PBX, Time: s.dispatch(), Type: typ, Data: liveCall{
		ID: c.id, PBX: s.opts.PBX, Time: s.ms(), Company: s.opts.Company,
		Licenses: []string{"x-bees"}, Event: "call", EventTrigger: trigger,
		Start: isoMillis(c.start), Flows: flows,
	}})
}

// emitCompleted emits the call:completed analytics record of an ended call.
func (s *Sim) emitCompleted(c *call) {
	flows := make([]completedFlow, len(c.flows))
	for i, f := range c.flows {
		wait, connected, talk := s.counters(f)
		status := "MISSED"
		if !f.answered.IsZero() {
			status = "COMPLETED"
		}
		flows[i] = completedFlow{
			FlowIndex:      f.index,
			StartTime:      f.start.UnixMilli(),
			EndTime:        f.end.UnixMilli(),
			Duration:       f.end.Sub(f.start).Milliseconds(),
			ConnectTime:    connected.Milliseconds(),
			TalkTime:       talk.Milliseconds(),
			WaitTime:       wait.Milliseconds(),
			Caller:         s.liveParty(f.caller),
			Callee:         s.liveParty(f.callee),
			Destination:    f.destination,
			Direction:      f.direction,
			TrunkName:      c.trunk,
			TrunkDirection: c.trunkDir,
			Tags:           []string{},
			RemotePhone:    remotePhone(f),
			CallStatus:     status,
		}
		if c.queue != nil {
			flows[i].QueueName = &c.queue.name
		}
	}
	cause := c.cause
	s.emit(envelope{ID: c.id, PBX: s.opts.PBX, Type: "call:completed", Data: completedCall{
		ID: c.id, Time: s.ms(), Company: s.opts.Company, EndCause: &cause, Flows: flows,
	}})
}

// until is the end of f, or now while it lasts.
func (s *Sim) until(f *flow) time.Time {
	if f.ended {
		return f.end
	}
	return s.now
}

// counters returns f's waiting time (until answered, or its whole life),
// connected time (since answered, hold included) and talk time (connected
// minus hold) so far.
func (s *Sim) counters(f *flow) (wait, connected, talk time.Duration) {
	end := s.until(f)
	if f.answered.IsZero() {
		return end.Sub(f.start), 0, 0
	}
	connected = end.Sub(f.answered)
	held := f.held
	if f.status == flowHold && !f.ended {
		held += s.now.Sub(f.holdSince)
	}
	return f.answered.Sub(f.start), connected, connected - held
}

// remotePhone is the number at the far end of f: the external number if
// any, else the callee's extension.
func remotePhone(f *flow) string {
	switch {
	case f.caller.user == nil:
		return f.caller.phone
	case f.callee != nil:
		return f.callee.phone
	default:
		return f.destination
	}
}

// legacyParty renders p in the legacy call format.
func (s *Sim) legacyParty(p *party) *legacyParty {
	if p.user == nil {
		return &legacyParty{Type: "REMOTE", Phone: p.phone, Name: p.name}
	}
	u := p.user
	return &legacyParty{
		Type: "LOCAL", Phone: u.ext, Name: &u.name, Email: &u.email, UserID: &u.userID,
		UserExtension: &u.ext, UserDepartment: u.department, GroupID: &u.group.id,
		GroupName: &u.group.name, UserAgent: u.agent, UserDevice: &u.device,
	}
}

// liveParty renders p in the live and analytics formats; nil for nil.
func (s *Sim) liveParty(p *party) *liveParty {
	switch {
	case p == nil:
		return nil
	case p.user == nil:
		return &liveParty{Type: "REMOTE", Phone: p.phone, Name: p.name, Role: "CLIENT"}
	}
	u := p.user
	return &liveParty{
		Type: "LOCAL", Phone: u.ext, Name: &u.name, Email: &u.email, UserID: &u.userID,
		UserExtension: &u.ext, UserDepartment: u.department, GroupID: &u.group.id,
		GroupName: &u.group.name, UserAgent: u.agent, UserDevice: &u.device,
		Role: "AGENT", License: &u.license,
	}
}
