package board

import "time"

// DefaultMaxSkew is how far ahead of its receive time an event's own time
// may be before it is not believed (Options.MaxSkew).
const DefaultMaxSkew = 5 * time.Minute

// TimeFix says what TrustTime did to an event's claimed time.
type TimeFix string

// TimeFix values. TimeOK is the claim believed as it is; every other value
// is counted (Board.Counters) so that a PBX with a wrong clock shows up on
// the operator's metrics.
const (
	TimeOK TimeFix = ""
	// TimeMissing: the event claims no time; its receive time is used.
	TimeMissing TimeFix = "missing"
	// TimeSeconds: the claim is in seconds where milliseconds belong (it
	// reads as January 1970 to March 1973, when no event was sent, and as a
	// time not after the receive time plus the skew once read as seconds);
	// it is converted.
	TimeSeconds TimeFix = "seconds"
	// TimeTooOld: the claim is before 2000; the receive time is used.
	TimeTooOld TimeFix = "before_2000"
	// TimeFuture: the claim is more than the skew after the receive time
	// (this includes the year 10000 and later, and anything the int64
	// milliseconds allow); the receive time is used.
	TimeFuture TimeFix = "future"
	// TimeRefused: there is no receive time and the claim is missing or
	// outside 2000 to 9999. Nothing in the event can be trusted to order
	// it, so Apply ignores it.
	TimeRefused TimeFix = "refused"
)

// Bounds of a believable time: nothing the board keeps is earlier than
// minTime, and nothing is later than maxTime (JSON, and so snapshots and the
// API, cannot carry a year beyond 9999).
var (
	minTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Milliseconds a seconds-for-milliseconds claim can have: 2000-01-01 in
// seconds up to 10^11 (which as milliseconds is March 1973, as seconds the
// year 5138).
const (
	minSecondsClaim = 946_684_800
	maxSecondsClaim = 100_000_000_000
)

// believable reports whether t is within the years the board keeps.
func believable(t time.Time) bool {
	return !t.Before(minTime) && !t.After(maxTime)
}

// TrustTime decides the time the board uses for an event that claims the
// time claim and was received (stored in the event log) at received, given
// how far ahead of its receipt an event may claim to be (maxSkew; zero or
// less means DefaultMaxSkew). It is a pure function of its arguments, so
// every node fed the same log decides alike.
//
// With a receive time: no claim → the receive time (TimeMissing); a claim in
// seconds → converted (TimeSeconds), then checked like any claim; before
// 2000 → the receive time (TimeTooOld); more than maxSkew after the receive
// time → the receive time (TimeFuture); otherwise the claim (TimeOK). A
// claim older than its receipt is believed however old (but not before
// 2000): deliveries are late after a PBX's retries or an SQS backlog, and a
// late fact is still ordered by when it happened.
//
// Without a receive time (a zero received, or one outside the years 2000
// to 9999), the claim is believed when it is within those years (TimeOK),
// and refused otherwise (TimeRefused).
func TrustTime(claim, received time.Time, maxSkew time.Duration) (time.Time, TimeFix) {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	if !believable(received) {
		if claim.IsZero() || !believable(claim) {
			return time.Time{}, TimeRefused
		}
		return claim.UTC(), TimeOK
	}
	received = received.UTC()
	if claim.IsZero() {
		return received, TimeMissing
	}
	fix := TimeOK
	if ms := claim.UnixMilli(); ms >= minSecondsClaim && ms < maxSecondsClaim && claim.Before(minTime) {
		if s := time.Unix(ms, 0).UTC(); !s.After(received.Add(maxSkew)) {
			claim, fix = s, TimeSeconds
		}
	}
	switch {
	case claim.Before(minTime):
		return received, TimeTooOld
	case claim.After(received.Add(maxSkew)):
		return received, TimeFuture
	}
	return claim.UTC(), fix
}

// within returns t when it is a believable time no later than limit, else
// fallback. Times inside an event's fact (a call's start, a record's end)
// are claims too, and must not carry the board beyond what it can encode.
func within(t, limit, fallback time.Time) time.Time {
	if t.IsZero() || !believable(t) || t.After(limit) {
		return fallback
	}
	return t.UTC()
}
