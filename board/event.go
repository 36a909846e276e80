package board

import "time"

// Event is one fact about the PBX, already translated out of the vendor's
// vocabulary (package wildix does that). At most one of the pointer fields is
// set; an Event with none carries no fact and, like a Tick, only lets time
// pass.
//
// At is the event's own time, the PBX's claim; Received is when it was
// received (stored in the event log), a fact. Together they are the board's
// only source of time (see Board.Apply and TrustTime): the trusted time
// orders facts about one entity (a call, a conference, a user's telephony
// per device, presence or conference presence): an event older than what the
// entity already reflects changes nothing. Ties apply in arrival order. A
// CallEnd is the exception: it always applies, because a call cannot un-end.
// A Telephony report is a fact about the user, and can also answer one of
// the user's calls (see Telephony). The receive time is the company's clock:
// it rolls the day and ages calls, conferences and tombstones, whatever the
// PBX's clock says.
type Event struct {
	Company string
	At      time.Time
	// Received is the receive time; zero when unknown (At is then trusted
	// when believable, see TrustTime). A Tick's is its At.
	Received time.Time

	Call           *CallUpsert
	CallEnd        *CallEnd
	Telephony      *Telephony
	Presence       *Presence
	Conference     *ConferenceUpsert
	ConferenceJoin *ConferenceJoin
	ConfPresence   *ConferencePresence
	Completed      *CompletedCall
	// Alert acknowledges or snoozes a queue's alert (see AlertAction).
	Alert *AlertAction
	// Tick carries no fact: it lets every company's time pass (call and
	// conference expiry, the day's rollover). At is the current time.
	Tick bool
	// QueueSettings replaces the queues' settings (formulas, configured
	// members) for every company; Company is ignored and no company's
	// time passes.
	QueueSettings *QueueSettings
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
	// LegEnded is a leg the PBX reports finished (a ring-all agent's flow
	// once another answered, a flow MISSED or COMPLETED): the call drops it.
	LegEnded = "ended"
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
// a leg present replaces the leg of that Index, a leg in state LegEnded is
// dropped, and a leg absent from the event keeps its previous value unless
// Complete says the event lists every current leg (then it is dropped).
//
// A replacing leg keeps what it does not say: an empty caller, a nil
// callee, an empty direction, destination, queue or trunk keep the previous
// value (the PBX sends null for what it has not resolved, and events with
// equal times arrive in either order). A leg connected or on hold that the
// event says is ringing is connected (a call does not un-answer, and a HOLD
// ends with a status that is not HOLD; the PBX's legacy events say ringing
// throughout), unless the callee changed: a transfer to a new callee rings
// that callee. Hold and connected apply as received.
type CallUpsert struct {
	ID string
	// StartedAt: zero when unknown. The call's start is the earliest of the
	// StartedAt and At of its events (believed up to At plus the skew).
	StartedAt time.Time
	Legs      []Leg
	Tags      []string
	// Complete: Legs are all the call's current legs (a live progress
	// event is a picture of the whole call).
	Complete bool
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
//
// A person may have several devices (a desk phone, a mobile app), each
// reporting on its own: Device names the reporting device (the PBX's
// sourceId; empty when not said). A device's report replaces only that
// device's, ordered by its own time, and the user's telephony is the
// busiest of their devices' (rt, then talking, ringing, registered, then
// any other value): a desk phone talking stays talking when the mobile
// reports registered.
type Telephony struct {
	Extension string
	Email     string
	Status    string
	Device    string
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

// ConferenceParticipant is one person in a conference. ID is the PBX's
// stable id for the person in the conference (jid, else xbsId), empty when
// it has none; participants are told apart by ID, else Extension, else
// Email, never by Name: two dial-in guests called "Guest" are two people.
type ConferenceParticipant struct {
	ID         string
	Extension  string
	Email      string
	Name       string
	Department string
}

// ConferenceUpsert creates or replaces a live conference's participants. An
// upsert listing nobody ends the conference (the PBX's own end event is not
// documented).
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
// ID and day of the company; a record without an ID is ignored, and so is
// one whose EndedAt (believed only up to the event's time) falls on another
// day than the company's.
type CompletedCall struct {
	ID        string
	Queue     string
	Direction Direction
	Missed    bool
	// Agent is the local party who answered (or was rung, when missed); nil
	// when nobody local took part.
	Agent *Party
	// AlsoRung are the other local parties a missed call rang (a ring-all
	// queue rings several agents): each is charged the miss too.
	AlsoRung []Party
	// Wait is how long the caller waited before the answer (or before
	// giving up); Talk and Hold are the time spent talking and on hold.
	Wait    time.Duration
	Talk    time.Duration
	Hold    time.Duration
	EndedAt time.Time
}
