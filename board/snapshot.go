package board

import "time"

// Telephony states reported by the PBX (presence:telephony) or derived from
// active calls. Any other reported value is kept as received.
const (
	TelRegistered = "registered"
	TelRinging    = "ringing"
	TelTalking    = "talking"
	TelRT         = "rt" // talking and ringing at once
	TelUnknown    = "unknown"
)

// Manual statuses (presence:user). Any other value is kept as received.
const (
	StatusAvailable   = "available"
	StatusAway        = "away"
	StatusDND         = "dnd"
	StatusBusy        = "busy"
	StatusOffline     = "offline"
	StatusUnavailable = "unavailable"
)

// User is one PBX user as the board knows them, keyed by (Company, Extension).
type User struct {
	Company    string
	Extension  string
	Email      string
	Name       string
	Group      string
	Department string

	// Telephony is the effective telephony state: once a presence:telephony
	// report was received (TelephonyReported), the busiest of the last
	// reports of each of the user's devices (see Telephony; lower-cased,
	// "unknown" for an empty report), otherwise derived from the user's active calls:
	// "ringing" when the user is the callee of a ringing leg; "talking" when
	// the user is a party of a connected or held leg, or the caller of a
	// ringing leg (dialling: the phone is in use); both at once "rt"; with
	// active calls but none of these "registered"; with no calls "unknown",
	// because calls alone cannot tell whether an idle phone is registered.
	Telephony         string
	TelephonyReported bool

	// Status is the manual status, lower-cased ("available" for an empty
	// report); "" until a presence:user event arrives.
	Status   string
	Message  string
	Until    time.Time
	Location string

	// InConference is true between a presence:conference join and leave, or
	// while a live conference lists the user.
	InConference bool

	// CallIDs are the user's active calls, oldest first.
	CallIDs []string

	// Since is the At of the event that last changed the tile's state (see
	// State), or that first named the user: the tile's "time in state".
	Since time.Time
}

// Call is an active call.
type Call struct {
	ID        string
	Company   string
	Direction Direction
	// State is LegConnected when any leg is, else LegHold when any leg is,
	// else LegRinging when any leg is, else the newest leg's state as
	// received.
	State     string
	StartedAt time.Time
	// AnsweredAt is when a leg was first connected or on hold, by a call
	// event or by the callee's telephony report (see Telephony); zero while
	// ringing.
	AnsweredAt time.Time
	Queue      string
	Trunk      string
	Tags       []string
	// Legs ordered by Index.
	Legs []Leg
	// UpdatedAt is the (trusted) time of the last event applied to the
	// call. A call the board received nothing about for Options.CallTTL
	// expires.
	UpdatedAt time.Time
}

// Conference is a live conference.
type Conference struct {
	ID           string
	Company      string
	Subject      string
	StartedAt    time.Time
	Participants []ConferenceParticipant
	UpdatedAt    time.Time
}

// QueueStats are one queue's live and today's figures.
type QueueStats struct {
	Company string
	Name    string
	// Live.
	Waiting    int       // calls in the queue still ringing
	OldestWait time.Time // start of the longest-waiting call; zero when none
	Talking    int       // queue calls connected to an agent (or on hold)
	// WaitingCalls are the callers waiting now, longest first.
	WaitingCalls []WaitingCall
	// Members are the queue's members: those configured (QueueSetting)
	// and the local users rung or answering as the callee of a leg naming
	// the queue today. The PBX's events do not carry queue membership, so
	// the learned ones are what today's calls revealed; they reset at the
	// day boundary. Each member counts once, by their tile (User.State):
	// Free (available), AgentsTalking (talking, rt), AgentsRinging,
	// AgentsAway (dnd, away) and AgentsOffline (offline, unknown, or a
	// configured extension the board has not heard of).
	Members       int
	Free          int
	AgentsTalking int
	AgentsRinging int
	AgentsAway    int
	AgentsOffline int
	// Formula classifies the queue's calls as they are counted.
	Formula Formula
	// Today (since the day boundary in the company's time zone), by the
	// time calls ended.
	Period
	// Rolling windows: the calls that ended in the last 15, 30 and 60
	// minutes of the company's clock, by whole minutes.
	Last15, Last30, Last60 Period
	// Intraday are today's 15-minute intervals that counted a call, in
	// order.
	Intraday []Interval

	// Alert is what people acknowledged or snoozed of the queue's alert,
	// shared by every screen of the company (see QueueAlert).
	Alert QueueAlert `json:",omitzero"`
}

// AgentStats are one agent's figures for today.
type AgentStats struct {
	Company   string
	Extension string
	Answered  int
	Missed    int
	TalkTotal time.Duration
	HoldTotal time.Duration
}

// Snapshot is a deep copy of the board at one sequence number. Slices are
// sorted (users by company then extension, calls by start then id,
// conferences by start then id, queues by company then name), so two boards
// fed the same events produce equal snapshots.
type Snapshot struct {
	// Seq is the board's sequence, moved by every company's activity.
	Seq uint64
	// Day is the latest of the companies' days (YYYY-MM-DD): with one
	// company, its day.
	Day string
	// Companies are every company's own sequence and day, by company.
	// Show a viewer of one company these, never Seq and Day.
	Companies   []CompanyState
	Users       []User
	Calls       []Call
	Conferences []Conference
	Queues      []QueueStats
	// QueueTotals are each company's queues taken together (see
	// Board.QueueTotal), by company.
	QueueTotals []QueueStats
	Agents      []AgentStats
}

// Company returns the state of one company, or a zero CompanyState naming
// it when the board has not heard of it.
func (s Snapshot) Company(name string) CompanyState {
	for _, c := range s.Companies {
		if c.Company == name {
			return c
		}
	}
	return CompanyState{Company: name}
}

// ChangeKind names what kind of entity changed.
type ChangeKind uint8

const (
	ChangeUser ChangeKind = iota + 1
	ChangeCall
	ChangeConference
	ChangeQueue
	ChangeAgent
	// ChangeDay: the company's day rolled over and its daily figures
	// reset. Company is set; Key is empty.
	ChangeDay
)

// Change says that one entity changed. Removed is true when it no longer
// exists (an ended call, an expired conference). Key is the user's
// extension, the call or conference id, the queue name or the agent's
// extension; empty for ChangeDay.
type Change struct {
	Kind    ChangeKind
	Company string
	Key     string
	Removed bool
}

// Reason says why a tile shows its state, as a code and its parameters.
// Package views turns it into words.
type Reason struct {
	Code ReasonCode
	// Reported is true when the telephony value came from the phone
	// (presence:telephony), false when derived from the user's calls.
	Reported bool
	// Value is the raw telephony or manual status behind the state, e.g.
	// "talking", "unregistered" or "mur".
	Value string
	// Message is the user's own status message, for dnd and away.
	Message string
}

// ReasonCode names why a tile shows its state.
type ReasonCode string

// Reason codes, one per rule of User.State.
const (
	ReasonRT              ReasonCode = "rt"               // on a call and ringing
	ReasonTalking         ReasonCode = "talking"          // on a call
	ReasonRinging         ReasonCode = "ringing"          // ringing
	ReasonDND             ReasonCode = "dnd"              // manual status do not disturb
	ReasonBusy            ReasonCode = "busy"             // manual status busy
	ReasonAway            ReasonCode = "away"             // manual status away
	ReasonStatusOffline   ReasonCode = "status_offline"   // manual status offline or unavailable (Value)
	ReasonStatus          ReasonCode = "status"           // another manual status, as received (Value)
	ReasonAvailable       ReasonCode = "available"        // phone registered and idle
	ReasonNoPhoneReport   ReasonCode = "no_phone_report"  // available, no phone report yet
	ReasonOffline         ReasonCode = "offline"          // phone reports Value, not reachable
	ReasonNothingReported ReasonCode = "nothing_reported" // nothing known yet
)

// TileState is what a user's tile shows, chosen by State's precedence rule.
type TileState string

const (
	TileRT        TileState = "rt"
	TileTalking   TileState = "talking"
	TileRinging   TileState = "ringing"
	TileDND       TileState = "dnd"
	TileAway      TileState = "away"
	TileAvailable TileState = "available"
	TileOffline   TileState = "offline" // a reported telephony value we do not know (e.g. unregistered)
	TileUnknown   TileState = "unknown" // nothing reported yet
)
