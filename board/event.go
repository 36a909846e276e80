package board

import "time"

// Event is one fact about the PBX, already translated out of the vendor's
// vocabulary (package wildix does that). At most one of the pointer fields is
// set; an Event with none carries no fact and, like a Tick, only lets time
// pass.
//
// At is the event's own time (the PBX's clock, not the arrival time) and the
// board's only source of time. The board orders facts about one entity (a
// call, a conference, a user's telephony, presence or conference presence)
// by it: an event older than what the entity already reflects changes
// nothing. Ties apply in arrival order. A CallEnd is the exception: it always
// applies, because a call cannot un-end. A Telephony report is a fact about
// the user, and can also answer one of the user's calls (see Telephony); it
// does so only when it is not older than that call's last update.
type Event struct {
	Company string
	At      time.Time

	Call           *CallUpsert
	CallEnd        *CallEnd
	Telephony      *Telephony
	Presence       *Presence
	Conference     *ConferenceUpsert
	ConferenceJoin *ConferenceJoin
	ConfPresence   *ConferencePresence
	Completed      *CompletedCall
	// Tick carries no fact: it lets time pass (call and conference expiry, the
	// day's rollover). At is the current time.
	Tick bool
}

// Party is one end of a call leg. Any field may be empty.
type Party struct {
	// Local is true for a PBX user (Wildix type LOCAL), false for an external
	// number (REMOTE) or when unknown.
	Local      bool
	Extension  string
	Phone      string
	Name       string
	Email      string
	Department string
	Group      string
	Device     string
}

// Direction of a call or leg as the PBX classifies it.
type Direction string

const (
	Inbound          Direction = "inbound"
	Outbound         Direction = "outbound"
	Internal         Direction = "internal"
	DirectionUnknown Direction = "unknown"
)

// Leg states. Other values from the PBX are kept as received (lower-cased).
const (
	LegRinging   = "ringing"
	LegConnected = "connected"
	LegHold      = "hold"
)

// Leg is one flow of a call: a transfer or a queue hop makes a new one.
type Leg struct {
	Index       int
	Caller      Party
	Callee      *Party // nil until the PBX has resolved who answers
	Direction   Direction
	State       string // LegRinging, LegConnected, LegHold or another value as received
	Destination string
	Queue       string
	QueueID     string
	Trunk       string
}

// CallUpsert creates or updates an active call. Legs are merged by Index:
// a leg absent from the event keeps its previous value, a leg present
// replaces it, except that a leg connected or on hold keeps that state when
// the event says ringing (a call does not un-answer; the PBX's legacy events
// say ringing throughout). Hold to connected and back apply as received.
type CallUpsert struct {
	ID        string
	StartedAt time.Time // zero when unknown: the board keeps the first At it saw
	Legs      []Leg
	Tags      []string
}

// CallEnd removes an active call and leaves a tombstone, so that a late or
// retried update for the same id never brings it back (for
// Options.TombstoneTTL).
type CallEnd struct {
	ID    string
	Cause string // human-readable end cause, may be empty
}

// Telephony is a presence:telephony report: registered, ringing, talking,
// rt, or any other value, kept as received (lower-cased).
//
// A "talking" report also answers a call the board still shows ringing
// (the PBX's legacy call events never say that a call was answered): when
// the user is the local callee of exactly one ringing leg across their
// active calls and a party of no connected or held leg, that leg becomes
// connected, its call is updated at the report's At and, if not answered
// yet, answered then. With two ringing legs the answered one is unknown, and
// a connected or held leg already explains the report, so nothing is
// inferred. "rt" (talking on one call while another rings) is ambiguous and
// infers nothing; neither does a report from a leg's caller, who is
// "talking" while dialling.
type Telephony struct {
	Extension string
	Email     string
	Status    string
}

// Presence is a user's manual status (presence:user).
type Presence struct {
	Extension string
	Email     string
	Status    string // available, away, dnd or another value; empty means available
	Message   string
	Until     time.Time // zero when not set
	Location  string
}

// ConferenceParticipant is one person in a conference.
type ConferenceParticipant struct {
	Extension  string
	Email      string
	Name       string
	Department string
}

// ConferenceUpsert creates or replaces a live conference's participants.
type ConferenceUpsert struct {
	ID           string
	Subject      string
	StartedAt    time.Time
	Participants []ConferenceParticipant
}

// ConferenceJoin adds one participant to a live conference (creating it if
// needed).
type ConferenceJoin struct {
	ID          string
	Participant ConferenceParticipant
}

// ConferencePresence is presence:conference: a user joined or left some
// conference. The PBX does not say which one.
type ConferencePresence struct {
	Extension string
	Email     string
	Joined    bool
}

// CompletedCall is the analytics record of a finished call (call:completed).
// It feeds today's counters, never live state. Records are counted once per
// ID and day; a record without an ID is ignored.
type CompletedCall struct {
	ID        string
	Queue     string
	Direction Direction
	Missed    bool
	// Agent is the local party who answered (or was rung, when missed); nil
	// when nobody local took part.
	Agent   *Party
	Wait    time.Duration
	Talk    time.Duration
	EndedAt time.Time
}
