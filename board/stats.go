package board

import (
	"strings"
	"time"
)

// rollDay moves the company to the day of its clock when that is later
// than its day: its queues' and agents' daily figures reset, its set of
// counted completed calls and its learned queue members are forgotten. Days
// never move backwards.
func (b *Board) rollDay(t *tenant) {
	if t.day != "" && t.now.Before(t.dayEnd) {
		return // the common case, without formatting a date
	}
	if t.now.IsZero() {
		return
	}
	d := t.now.In(t.loc).Format(time.DateOnly)
	if d <= t.day { // YYYY-MM-DD compares as a string
		return
	}
	first := t.day == ""
	if !first {
		b.closeDay(t.company, t.day)
	}
	t.setDay(d)
	b.tx.days[t.company] = struct{}{}
	if first {
		return // nothing of the company's was counted yet
	}
	for k := range b.completed {
		if k.company == t.company {
			delete(b.completed, k)
		}
	}
	t.completed = 0
	for k, q := range b.queues {
		if k.company != t.company {
			continue
		}
		if q.Period != (Period{}) || q.Intraday != nil || q.Last15 != (Period{}) || q.Last30 != (Period{}) || q.Last60 != (Period{}) {
			b.touchQueue(k, false)
			q.Period, q.Intraday, q.Last15, q.Last30, q.Last60 = Period{}, nil, Period{}, Period{}, Period{}
		}
	}
	clear(t.recent)
	for k := range b.members {
		if k.company == t.company {
			delete(b.members, k)
		}
	}
	t.members = 0
	b.reindexMembers(t.company, false)
	for k, a := range b.agents {
		if k.company != t.company {
			continue
		}
		if *a != (AgentStats{Company: a.Company, Extension: a.Extension}) {
			b.touchAgent(k)
			*a = AgentStats{Company: a.Company, Extension: a.Extension}
		}
	}
}

// setDay sets the company's day and the instant the next one starts. d is
// always a valid date (formatted by rollDay or checked by UnmarshalBinary);
// were it not, dayEnd would stay zero and rollDay would merely lose its
// shortcut.
func (t *tenant) setDay(d string) {
	t.day = d
	t.dayEnd = time.Time{}
	if start, err := time.ParseInLocation(time.DateOnly, d, t.loc); err == nil {
		t.dayEnd = time.Date(start.Year(), start.Month(), start.Day()+1, 0, 0, 0, 0, t.loc).UTC()
	}
}

// dayOf is t's date in the company's time zone.
func (b *Board) dayOf(company string, t time.Time) string {
	return t.In(b.location(company)).Format(time.DateOnly)
}

// ensureQueue returns the queue, creating it; nil when the company has
// Limits.Queues already.
func (b *Board) ensureQueue(k key) *QueueStats {
	q, ok := b.queues[k]
	if !ok {
		t := b.tenant(k.company)
		if len(t.queues) >= b.opts.Limits.Queues {
			b.hit(LimitQueues)
			return nil
		}
		t.addQueue(k.id)
		q = &QueueStats{Company: k.company, Name: k.id, Formula: b.formulaFor(k)}
		b.queues[k] = q
	}
	return q
}

// deriveQueue recomputes a queue's live figures from its active calls (a
// ringing call is waiting, a connected or held one is talking). The agent
// counts are kept up to date by addMember, reindexMembers and commit
// instead, so that no Apply looks at every member's tile.
func (b *Board) deriveQueue(k key, q *QueueStats) {
	q.Waiting, q.Talking, q.OldestWait = 0, 0, time.Time{}
	q.WaitingCalls = b.waitingCalls(k)
	for id := range b.queueCalls[k] {
		c := b.calls[key{k.company, id}]
		switch c.State {
		case LegRinging:
			q.Waiting++
			if q.OldestWait.IsZero() || c.StartedAt.Before(q.OldestWait) {
				q.OldestWait = c.StartedAt
			}
		case LegConnected, LegHold:
			q.Talking++
		}
	}
	settleAlert(q)
}

// learnMembers makes every local callee of legs that name a queue, rung or
// answered, a member of that queue for the rest of the day.
func (b *Board) learnMembers(company string, legs []Leg) {
	for i := range legs {
		l := &legs[i]
		st := strings.ToLower(l.State)
		if l.Queue == "" || (st != LegRinging && !answered(st)) {
			continue
		}
		if ext := b.userExt(company, l.Callee); ext != "" {
			b.addMember(key{company, l.Queue}, ext)
		}
	}
}

// addMember records that the user ext of queue k's company is a member of
// k, touching the queue when that is news, and counts the member among the
// queue's agents by their tile. The tile is the user's as of the last
// commit: users' derived state is only recomputed by commit, which then
// moves the counts of all the user's queues, this one included, when the
// tile changes class. A configured member is already counted. Beyond
// Limits.QueueMembers of the company nothing is learned.
func (b *Board) addMember(k key, ext string) {
	set := b.members[k]
	if _, ok := set[ext]; ok {
		return
	}
	t := b.tenant(k.company)
	if t.members >= b.opts.Limits.QueueMembers {
		b.hit(LimitQueueMembers)
		return
	}
	q := b.ensureQueue(k)
	if q == nil {
		return
	}
	t.members++
	uk := key{k.company, ext}
	if !b.isMember(k, ext) {
		b.touchQueue(k, false)
		q.count(b.memberClass(uk), 1)
	}
	if set == nil {
		set = make(map[string]struct{})
		b.members[k] = set
	}
	set[ext] = struct{}{}
	if b.memberOf[uk] == nil {
		b.memberOf[uk] = make(map[string]struct{})
	}
	b.memberOf[uk][k.id] = struct{}{}
}

// applyCompleted adds a finished call to today's counters. A record that
// ended on another day than the board's, has no id (so could not be
// deduplicated) or was already counted today changes nothing.
func (b *Board) applyCompleted(company string, at time.Time, e *CompletedCall) {
	// The record's end is a claim like the event's time: believed only up
	// to the event's trusted time.
	ended := within(e.EndedAt, at, at)
	ck := key{company, e.ID}
	if e.ID == "" || b.dayOf(company, ended) != b.tenants[company].day {
		return
	}
	if _, counted := b.completed[ck]; counted {
		return
	}
	t := b.tenants[company]
	if t.completed >= b.opts.Limits.Completed {
		b.hit(LimitCompleted)
		return
	}
	t.completed++
	b.completed[ck] = struct{}{}

	if e.Queue != "" {
		k := key{company, e.Queue}
		b.touchQueue(k, false)
		// Beyond the company's queues the record counts for its agent only.
		if q := b.ensureQueue(k); q != nil {
			b.countQueueCall(t, k, q, e, ended)
		}
	}
	if e.Agent != nil {
		b.countAgent(company, e.Agent, e)
	}
	if e.Missed {
		for i := range e.AlsoRung {
			b.countAgent(company, &e.AlsoRung[i], e)
		}
	}
}

// countAgent adds a completed call to the figures of the user p names (an
// agent must be a user: the user limit bounds the agents too).
func (b *Board) countAgent(company string, p *Party, e *CompletedCall) {
	ext := b.learnParty(company, p)
	if ext == "" {
		ext = b.resolve(company, p.Extension, p.Email)
	}
	k := key{company, ext}
	if _, ok := b.users[k]; !ok {
		return
	}
	b.touchAgent(k)
	a, ok := b.agents[k]
	if !ok {
		a = &AgentStats{Company: company, Extension: ext}
		b.agents[k] = a
	}
	if e.Missed {
		a.Missed++
	} else {
		a.Answered++
		a.TalkTotal += e.Talk
		a.HoldTotal += e.Hold
	}
}
