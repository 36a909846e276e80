package board

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// before is an entity's value as it was when the current Apply first touched
// it. Stored slices are never mutated in place (every update assigns a new
// slice), so a shallow copy is a faithful "before".
type before[T any] struct {
	v       T
	existed bool
	// forced reports the entity even if its own value is unchanged: a user's
	// tile and a queue's row show their calls.
	forced bool
}

// txn records what one Apply touched, so that commit can compare before with
// after and report exactly what changed.
type txn struct {
	users  map[key]before[User]
	calls  map[key]before[callRec]
	confs  map[key]before[Conference]
	queues map[key]before[QueueStats]
	agents map[key]before[AgentStats]
	days   map[string]struct{} // companies whose day rolled over
}

func newTxn() txn {
	return txn{
		users:  make(map[key]before[User]),
		calls:  make(map[key]before[callRec]),
		confs:  make(map[key]before[Conference]),
		queues: make(map[key]before[QueueStats]),
		agents: make(map[key]before[AgentStats]),
		days:   make(map[string]struct{}),
	}
}

// resetMap empties m for the next Apply. A map that grew large (a day
// rollover touches every queue and agent) is replaced rather than cleared,
// because clearing costs in proportion to its capacity on every later Apply.
func resetMap[V any](m *map[key]V) {
	if len(*m) > 64 {
		*m = make(map[key]V)
		return
	}
	clear(*m)
}

func (t *txn) reset() {
	resetMap(&t.users)
	resetMap(&t.calls)
	resetMap(&t.confs)
	resetMap(&t.queues)
	resetMap(&t.agents)
	clear(t.days)
}

func (b *Board) touchUser(k key, force bool) {
	bf, seen := b.tx.users[k]
	if !seen {
		if u, ok := b.users[k]; ok {
			bf = before[User]{v: u.User, existed: true}
		}
	}
	bf.forced = bf.forced || force
	b.tx.users[k] = bf
}

func (b *Board) touchCall(k key) {
	if _, seen := b.tx.calls[k]; seen {
		return
	}
	var bf before[callRec]
	if c, ok := b.calls[k]; ok {
		bf = before[callRec]{v: *c, existed: true}
	}
	b.tx.calls[k] = bf
}

func (b *Board) touchConference(k key) {
	if _, seen := b.tx.confs[k]; seen {
		return
	}
	var bf before[Conference]
	if c, ok := b.confs[k]; ok {
		bf = before[Conference]{v: c.Conference, existed: true}
	}
	b.tx.confs[k] = bf
}

func (b *Board) touchQueue(k key, force bool) {
	bf, seen := b.tx.queues[k]
	if !seen {
		if q, ok := b.queues[k]; ok {
			bf = before[QueueStats]{v: *q, existed: true}
		}
	}
	bf.forced = bf.forced || force
	b.tx.queues[k] = bf
}

func (b *Board) touchAgent(k key) {
	if _, seen := b.tx.agents[k]; seen {
		return
	}
	var bf before[AgentStats]
	if a, ok := b.agents[k]; ok {
		bf = before[AgentStats]{v: *a, existed: true}
	}
	b.tx.agents[k] = bf
}

// commit recomputes what touched entities derive from others, compares every
// touched entity with its before value, bumps Seq when anything differs and
// returns the sorted changes. The sequence of every company with a change
// moves too.
func (b *Board) commit(at time.Time) []Change {
	var out []Change

	// Calls first: a changed call forces its users' and queues' changes.
	for k, bf := range b.tx.calls {
		c, ok := b.calls[k]
		if ok == bf.existed && (!ok || callEqual(&bf.v.Call, &c.Call)) {
			continue
		}
		out = append(out, Change{Kind: ChangeCall, Company: k.company, Key: k.id, Removed: !ok})
		for _, ext := range bf.v.Parties {
			b.touchUser(key{k.company, ext}, true)
		}
		if bf.v.Queue != "" {
			b.touchQueue(key{k.company, bf.v.Queue}, true)
		}
		if ok {
			for _, ext := range c.Parties {
				b.touchUser(key{k.company, ext}, true)
			}
			if c.Queue != "" {
				b.touchQueue(key{k.company, c.Queue}, true)
			}
		}
	}

	for k, bf := range b.tx.confs {
		c, ok := b.confs[k]
		if ok == bf.existed && (!ok || conferenceEqual(&bf.v, &c.Conference)) {
			continue
		}
		out = append(out, Change{Kind: ChangeConference, Company: k.company, Key: k.id, Removed: !ok})
	}

	// Users before queues: a member whose tile changes class (free,
	// talking, ringing, away, offline) changes their queues' counts.
	for k, bf := range b.tx.users {
		u := b.users[k]
		b.derive(u)
		tile, _ := u.State()
		was := TileUnknown
		if bf.existed {
			was, _ = bf.v.State()
		}
		if !bf.existed || was != tile {
			u.Since = at
		}
		if from, to := classOf(was), classOf(tile); from != to {
			for name := range b.memberOf[k] {
				qk := key{k.company, name}
				q, ok := b.queues[qk]
				if !ok {
					continue
				}
				b.touchQueue(qk, false)
				q.count(from, -1)
				q.count(to, 1)
			}
		}
		if bf.forced || !bf.existed || !userEqual(&bf.v, &u.User) {
			out = append(out, Change{Kind: ChangeUser, Company: k.company, Key: k.id})
		}
	}

	for k, bf := range b.tx.queues {
		q, ok := b.queues[k]
		if !ok {
			continue // named by a call, but beyond the company's Limits.Queues
		}
		b.deriveQueue(k, q)
		if bf.forced || !bf.existed || !queueEqual(&bf.v, q) {
			out = append(out, Change{Kind: ChangeQueue, Company: k.company, Key: k.id})
		}
	}

	for k, bf := range b.tx.agents {
		if a := b.agents[k]; !bf.existed || bf.v != *a {
			out = append(out, Change{Kind: ChangeAgent, Company: k.company, Key: k.id})
		}
	}

	for company := range b.tx.days {
		out = append(out, Change{Kind: ChangeDay, Company: company})
	}
	b.tx.reset()

	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, func(x, y Change) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), strings.Compare(x.Company, y.Company), strings.Compare(x.Key, y.Key))
	})
	b.seq++
	var buf [4]string // an Apply changes one company, a Tick maybe a few
	moved := buf[:0]
	for _, c := range out {
		if !slices.Contains(moved, c.Company) {
			moved = append(moved, c.Company)
			b.tenant(c.Company).seq++
		}
	}
	return out
}
