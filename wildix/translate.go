package wildix

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/wallboard/wallboard/board"
)

// Translate turns one event into the board events it implies, usually one.
//
// It returns an error wrapping ErrUnknownType for a type Known rejects, and
// one wrapping ErrBadData, naming the field, when the data of a known type
// cannot be understood at all (data that is not an object, a field of an
// impossible JSON type) or when a call or conference event carries no id. A
// known type that carries nothing for the board (chat, SMS, transcriptions,
// summaries) yields no events and no error.
//
// Every event gets the envelope's company, which is the tenancy key the
// integration is bound to, or data.company when the envelope has none. Its
// At is data.time when present, else the envelope's time, in UTC; it is the
// zero time when the event carries neither.
//
// Mapping decisions the vendor leaves open:
//
//   - Legacy calls (call:start, call:update) are keyed on the envelope id and
//     become one leg with Index 0. Their leg state follows the status (see
//     below); CONNECTING, the only status ever captured, is ringing. The
//     callee appearing is not taken as an answer: a captured call:update
//     names the callee of a call that was then rejected.
//   - Leg states: HOLD is hold; RINGING, CONNECTING, ALERTING, DIALING and
//     CALLING are ringing; TALKING, CONNECTED, ANSWERED and UP are connected;
//     a missing status is connected when the flow reports talk time, else
//     ringing; any other status is kept lower-cased.
//   - Legacy direction: a remote caller is inbound; a local caller is
//     internal with a local callee and outbound with a remote callee or a
//     trunk; anything else is unknown.
//   - Live calls are keyed on data.id, else the envelope id. A flow without
//     a usable flowIndex takes its position in the list.
//   - call:completed: the queue is data.queueName, else the first flow's; the
//     direction is the first flow's that is known. The call is missed when
//     data.callStatus is MISSED or, without one, when a flow is MISSED and
//     none was answered. The agent is the local callee of the last flow with
//     talk or connect time, else the last local callee rung. Wait and talk
//     times are summed over the flows; EndedAt is the latest flow endTime,
//     else the event's time.
//   - presence:conference: isJoined decides when present, else isLeaved; an
//     event with neither yields nothing.
//   - conference:live:join without a participant yields nothing.
func Translate(env Envelope) ([]board.Event, error) {
	switch env.Type {
	case TypeCallStart, TypeCallUpdate, TypeCallEnd:
		return translateLegacyCall(env)
	case TypeCallLiveProgress, TypeCallLiveCompleted, TypeCallLiveInterrupted:
		return translateLiveCall(env)
	case TypeCallCompleted:
		return translateCompletedCall(env)
	case TypePresenceUser, TypePresenceTelephony, TypePresenceConference:
		return translatePresence(env)
	case TypeConferenceLiveProgress, TypeConferenceLiveJoin:
		return translateConference(env)
	}
	if Known(env.Type) {
		return nil, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownType, env.Type)
}

// decodeData decodes env.Data into v, which keeps its zero value when data
// is absent or null.
func decodeData(env Envelope, v any) error {
	raw := bytes.TrimSpace(env.Data)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] != '{' {
		return fmt.Errorf("%w: %s: data is %s, not an object", ErrBadData, env.Type, jsonKind(raw))
	}
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Errorf("%w: %s: field data.%s is %s, not %s", ErrBadData, env.Type, te.Field, te.Value, kindName(te.Type))
	}
	return fmt.Errorf("%w: %s: %w", ErrBadData, env.Type, err)
}

// kindName names what a Go type expects in JSON terms.
func kindName(t reflect.Type) string {
	if t == nil {
		return "valid"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Int, reflect.Int64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice:
		return "a list"
	default:
		return "an object"
	}
}

// newEvent starts a board event with its company and time.
func newEvent(env Envelope, c common) board.Event {
	company := env.Company
	if company == "" {
		company = string(c.Company)
	}
	ms := env.Time
	if c.Time.ok {
		ms = c.Time.n
	}
	var at time.Time
	if ms != 0 {
		at = time.UnixMilli(ms).UTC()
	}
	return board.Event{Company: company, At: at}
}

// callID is data.id when present, else the envelope id; missing both is an
// error because the board could not tell the call apart from others.
func callID(env Envelope, c common) (string, error) {
	if c.ID != "" {
		return string(c.ID), nil
	}
	if env.ID != "" {
		return env.ID, nil
	}
	return "", fmt.Errorf("%w: %s: the event has no id", ErrBadData, env.Type)
}

func translateLegacyCall(env Envelope) ([]board.Event, error) {
	var d legacyCall
	if err := decodeData(env, &d); err != nil {
		return nil, err
	}
	if env.ID == "" {
		return nil, fmt.Errorf("%w: %s: the event has no id", ErrBadData, env.Type)
	}
	ev := newEvent(env, d.common)
	if env.Type == TypeCallEnd {
		ev.CallEnd = &board.CallEnd{ID: env.ID, Cause: endCause(d.EndCauseStr, d.EndCause)}
		return []board.Event{ev}, nil
	}
	ev.Call = &board.CallUpsert{
		ID: env.ID,
		Legs: []board.Leg{{
			Caller:      d.Caller.party(),
			Callee:      d.Callee.partyOrNil(),
			Direction:   legacyDirection(d.Caller, d.Callee, d.TrunkName),
			State:       legState(d.Status, false),
			Destination: string(d.Destination),
			Queue:       string(d.QueueName),
			QueueID:     string(d.QueueID),
			Trunk:       string(d.TrunkName),
		}},
		Tags: tags(d.Tags),
	}
	return []board.Event{ev}, nil
}

func translateLiveCall(env Envelope) ([]board.Event, error) {
	var d liveCall
	if err := decodeData(env, &d); err != nil {
		return nil, err
	}
	id, err := callID(env, d.common)
	if err != nil {
		return nil, err
	}
	ev := newEvent(env, d.common)
	if env.Type != TypeCallLiveProgress || strings.EqualFold(string(d.EventTrigger), "call.end") {
		ev.CallEnd = &board.CallEnd{ID: id, Cause: endCause(d.EndCauseStr, d.EndCause)}
		return []board.Event{ev}, nil
	}
	flows := d.Flows[:min(len(d.Flows), maxItems)]
	call := &board.CallUpsert{ID: id, StartedAt: parseTime(d.Start), Complete: true}
	allTags := d.Tags
	for i, f := range flows {
		if f == nil {
			continue
		}
		index := i
		if f.FlowIndex.ok && f.FlowIndex.n >= 0 && f.FlowIndex.n <= math.MaxInt32 {
			index = int(f.FlowIndex.n)
		}
		call.Legs = append(call.Legs, board.Leg{
			Index:       index,
			Caller:      f.Caller.party(),
			Callee:      f.Callee.partyOrNil(),
			Direction:   direction(f.Direction),
			State:       flowState(f),
			Destination: string(f.Destination),
			Queue:       string(f.QueueName),
			QueueID:     string(f.QueueID),
			Trunk:       string(f.TrunkName),
		})
		allTags = append(allTags, f.Tags...)
	}
	call.Tags = tags(allTags)
	ev.Call = call
	return []board.Event{ev}, nil
}

func translateCompletedCall(env Envelope) ([]board.Event, error) {
	var d liveCall
	if err := decodeData(env, &d); err != nil {
		return nil, err
	}
	id, err := callID(env, d.common)
	if err != nil {
		return nil, err
	}
	ev := newEvent(env, d.common)
	c := &board.CompletedCall{
		ID:        id,
		Queue:     string(d.QueueName),
		Direction: board.DirectionUnknown,
		EndedAt:   ev.At,
	}
	var answered, rung *board.Party
	var statuses, anyAnswered bool
	var talk, hold, queueWait, end int64
	var waits []interval
	for _, f := range d.Flows[:min(len(d.Flows), maxItems)] {
		if f == nil {
			continue
		}
		if c.Queue == "" {
			c.Queue = string(f.QueueName)
		}
		if c.Direction == board.DirectionUnknown {
			c.Direction = direction(f.Direction)
		}
		ok := flowAnswered(f)
		statuses = statuses || f.CallStatus != ""
		anyAnswered = anyAnswered || ok
		if f.Callee.isLocal() {
			p := f.Callee.party()
			rung = &p
			if ok && answered == nil {
				answered = &p
			}
		}
		talk += millis(f.TalkTime)
		hold += millis(f.HoldTime)
		queueWait = max(queueWait, millis(f.QueueTime))
		waits = append(waits, interval{start: f.StartTime.n, length: millis(f.WaitTime)})
		end = max(end, f.EndTime.n)
	}
	switch {
	case statuses || anyAnswered:
		c.Missed = !anyAnswered
	default: // no flow says: the record's own status, else nobody talked
		c.Missed = !strings.EqualFold(string(d.CallStatus), "COMPLETED")
	}
	c.Agent = answered
	if c.Agent == nil {
		c.Agent = rung
	}
	wait := waitUnion(waits)
	if q := max(millis(d.QueueTime), queueWait); q > 0 {
		wait = q
	}
	if h := millis(d.HoldTime); h > 0 {
		hold = h
	}
	c.Wait = time.Duration(min(wait, maxCallMillis)) * time.Millisecond
	c.Talk = time.Duration(min(talk, maxCallMillis)) * time.Millisecond
	c.Hold = time.Duration(min(hold, maxCallMillis)) * time.Millisecond
	if end > 0 {
		c.EndedAt = time.UnixMilli(end).UTC()
	}
	ev.Completed = c
	return []board.Event{ev}, nil
}

// flowAnswered reports whether a flow of a completed call was answered: its
// callStatus says COMPLETED (MISSED and every other value say no), or,
// without a callStatus, it reports talk time. connectTime is the ring time
// before an answer, not an answer.
func flowAnswered(f *flow) bool {
	if f.CallStatus != "" {
		return strings.EqualFold(string(f.CallStatus), "COMPLETED")
	}
	return f.TalkTime.n > 0
}

// interval is a flow's waiting time: from start (epoch ms; 0 when
// unknown), length ms.
type interval struct{ start, length int64 }

// waitUnion is how long the caller waited over all flows: the length of
// the union of the flows' waiting intervals, so that ring-all flows, which
// wait in parallel, count once, and flows one after another (a queue, then
// a transfer) add up. Without start times flows cannot be placed, and the
// longest wait is taken.
func waitUnion(ws []interval) int64 {
	var longest int64
	placed := true
	for _, w := range ws {
		longest = max(longest, w.length)
		placed = placed && (w.start > 0 || w.length == 0)
	}
	if !placed {
		return longest
	}
	ws = slices.DeleteFunc(slices.Clone(ws), func(w interval) bool { return w.length == 0 })
	slices.SortFunc(ws, func(a, b interval) int { return cmp.Compare(a.start, b.start) })
	var total, reach int64
	for _, w := range ws {
		from, to := max(w.start, reach), w.start+w.length
		if to > from {
			total += to - from
			reach = to
		}
	}
	return total
}

func translatePresence(env Envelope) ([]board.Event, error) {
	var d presence
	if err := decodeData(env, &d); err != nil {
		return nil, err
	}
	ev := newEvent(env, d.common)
	switch env.Type {
	case TypePresenceUser:
		ev.Presence = &board.Presence{
			Extension: string(d.Extension),
			Email:     string(d.Email),
			Status:    strings.ToLower(string(d.Status)),
			Message:   string(d.Message),
			Until:     parseTime(d.Until),
			Location:  d.Location.String(),
		}
	case TypePresenceTelephony:
		ev.Telephony = &board.Telephony{
			Extension: string(d.Extension),
			Email:     string(d.Email),
			Status:    strings.ToLower(string(d.Status)),
			Device:    string(d.SourceID),
		}
	default: // TypePresenceConference
		var joined bool
		switch {
		case d.IsJoined.ok:
			joined = d.IsJoined.v
		case d.IsLeaved.ok:
			joined = !d.IsLeaved.v
		default:
			return nil, nil
		}
		cp := &board.ConferencePresence{Extension: string(d.Extension), Email: string(d.Email), Joined: joined}
		if p := d.Participant; p != nil {
			cp.Extension = firstNonEmpty(cp.Extension, string(p.PBXExtension))
			cp.Email = firstNonEmpty(cp.Email, string(p.Email))
		}
		ev.ConfPresence = cp
	}
	return []board.Event{ev}, nil
}

func translateConference(env Envelope) ([]board.Event, error) {
	var d conference
	if err := decodeData(env, &d); err != nil {
		return nil, err
	}
	id, err := callID(env, d.common)
	if err != nil {
		return nil, err
	}
	ev := newEvent(env, d.common)
	if env.Type == TypeConferenceLiveJoin {
		if d.Participant == nil {
			return nil, nil
		}
		ev.ConferenceJoin = &board.ConferenceJoin{ID: id, Participant: d.Participant.participant()}
		return []board.Event{ev}, nil
	}
	up := &board.ConferenceUpsert{ID: id, Subject: string(d.Subject), StartedAt: parseTime(d.Start)}
	for _, p := range d.Participants[:min(len(d.Participants), maxItems)] {
		if p != nil {
			up.Participants = append(up.Participants, p.participant())
		}
	}
	ev.Conference = up
	return []board.Event{ev}, nil
}

// firstNonEmpty returns a when it is not empty, else b.
func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// isLocal reports whether p is a PBX user.
func (p *wireParty) isLocal() bool {
	return p != nil && strings.EqualFold(string(p.Type), partyLocal)
}

// isRemote reports whether p is an external number.
func (p *wireParty) isRemote() bool {
	return p != nil && strings.EqualFold(string(p.Type), partyRemote)
}

// party converts p; a nil p is the empty party. A local party without
// userExtension is known by its phone, which is then its extension.
func (p *wireParty) party() board.Party {
	if p == nil {
		return board.Party{}
	}
	bp := board.Party{
		Local:      p.isLocal(),
		Extension:  string(p.UserExtension),
		Phone:      string(p.Phone),
		Name:       string(p.Name),
		Email:      string(p.Email),
		Department: string(p.UserDepartment),
		Group:      string(p.GroupName),
		Device:     string(p.UserDevice),
	}
	if bp.Local && bp.Extension == "" {
		bp.Extension = bp.Phone
	}
	return bp
}

// partyOrNil converts p, or returns nil when p is absent or says nothing, as
// a callee the PBX has not resolved yet.
func (p *wireParty) partyOrNil() *board.Party {
	bp := p.party()
	if bp == (board.Party{}) {
		return nil
	}
	return &bp
}

func (p *participant) participant() board.ConferenceParticipant {
	return board.ConferenceParticipant{
		ID:         firstNonEmpty(string(p.XBSID), string(p.JID)),
		Extension:  string(p.PBXExtension),
		Email:      string(p.Email),
		Name:       string(p.Name),
		Department: string(p.Department),
	}
}

// String is the address, or "lat,lng" when there is no address but both
// coordinates, or "".
func (l *location) String() string {
	switch {
	case l == nil:
		return ""
	case l.Address != "":
		return string(l.Address)
	case l.Lat != "" && l.Lng != "":
		return string(l.Lat) + "," + string(l.Lng)
	}
	return ""
}

// legacyDirection classifies a legacy call by its parties (see Translate).
func legacyDirection(caller, callee *wireParty, trunk text) board.Direction {
	switch {
	case caller.isRemote():
		return board.Inbound
	case caller.isLocal() && callee.isLocal():
		return board.Internal
	case caller.isLocal() && (callee.isRemote() || trunk != ""):
		return board.Outbound
	}
	return board.DirectionUnknown
}

// direction maps a flow's direction.
func direction(d text) board.Direction {
	switch strings.ToUpper(string(d)) {
	case "INBOUND":
		return board.Inbound
	case "OUTBOUND":
		return board.Outbound
	case "INTERNAL":
		return board.Internal
	}
	return board.DirectionUnknown
}

// flowState is a live flow's leg state: ended when its callStatus says it
// finished, else legState of its status.
func flowState(f *flow) string {
	if f.CallStatus != "" {
		return board.LegEnded
	}
	return legState(f.Status, f.TalkTime.n > 0)
}

// legState maps a call status to a leg state (see Translate). talking says
// whether the PBX reports talk time, which decides a missing status.
func legState(status text, talking bool) string {
	s := strings.ToLower(string(status))
	switch s {
	case "completed", "missed", "ended", "end", "hangup", "finished", "terminated",
		"cancelled", "canceled", "rejected", "busy", "noanswer", "no_answer", "failed":
		return board.LegEnded
	case "hold", "on_hold", "onhold":
		return board.LegHold
	case "ringing", "connecting", "alerting", "dialing", "calling":
		return board.LegRinging
	case "talking", "connected", "answered", "up":
		return board.LegConnected
	case "":
		if talking {
			return board.LegConnected
		}
		return board.LegRinging
	}
	return s
}

// q850 names the end causes Wildix is known to send without a description.
func q850(code string) string {
	switch code {
	case "16":
		return "Normal Clearing"
	case "17":
		return "User busy"
	case "19":
		return "No answer"
	case "21":
		return "Call Rejected"
	}
	return ""
}

// endCause is the PBX's description of why a call ended, else the name of
// its Q.850 code, else the code itself.
func endCause(description, code text) string {
	switch {
	case description != "":
		return string(description)
	case q850(string(code)) != "":
		return q850(string(code))
	case code != "":
		return "cause " + string(code)
	}
	return ""
}

// tags returns the non-empty tags without repeats, in order, at most
// maxItems of them; nil when there are none.
func tags(in []text) []string {
	var out []string
	for _, t := range in {
		if len(out) == maxItems {
			break
		}
		if t != "" && !slices.Contains(out, string(t)) {
			out = append(out, string(t))
		}
	}
	return out
}

// maxCallMillis bounds one flow's wait or talk time so that hostile values
// cannot overflow the sums: 30 days in milliseconds.
const maxCallMillis = 30 * 24 * 60 * 60 * 1000

// millis is a duration counter clamped to [0, maxCallMillis].
func millis(v number) int64 {
	return min(max(v.n, 0), maxCallMillis)
}

// parseTime parses an RFC 3339 time in UTC; the zero time when s is empty or
// unparsable.
func parseTime(s text) time.Time {
	t, err := time.Parse(time.RFC3339Nano, string(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
