package board

import "maps"

// Limits bound, per company, what events can make the board keep, so that
// one company's volume (or one hostile signed integration) never costs the
// others memory or time. Zero fields take the defaults below. When a limit
// is reached the event's other facts still apply; only the new entity is
// not created (a tombstone instead evicts the oldest), and the hit is
// counted in Board.Counters.
type Limits struct {
	// Users per company (default 20,000). A party or participant that
	// would be a new user beyond it names no user.
	Users int
	// Calls: active calls per company (default 5,000). A new call beyond
	// it is not shown.
	Calls int
	// Conferences: live conferences per company (default 1,000).
	Conferences int
	// Tombstones: ended call ids remembered per company (default 50,000;
	// see Options.TombstoneTTL). At the limit the oldest eighth are
	// forgotten.
	Tombstones int
	// QueueMembers: learned (queue, member) pairs per company for the day
	// (default 20,000).
	QueueMembers int
	// Devices: telephony devices (sourceId) remembered per user (default
	// 8). A report from another device beyond it replaces the device
	// reported longest ago.
	Devices int
}

// Default limits.
const (
	DefaultMaxUsers        = 20_000
	DefaultMaxCalls        = 5_000
	DefaultMaxConferences  = 1_000
	DefaultMaxTombstones   = 50_000
	DefaultMaxQueueMembers = 20_000
	DefaultMaxDevices      = 8
)

func (l Limits) withDefaults() Limits {
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.Users, DefaultMaxUsers)
	set(&l.Calls, DefaultMaxCalls)
	set(&l.Conferences, DefaultMaxConferences)
	set(&l.Tombstones, DefaultMaxTombstones)
	set(&l.QueueMembers, DefaultMaxQueueMembers)
	set(&l.Devices, DefaultMaxDevices)
	return l
}

// Limit names one of Limits' bounds, as counted in Counters.
type Limit string

const (
	LimitUsers        Limit = "users"
	LimitCalls        Limit = "calls"
	LimitConferences  Limit = "conferences"
	LimitTombstones   Limit = "tombstones"
	LimitQueueMembers Limit = "queue_members"
	LimitDevices      Limit = "devices"
)

// Counters are what the board refused or corrected since it was created
// (they are not part of MarshalBinary: a restarted node counts again from
// zero, like any process metric).
type Counters struct {
	// TimeFixes counts events whose time TrustTime corrected or refused,
	// by TimeFix (never TimeOK).
	TimeFixes map[TimeFix]uint64
	// LimitHits counts the times a limit stopped an entity being created
	// (or evicted tombstones), by Limit.
	LimitHits map[Limit]uint64
}

// Counters returns a copy of the board's counters.
func (b *Board) Counters() Counters {
	return Counters{TimeFixes: maps.Clone(b.counters.TimeFixes), LimitHits: maps.Clone(b.counters.LimitHits)}
}

func (b *Board) hit(l Limit) { b.counters.LimitHits[l]++ }
