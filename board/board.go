package board

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// Default lifetimes used when an Options field is zero or negative.
const (
	DefaultCallTTL       = 2 * time.Hour
	DefaultConferenceTTL = 4 * time.Hour
	DefaultTombstoneTTL  = 6 * time.Hour
)

// Options tune a Board. The zero value is usable: every zero field takes its
// default.
type Options struct {
	// CallTTL: a call with no event for this long expires (default 2h). The
	// PBX's end event can be lost; expiry keeps the board from showing
	// phantom calls forever.
	CallTTL time.Duration
	// ConferenceTTL: a conference with no event for this long expires
	// (default 4h). The PBX's leave/end events are not documented, so expiry
	// is the only way a conference disappears.
	ConferenceTTL time.Duration
	// TombstoneTTL: how long an ended call's id is remembered so that a late
	// or retried update cannot bring it back (default 6h). Keep it longer
	// than the PBX's retry window and longer than CallTTL.
	TombstoneTTL time.Duration
	// Location sets the day boundary for today's counters (default UTC)
	// of every company not in Locations.
	Location *time.Location
	// Locations sets a company's own day boundary, by company.
	Locations map[string]*time.Location
	// MaxSkew is how far ahead of its receive time an event's own time is
	// believed (default DefaultMaxSkew; see TrustTime).
	MaxSkew time.Duration
	// Limits bound what each company's events can create.
	Limits Limits
	// Directory names people the events name only by extension or email
	// (see Directory); nil: none.
	Directory *Directory
}

func (o Options) withDefaults() Options {
	if o.CallTTL <= 0 {
		o.CallTTL = DefaultCallTTL
	}
	if o.ConferenceTTL <= 0 {
		o.ConferenceTTL = DefaultConferenceTTL
	}
	if o.TombstoneTTL <= 0 {
		o.TombstoneTTL = DefaultTombstoneTTL
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxSkew <= 0 {
		o.MaxSkew = DefaultMaxSkew
	}
	o.Limits = o.Limits.withDefaults()
	return o
}

// Board is the live state of one or more PBX companies, built only from
// Events. It is a pure state machine: no I/O, no clock (time comes from
// Event.At and Event.Received), no goroutines, no randomness. Feeding two Boards the same events
// in the same order yields equal state, equal Changes and equal
// MarshalBinary bytes.
//
// A Board is not safe for concurrent use: the caller serialises Apply and
// every read.
type Board struct {
	opts Options

	seq     uint64
	tenants map[string]*tenant

	users     map[key]*userRec
	emails    map[key]string // (company, lower-cased email) → extension
	calls     map[key]*callRec
	confs     map[key]*confRec
	queues    map[key]*QueueStats
	agents    map[key]*AgentStats
	completed map[key]struct{} // today's counted call:completed ids

	// members: queue → extensions of today's learned members (see
	// QueueStats.Members).
	members map[key]map[string]struct{}
	// settings are the queues' settings (normalized), configured their
	// configured members by queue.
	settings   []QueueSetting
	configured map[key]map[string]struct{}

	// Derived indexes, rebuilt by UnmarshalBinary, never serialised.
	queueCalls map[key]map[string]struct{} // queue → its active call ids
	memberOf   map[key]map[string]struct{} // user → names of the queues they are a member of

	counters Counters

	// closed are the days that rolled over, until ClosedDays takes them.
	closed []DayFigures

	tx txn
}

// key identifies an entity within a company: a user's extension, a call,
// conference or queue name, an email.
type key struct {
	company string
	id      string
}

func compareKeys(a, b key) int {
	return cmp.Or(strings.Compare(a.company, b.company), strings.Compare(a.id, b.id))
}

// floor is a lower bound on a set of times; ok is false when the set is empty.
type floor struct {
	t  time.Time
	ok bool
}

func (f *floor) include(t time.Time) {
	if !f.ok || t.Before(f.t) {
		f.t, f.ok = t, true
	}
}

// New returns an empty Board.
func New(opts Options) *Board {
	b := &Board{opts: opts.withDefaults()}
	b.reset()
	return b
}

func (b *Board) reset() {
	b.seq = 0
	b.tenants = make(map[string]*tenant)
	b.users = make(map[key]*userRec)
	b.emails = make(map[key]string)
	b.calls = make(map[key]*callRec)
	b.confs = make(map[key]*confRec)
	b.queues = make(map[key]*QueueStats)
	b.agents = make(map[key]*AgentStats)
	b.completed = make(map[key]struct{})
	b.members = make(map[key]map[string]struct{})
	b.settings = nil
	b.configured = make(map[key]map[string]struct{})
	b.queueCalls = make(map[key]map[string]struct{})
	b.memberOf = make(map[key]map[string]struct{})
	b.counters = Counters{TimeFixes: make(map[TimeFix]uint64), LimitHits: make(map[Limit]uint64)}
	b.tx = newTxn()
}

// Seq counts the Applies that changed something visible. It moves by exactly
// one per such Apply and never for a duplicate, stale or no-op event. It
// moves with every company's activity: show a viewer of one company
// CompanySeq instead.
func (b *Board) Seq() uint64 { return b.seq }

// Apply applies one event and reports what changed, sorted by Kind, then
// Company, then Key, each entity at most once. It returns nil when nothing
// visible changed; Seq then stays put.
//
// Time first. The event's time is TrustTime(e.At, e.Received,
// Options.MaxSkew): an event whose time cannot be trusted at all is ignored,
// one whose claim is absurd takes its receive time. That time orders the
// event's fact against others about the same entity. The company's clock is
// the receive time (the trusted time when there is none), and only the
// event's own company's: before the fact, Apply lets that company's time
// pass (a Tick: every company's). Its day rolls over when the clock falls on
// a later day in the company's time zone (the first event of a company sets
// its first day, and reports ChangeDay too), and its calls, conferences and
// tombstones that received nothing for their TTL expire. Time never moves
// backwards.
func (b *Board) Apply(e Event) []Change {
	at, fix := TrustTime(e.At, e.Received, b.opts.MaxSkew)
	if fix != TimeOK {
		b.counters.TimeFixes[fix]++
	}
	if fix == TimeRefused {
		return nil
	}
	now := at
	if believable(e.Received) {
		now = e.Received.UTC()
	}
	if e.Tick {
		for _, t := range b.tenants {
			b.advance(t, now)
		}
		return b.commit(at)
	}
	if e.QueueSettings != nil {
		b.applyQueueSettings(e.QueueSettings)
		return b.commit(at)
	}
	b.advance(b.tenant(e.Company), now)
	switch {
	case e.Call != nil:
		b.applyCall(e.Company, at, e.Call)
	case e.CallEnd != nil:
		b.applyCallEnd(e.Company, at, e.CallEnd)
	case e.Telephony != nil:
		b.applyTelephony(e.Company, at, e.Telephony)
	case e.Presence != nil:
		b.applyPresence(e.Company, at, e.Presence)
	case e.Conference != nil:
		b.applyConference(e.Company, at, e.Conference)
	case e.ConferenceJoin != nil:
		b.applyConferenceJoin(e.Company, at, e.ConferenceJoin)
	case e.ConfPresence != nil:
		b.applyConfPresence(e.Company, at, e.ConfPresence)
	case e.Completed != nil:
		b.applyCompleted(e.Company, at, e.Completed)
	case e.Alert != nil:
		b.applyAlert(e.Company, at, e.Alert)
	}
	return b.commit(at)
}

// User returns a deep copy of the user (company, extension).
func (b *Board) User(company, extension string) (User, bool) {
	u, ok := b.users[key{company, extension}]
	if !ok {
		return User{}, false
	}
	c := u.User.clone()
	b.opts.Directory.fillUser(&c)
	return c, true
}

// Call returns a deep copy of the active call (company, id).
func (b *Board) Call(company, id string) (Call, bool) {
	c, ok := b.calls[key{company, id}]
	if !ok {
		return Call{}, false
	}
	cc := c.Call.clone()
	b.opts.Directory.fillCall(&cc)
	return cc, true
}

// Conference returns a deep copy of the live conference (company, id).
func (b *Board) Conference(company, id string) (Conference, bool) {
	c, ok := b.confs[key{company, id}]
	if !ok {
		return Conference{}, false
	}
	cc := c.Conference.clone()
	b.opts.Directory.fillConference(&cc)
	return cc, true
}

// Queue returns the figures of the queue (company, name).
func (b *Board) Queue(company, name string) (QueueStats, bool) {
	q, ok := b.queues[key{company, name}]
	if !ok {
		return QueueStats{}, false
	}
	qq := q.clone()
	b.opts.Directory.fillQueue(&qq)
	return qq, true
}

// Queues returns every queue's figures, sorted by company then name.
func (b *Board) Queues() []QueueStats {
	out := make([]QueueStats, 0, len(b.queues))
	for _, k := range slices.SortedFunc(maps.Keys(b.queues), compareKeys) {
		qq := b.queues[k].clone()
		b.opts.Directory.fillQueue(&qq)
		out = append(out, qq)
	}
	return out
}

// Agent returns today's figures of the agent (company, extension).
func (b *Board) Agent(company, extension string) (AgentStats, bool) {
	a, ok := b.agents[key{company, extension}]
	if !ok {
		return AgentStats{}, false
	}
	return *a, true
}

// Snapshot returns a deep copy of the whole board, sorted as documented on
// Snapshot.
func (b *Board) Snapshot() Snapshot {
	s := Snapshot{
		Seq:         b.seq,
		Day:         b.latestDay(),
		Companies:   b.companies(),
		Users:       make([]User, 0, len(b.users)),
		Calls:       make([]Call, 0, len(b.calls)),
		Conferences: make([]Conference, 0, len(b.confs)),
		Queues:      make([]QueueStats, 0, len(b.queues)),
		Agents:      make([]AgentStats, 0, len(b.agents)),
	}
	for _, u := range b.users {
		c := u.User.clone()
		b.opts.Directory.fillUser(&c)
		s.Users = append(s.Users, c)
	}
	slices.SortFunc(s.Users, func(x, y User) int {
		return compareKeys(key{x.Company, x.Extension}, key{y.Company, y.Extension})
	})
	for _, c := range b.calls {
		cc := c.Call.clone()
		b.opts.Directory.fillCall(&cc)
		s.Calls = append(s.Calls, cc)
	}
	slices.SortFunc(s.Calls, func(x, y Call) int {
		return cmp.Or(x.StartedAt.Compare(y.StartedAt), strings.Compare(x.ID, y.ID), strings.Compare(x.Company, y.Company))
	})
	for _, c := range b.confs {
		cc := c.Conference.clone()
		b.opts.Directory.fillConference(&cc)
		s.Conferences = append(s.Conferences, cc)
	}
	slices.SortFunc(s.Conferences, func(x, y Conference) int {
		return cmp.Or(x.StartedAt.Compare(y.StartedAt), strings.Compare(x.ID, y.ID), strings.Compare(x.Company, y.Company))
	})
	for _, q := range b.queues {
		qq := q.clone()
		b.opts.Directory.fillQueue(&qq)
		s.Queues = append(s.Queues, qq)
	}
	slices.SortFunc(s.Queues, func(x, y QueueStats) int {
		return compareKeys(key{x.Company, x.Name}, key{y.Company, y.Name})
	})
	for _, a := range b.agents {
		s.Agents = append(s.Agents, *a)
	}
	slices.SortFunc(s.Agents, func(x, y AgentStats) int {
		return compareKeys(key{x.Company, x.Extension}, key{y.Company, y.Extension})
	})
	s.QueueTotals = b.QueueTotals()
	return s
}

func (q *QueueStats) clone() QueueStats {
	c := *q
	c.WaitingCalls, c.Intraday = cloneOrNil(c.WaitingCalls), cloneOrNil(c.Intraday)
	return c
}

// cloneOrNil copies s, returning nil for an empty slice so that "none" has a
// single representation (and a single encoding).
func cloneOrNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
