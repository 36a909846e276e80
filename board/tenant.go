package board

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// tenant is what the board keeps per company so that one company's clock,
// day and volume never reach another's: its sequence, its day in its own
// time zone, its clock (the latest receive time of its events and of the
// ticks), the index of its calls, conferences and tombstones for expiry,
// and the counts its Limits bound.
type tenant struct {
	company string
	loc     *time.Location

	seq    uint64
	day    string    // YYYY-MM-DD in loc; "" before the first event
	dayEnd time.Time // when the day after day starts; derived from day
	now    time.Time // the company's clock; never moves backwards

	calls map[string]struct{}  // active call ids
	confs map[string]struct{}  // live conference ids
	tombs map[string]time.Time // ended call id → its receive time
	// confEnds: conferences a progress event listing nobody ended.
	confEnds map[string]confEnd
	users    int
	// members counts learned (queue, member) pairs; completed today's
	// counted records.
	members, completed int
	// queues are the company's queue names, sorted (within Limits.Queues).
	queues []string

	// recent are the queues' calls of the last hour by minute (for the
	// rolling windows), minute the clock's minute they were computed for.
	recent map[string][]minute
	minute time.Time

	// Lower bounds of the oldest call, conference and tombstone receive
	// time, so that expiry scans only when something can expire. They never
	// change results, only how often a scan runs.
	callFloor, confFloor, tombFloor floor
}

// addQueue records a new queue of the company.
func (t *tenant) addQueue(name string) {
	if i, found := slices.BinarySearch(t.queues, name); !found {
		t.queues = slices.Insert(t.queues, i, name)
	}
}

// confEnd is when a conference ended: At, the ending event's trusted time
// (older events for the conference change nothing), and Seen, the
// company's clock then (it is forgotten after Options.ConferenceTTL).
type confEnd struct {
	At, Seen time.Time
}

// CompanyState is one company's sequence and day (Snapshot.Companies).
type CompanyState struct {
	Company string
	// Seq counts the Applies that changed something of this company; a
	// viewer of one company is shown this, never the board's Seq, which
	// moves with every company's activity.
	Seq uint64
	// Day is today's date (YYYY-MM-DD) in the company's time zone: the
	// window of its daily figures.
	Day string
}

// tenant returns the company's record, creating it.
func (b *Board) tenant(company string) *tenant {
	t, ok := b.tenants[company]
	if !ok {
		t = &tenant{
			company:  company,
			loc:      b.location(company),
			calls:    make(map[string]struct{}),
			confs:    make(map[string]struct{}),
			tombs:    make(map[string]time.Time),
			confEnds: make(map[string]confEnd),
			recent:   make(map[string][]minute),
		}
		b.tenants[company] = t
	}
	return t
}

// location is the company's time zone: Options.Locations, else
// Options.Location.
func (b *Board) location(company string) *time.Location {
	if l := b.opts.Locations[company]; l != nil {
		return l
	}
	return b.opts.Location
}

// CompanySeq is the company's sequence (see CompanyState.Seq); 0 for a
// company the board has not heard of.
func (b *Board) CompanySeq(company string) uint64 {
	if t, ok := b.tenants[company]; ok {
		return t.seq
	}
	return 0
}

// CompanyDay is today's date in the company's time zone (see
// CompanyState.Day); "" for a company the board has not heard of.
func (b *Board) CompanyDay(company string) string {
	if t, ok := b.tenants[company]; ok {
		return t.day
	}
	return ""
}

// companies lists every company's state, sorted by company.
func (b *Board) companies() []CompanyState {
	out := make([]CompanyState, 0, len(b.tenants))
	for _, name := range slices.Sorted(maps.Keys(b.tenants)) {
		t := b.tenants[name]
		out = append(out, CompanyState{Company: name, Seq: t.seq, Day: t.day})
	}
	return out
}

// latestDay is the latest of the companies' days, the board-wide Day kept
// for viewers of every company.
func (b *Board) latestDay() string {
	var d string
	for _, t := range b.tenants {
		d = max(d, t.day)
	}
	return d
}

// advance lets the company's time pass to now: its day rolls over and its
// calls, conferences and tombstones outlive their TTL. Time never moves
// backwards.
func (b *Board) advance(t *tenant, now time.Time) {
	if now.After(t.now) {
		t.now = now
	}
	b.rollDay(t)
	b.expire(t)
	b.roll(t)
}

// expire removes the company's calls, conferences and tombstones that have
// received nothing for their TTL.
func (b *Board) expire(t *tenant) {
	if cutoff := t.now.Add(-b.opts.CallTTL); t.callFloor.ok && t.callFloor.t.Before(cutoff) {
		t.callFloor = floor{}
		for id := range t.calls {
			k := key{t.company, id}
			if c := b.calls[k]; c.SeenAt.Before(cutoff) {
				b.removeCall(k)
			} else {
				t.callFloor.include(c.SeenAt)
			}
		}
	}
	if cutoff := t.now.Add(-b.opts.ConferenceTTL); t.confFloor.ok && t.confFloor.t.Before(cutoff) {
		t.confFloor = floor{}
		for id := range t.confs {
			k := key{t.company, id}
			if c := b.confs[k]; c.SeenAt.Before(cutoff) {
				b.removeConference(k)
			} else {
				t.confFloor.include(c.SeenAt)
			}
		}
		for id, end := range t.confEnds {
			if end.Seen.Before(cutoff) {
				delete(t.confEnds, id)
			} else {
				t.confFloor.include(end.Seen)
			}
		}
	}
	if cutoff := t.now.Add(-b.opts.TombstoneTTL); t.tombFloor.ok && t.tombFloor.t.Before(cutoff) {
		t.tombFloor = floor{}
		for id, at := range t.tombs {
			if at.Before(cutoff) {
				delete(t.tombs, id)
			} else {
				t.tombFloor.include(at)
			}
		}
	}
}

// tomb remembers that the company's call id ended, at the company's clock.
// At Limits.Tombstones the oldest eighth are forgotten at once (so that
// eviction costs O(1) per tombstone amortised), and the hit is counted:
// forgetting the oldest ended calls is the least harm, as late updates come
// soon after the end.
func (b *Board) tomb(t *tenant, id string) {
	if _, ok := t.tombs[id]; !ok && len(t.tombs) >= b.opts.Limits.Tombstones {
		b.hit(LimitTombstones)
		type entry struct {
			id string
			at time.Time
		}
		all := make([]entry, 0, len(t.tombs))
		for id, at := range t.tombs {
			all = append(all, entry{id, at})
		}
		slices.SortFunc(all, func(x, y entry) int { return cmp.Or(x.at.Compare(y.at), cmp.Compare(x.id, y.id)) })
		for _, e := range all[:max(1, len(all)/8)] {
			delete(t.tombs, e.id)
		}
		t.tombFloor = floor{}
		for _, at := range t.tombs {
			t.tombFloor.include(at)
		}
	}
	if at, ok := t.tombs[id]; !ok || t.now.After(at) {
		t.tombs[id] = t.now
	}
	t.tombFloor.include(t.tombs[id])
}

// ended reports whether the company's call id has a live tombstone.
func (b *Board) ended(k key) bool {
	t, ok := b.tenants[k.company]
	if !ok {
		return false
	}
	_, ended := t.tombs[k.id]
	return ended
}
