package board

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// Defaults of a queue's Formula when the configuration says nothing.
const (
	DefaultSLThreshold  = 20 * time.Second
	DefaultShortAbandon = 5 * time.Second
)

// Service level bases: what the service level divides by.
const (
	// BasisOffered: answered within the threshold ÷ (answered + abandoned),
	// short abandons left out. The default.
	BasisOffered = "offered"
	// BasisAnswered: answered within the threshold ÷ answered; abandons
	// left out.
	BasisAnswered = "answered"
)

// intradayStep is the length of an Interval of QueueStats.Intraday.
const intradayStep = 15 * time.Minute

// rollingSpan is the longest rolling window (QueueStats.Last60).
const rollingSpan = 60 * time.Minute

// Formula says how a queue's calls are classified when counted: answered
// within Threshold (≤) counts towards the service level; a missed call
// whose caller waited less than ShortAbandon is a short abandon (0: none
// is), counted apart and left out of the service level and abandon rate;
// Basis is BasisOffered or BasisAnswered. A call is classified by the
// formula in force when it is counted.
type Formula struct {
	Threshold    time.Duration
	ShortAbandon time.Duration
	Basis        string
}

// DefaultFormula is the formula of a queue the settings do not name.
func DefaultFormula() Formula {
	return Formula{Threshold: DefaultSLThreshold, ShortAbandon: DefaultShortAbandon, Basis: BasisOffered}
}

func (f Formula) valid() Formula {
	if f.Threshold <= 0 {
		f.Threshold = DefaultSLThreshold
	}
	f.ShortAbandon = max(f.ShortAbandon, 0)
	if f.Basis != BasisAnswered {
		f.Basis = BasisOffered
	}
	return f
}

// QueueSetting is the configuration of one queue that changes its figures:
// its formula and its configured members. Company "" applies the formula
// to the queue of that name in every company without a setting of its
// own; members need a company (a setting without one names none).
type QueueSetting struct {
	Company string
	Name    string
	Formula Formula
	// Members are extensions that belong to the queue whether or not a
	// call of the queue rang them today, beside the learned members.
	Members []string
}

// QueueSettings replaces every queue's settings at once (an entry of the
// log, so that every node classifies calls alike). Queues it no longer
// names return to DefaultFormula and lose their configured members.
type QueueSettings struct {
	Queues []QueueSetting
}

// NormalizeQueueSettings returns in as the board keeps it: sorted by
// company then name, the last of duplicates kept, formulas within bounds,
// members sorted and unique (none without a company).
func NormalizeQueueSettings(in []QueueSetting) []QueueSetting {
	byKey := make(map[key]QueueSetting, len(in))
	for _, s := range in {
		if s.Name == "" {
			continue
		}
		s.Formula = s.Formula.valid()
		s.Members = slices.Compact(slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(s.Members), func(e string) bool { return e == "" }))))
		if s.Company == "" || len(s.Members) == 0 {
			s.Members = nil
		}
		byKey[key{s.Company, s.Name}] = s
	}
	out := make([]QueueSetting, 0, len(byKey))
	for _, k := range slices.SortedFunc(maps.Keys(byKey), compareKeys) {
		out = append(out, byKey[k])
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// SameQueueSettings reports whether a and b are the same settings once
// normalized: a configuration whose settings are the board's needs no new
// log entry.
func SameQueueSettings(a, b []QueueSetting) bool {
	return slices.EqualFunc(NormalizeQueueSettings(a), NormalizeQueueSettings(b), func(x, y QueueSetting) bool {
		return x.Company == y.Company && x.Name == y.Name && x.Formula == y.Formula && slices.Equal(x.Members, y.Members)
	})
}

// QueueSettings returns the settings the board applies (normalized).
func (b *Board) QueueSettings() []QueueSetting {
	out := slices.Clone(b.settings)
	for i := range out {
		out[i].Members = slices.Clone(out[i].Members)
	}
	return out
}

// Period are a queue's counted calls over a span of time: today, a rolling
// window, a 15-minute interval.
type Period struct {
	Answered int
	// AnsweredInSL are the answered calls whose caller waited at most the
	// formula's threshold.
	AnsweredInSL int
	// Missed are the calls nobody answered: Abandoned plus ShortAbandoned.
	Missed         int
	Abandoned      int
	ShortAbandoned int
	WaitTotal      time.Duration // over answered calls
	TalkTotal      time.Duration // over answered calls
	HoldTotal      time.Duration // over answered calls
}

// Offered is every call counted: answered or missed.
func (p Period) Offered() int { return p.Answered + p.Missed }

// ServiceLevel is the percentage of calls answered within the threshold by
// basis (see BasisOffered, BasisAnswered); ok is false when there is no
// call to divide by.
func (p Period) ServiceLevel(basis string) (pct float64, ok bool) {
	den := p.Answered + p.Abandoned
	if basis == BasisAnswered {
		den = p.Answered
	}
	if den == 0 {
		return 0, false
	}
	return 100 * float64(p.AnsweredInSL) / float64(den), true
}

// AbandonRate is the percentage of abandons among the answered and
// abandoned calls, short abandons left out; ok is false when there are
// none.
func (p Period) AbandonRate() (pct float64, ok bool) {
	den := p.Answered + p.Abandoned
	if den == 0 {
		return 0, false
	}
	return 100 * float64(p.Abandoned) / float64(den), true
}

// SpeedOfAnswer is the average wait of answered calls (ASA); zero when none.
func (p Period) SpeedOfAnswer() time.Duration { return avg(p.WaitTotal, p.Answered) }

// AverageTalk is the average talk time of answered calls; zero when none.
func (p Period) AverageTalk() time.Duration { return avg(p.TalkTotal, p.Answered) }

func avg(total time.Duration, n int) time.Duration {
	if n == 0 {
		return 0
	}
	return total / time.Duration(n)
}

// add counts one completed call into p, classified by f.
func (p *Period) add(e *CompletedCall, f Formula) {
	if e.Missed {
		p.Missed++
		if e.Wait < f.ShortAbandon {
			p.ShortAbandoned++
		} else {
			p.Abandoned++
		}
		return
	}
	p.Answered++
	if e.Wait <= f.Threshold {
		p.AnsweredInSL++
	}
	p.WaitTotal += e.Wait
	p.TalkTotal += e.Talk
	p.HoldTotal += e.Hold
}

func (p *Period) plus(o Period) {
	p.Answered += o.Answered
	p.AnsweredInSL += o.AnsweredInSL
	p.Missed += o.Missed
	p.Abandoned += o.Abandoned
	p.ShortAbandoned += o.ShortAbandoned
	p.WaitTotal += o.WaitTotal
	p.TalkTotal += o.TalkTotal
	p.HoldTotal += o.HoldTotal
}

// Interval is one 15-minute interval of a queue's day, by the time calls
// ended: Start is its first instant (in the company's time zone's day).
type Interval struct {
	Start time.Time
	// Clock is Start on the company's clock ("09:15"), for charts.
	Clock string
	Period
}

// WaitingCall is a caller waiting in a queue: the call, who calls, and
// since when.
type WaitingCall struct {
	ID     string
	Caller Party
	Since  time.Time
}

// minute counts the calls of a queue that ended in one minute, for the
// rolling windows.
type minute struct {
	Start time.Time
	Period
}

// agentClass is what a member's tile counts as among a queue's agents.
type agentClass uint8

const (
	classFree agentClass = iota
	classTalking
	classRinging
	classAway
	classOffline
)

func classOf(tile TileState) agentClass {
	switch tile {
	case TileAvailable:
		return classFree
	case TileTalking, TileRT:
		return classTalking
	case TileRinging:
		return classRinging
	case TileDND, TileAway:
		return classAway
	default:
		return classOffline
	}
}

// count moves a queue's agent counts by delta for one member of class c.
func (q *QueueStats) count(c agentClass, delta int) {
	switch c {
	case classFree:
		q.Free += delta
	case classTalking:
		q.AgentsTalking += delta
	case classRinging:
		q.AgentsRinging += delta
	case classAway:
		q.AgentsAway += delta
	default:
		q.AgentsOffline += delta
	}
	q.Members += delta
}

// memberClass is the class of the user's tile as of the last commit; a
// configured member the board has not heard of is offline.
func (b *Board) memberClass(uk key) agentClass {
	u, ok := b.users[uk]
	if !ok {
		return classOffline
	}
	tile, _ := u.State()
	return classOf(tile)
}

// formulaFor is the formula of queue k: its company's setting, else the
// setting for every company, else DefaultFormula.
func (b *Board) formulaFor(k key) Formula {
	for _, c := range [2]string{k.company, ""} {
		i, found := slices.BinarySearchFunc(b.settings, key{c, k.id}, func(s QueueSetting, k key) int {
			return compareKeys(key{s.Company, s.Name}, k)
		})
		if found {
			return b.settings[i].Formula
		}
		if k.company == "" {
			break
		}
	}
	return DefaultFormula()
}

// applyQueueSettings replaces the settings: every queue takes its formula,
// configured queues are created (within Limits.Queues), and the members of
// every queue are re-indexed.
func (b *Board) applyQueueSettings(e *QueueSettings) {
	b.settings = NormalizeQueueSettings(e.Queues)
	b.configured = make(map[key]map[string]struct{})
	for _, s := range b.settings {
		if s.Company == "" {
			continue
		}
		k := key{s.Company, s.Name}
		b.tenant(s.Company)
		b.touchQueue(k, false)
		if b.ensureQueue(k) == nil {
			continue
		}
		if len(s.Members) > 0 {
			b.configured[k] = make(map[string]struct{}, len(s.Members))
			for _, ext := range s.Members {
				b.configured[k][ext] = struct{}{}
			}
		}
	}
	for k, q := range b.queues {
		if f := b.formulaFor(k); f != q.Formula {
			b.touchQueue(k, false)
			q.Formula = f
		}
	}
	b.reindexMembers("", true)
}

// reindexMembers rebuilds who is a member of which queue (learned today or
// configured) and recounts the agents of every queue, of one company or of
// all. A queue whose counts change is touched.
func (b *Board) reindexMembers(company string, all bool) {
	mine := func(c string) bool { return all || c == company }
	for k := range b.memberOf {
		if mine(k.company) {
			delete(b.memberOf, k)
		}
	}
	link := func(m map[key]map[string]struct{}) {
		for k, set := range m {
			if !mine(k.company) {
				continue
			}
			for ext := range set {
				uk := key{k.company, ext}
				if b.memberOf[uk] == nil {
					b.memberOf[uk] = make(map[string]struct{})
				}
				b.memberOf[uk][k.id] = struct{}{}
			}
		}
	}
	link(b.members)
	link(b.configured)
	for k, q := range b.queues {
		if !mine(k.company) {
			continue
		}
		var n QueueStats
		for ext := range b.members[k] {
			n.count(b.memberClass(key{k.company, ext}), 1)
		}
		for ext := range b.configured[k] {
			if _, learned := b.members[k][ext]; !learned {
				n.count(b.memberClass(key{k.company, ext}), 1)
			}
		}
		if n.Members != q.Members || n.Free != q.Free || n.AgentsTalking != q.AgentsTalking ||
			n.AgentsRinging != q.AgentsRinging || n.AgentsAway != q.AgentsAway || n.AgentsOffline != q.AgentsOffline {
			b.touchQueue(k, false)
			q.Members, q.Free, q.AgentsTalking, q.AgentsRinging, q.AgentsAway, q.AgentsOffline =
				n.Members, n.Free, n.AgentsTalking, n.AgentsRinging, n.AgentsAway, n.AgentsOffline
		}
	}
}

// isMember reports whether ext is a member of queue k, learned or configured.
func (b *Board) isMember(k key, ext string) bool {
	if _, ok := b.members[k][ext]; ok {
		return true
	}
	_, ok := b.configured[k][ext]
	return ok
}

// countQueueCall adds a completed call of queue k to today's figures, its
// interval and the rolling windows. ended is its trusted end.
func (b *Board) countQueueCall(t *tenant, k key, q *QueueStats, e *CompletedCall, ended time.Time) {
	q.Period.add(e, q.Formula)

	start := IntervalStart(ended, t.loc)
	iv := slices.Clone(q.Intraday) // stored slices are never mutated in place
	i, found := slices.BinarySearchFunc(iv, start, func(x Interval, s time.Time) int { return x.Start.Compare(s) })
	if !found {
		iv = slices.Insert(iv, i, Interval{Start: start, Clock: start.In(t.loc).Format("15:04")})
	}
	iv[i].add(e, q.Formula)
	q.Intraday = iv

	m := ended.Truncate(time.Minute)
	if !m.After(t.now.Truncate(time.Minute).Add(-rollingSpan)) {
		return // too old for any window
	}
	ms := slices.Clone(t.recent[k.id])
	j, found := slices.BinarySearchFunc(ms, m, func(x minute, s time.Time) int { return x.Start.Compare(s) })
	if !found {
		ms = slices.Insert(ms, j, minute{Start: m})
	}
	ms[j].add(e, q.Formula)
	t.recent[k.id] = ms
	b.refreshWindows(t, k.id)
}

// IntervalStart is the start of the 15-minute interval (of
// QueueStats.Intraday) of t's day in loc that t falls in, in UTC.
func IntervalStart(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	n := t.Sub(midnight) / intradayStep
	return midnight.Add(n * intradayStep).UTC()
}

// refreshWindows forgets the queue's minutes older than the longest window
// and recomputes its rolling windows, as of the company's clock's minute:
// a window of d holds the minutes that started after that minute less d.
func (b *Board) refreshWindows(t *tenant, name string) {
	now := t.now.Truncate(time.Minute)
	ms := t.recent[name]
	cut := 0
	for cut < len(ms) && !ms[cut].Start.After(now.Add(-rollingSpan)) {
		cut++
	}
	if cut > 0 {
		ms = cloneOrNil(ms[cut:])
		if ms == nil {
			delete(t.recent, name)
		} else {
			t.recent[name] = ms
		}
	}
	var w [3]Period
	for _, m := range ms {
		for i, d := range [3]time.Duration{15 * time.Minute, 30 * time.Minute, 60 * time.Minute} {
			if m.Start.After(now.Add(-d)) {
				w[i].plus(m.Period)
			}
		}
	}
	k := key{t.company, name}
	q, ok := b.queues[k]
	if !ok {
		return
	}
	if q.Last15 != w[0] || q.Last30 != w[1] || q.Last60 != w[2] {
		b.touchQueue(k, false)
		q.Last15, q.Last30, q.Last60 = w[0], w[1], w[2]
	}
}

// roll recomputes the company's rolling windows when its clock entered a
// new minute.
func (b *Board) roll(t *tenant) {
	m := t.now.Truncate(time.Minute)
	if m.Equal(t.minute) {
		return
	}
	t.minute = m
	for _, name := range slices.Sorted(maps.Keys(t.recent)) {
		b.refreshWindows(t, name)
	}
}

// waitingCalls lists queue k's callers waiting now, longest first.
func (b *Board) waitingCalls(k key) []WaitingCall {
	var out []WaitingCall
	for id := range b.queueCalls[k] {
		c := b.calls[key{k.company, id}]
		if c.State != LegRinging {
			continue
		}
		w := WaitingCall{ID: c.ID, Since: c.StartedAt}
		if len(c.Legs) > 0 {
			w.Caller = c.Legs[0].Caller
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(x, y WaitingCall) int { return cmp.Or(x.Since.Compare(y.Since), strings.Compare(x.ID, y.ID)) })
	return out
}

// queueEqual compares two queues' figures.
func queueEqual(a, b *QueueStats) bool {
	return a.Company == b.Company && a.Name == b.Name && a.Waiting == b.Waiting && a.OldestWait.Equal(b.OldestWait) &&
		a.Talking == b.Talking && a.Members == b.Members && a.Free == b.Free && a.AgentsTalking == b.AgentsTalking &&
		a.AgentsRinging == b.AgentsRinging && a.AgentsAway == b.AgentsAway && a.AgentsOffline == b.AgentsOffline &&
		a.Formula == b.Formula && a.Period == b.Period && a.Last15 == b.Last15 && a.Last30 == b.Last30 && a.Last60 == b.Last60 &&
		slices.EqualFunc(a.WaitingCalls, b.WaitingCalls, func(x, y WaitingCall) bool {
			return x.ID == y.ID && x.Caller == y.Caller && x.Since.Equal(y.Since)
		}) &&
		slices.EqualFunc(a.Intraday, b.Intraday, func(x, y Interval) bool { return x.Start.Equal(y.Start) && x.Clock == y.Clock && x.Period == y.Period }) &&
		a.Alert.equal(b.Alert)
}
