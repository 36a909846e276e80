package wildix

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxTextLen caps, in runes, every piece of text taken from an event, so that
// a hostile body cannot bloat the board. Longer text is cut.
const MaxTextLen = 256

// maxItems caps the number of flows, participants and tags taken from one
// event for the same reason.
const maxItems = 256

// cleanText trims s and cuts it to MaxTextLen runes.
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= MaxTextLen || utf8.RuneCountInString(s) <= MaxTextLen {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxTextLen {
			return strings.TrimSpace(s[:i])
		}
		n++
	}
	return s
}

// unquote decodes the JSON string raw. A string without escapes in valid
// UTF-8, as nearly every string of an event is, is its bytes between the
// quotes: the decoder that handed raw over has checked its syntax. Any other
// goes through encoding/json, which also replaces invalid UTF-8 as it does
// everywhere else.
func unquote(raw []byte) (string, error) {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' {
		inner := raw[1 : n-1]
		if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) && !hasControl(inner) {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// hasControl reports whether b holds a byte JSON forbids unescaped in a string.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// typeError reports a JSON value of an impossible type for a field. The JSON
// decoder fills in the field's path.
func typeError(raw []byte, want reflect.Type) error {
	return &json.UnmarshalTypeError{Value: jsonKind(raw), Type: want}
}

// jsonKind names the JSON type of the value raw.
func jsonKind(raw []byte) string {
	c, _ := firstByte(raw)
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// text is a field of PBX text: a JSON string, or a number kept as written
// (ids, extensions and phone numbers arrive either way). Null is empty.
// Booleans, arrays and objects are impossible.
type text string

func (t *text) UnmarshalJSON(raw []byte) error {
	switch c, _ := firstByte(raw); {
	case c == 'n':
		*t = ""
	case c == '"':
		s, err := unquote(raw)
		if err != nil {
			return err
		}
		*t = text(cleanText(s))
	case c == '-' || c >= '0' && c <= '9':
		*t = text(cleanText(string(raw)))
	default:
		return typeError(raw, reflect.TypeFor[string]())
	}
	return nil
}

// number is an integer field (an index, epoch milliseconds, a duration in
// milliseconds): a JSON number or a numeric string. Fractions are truncated.
// Null, an empty or non-numeric string and a number out of range leave it
// unset. Booleans, arrays and objects are impossible.
type number struct {
	n  int64
	ok bool
}

func (v *number) UnmarshalJSON(raw []byte) error {
	*v = number{}
	var s string
	switch c, _ := firstByte(raw); {
	case c == 'n':
		return nil
	case c == '"':
		var err error
		if s, err = unquote(raw); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	case c == '-' || c >= '0' && c <= '9':
		s = string(raw)
	default:
		return typeError(raw, reflect.TypeFor[int64]())
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*v = number{n: n, ok: true}
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return nil
	}
	*v = number{n: int64(f), ok: true}
	return nil
}

// flag is a boolean field: a JSON boolean or the string "true" or "false".
// Null or any other string leaves it unset. Numbers, arrays and objects are
// impossible.
type flag struct {
	v, ok bool
}

func (f *flag) UnmarshalJSON(raw []byte) error {
	*f = flag{}
	switch c, _ := firstByte(raw); c {
	case 'n':
		return nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return err
		}
		*f = flag{v: b, ok: true}
	case '"':
		s, err := unquote(raw)
		if err != nil {
			return err
		}
		if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			*f = flag{v: b, ok: true}
		}
	default:
		return typeError(raw, reflect.TypeFor[bool]())
	}
	return nil
}

// Party types.
const (
	partyLocal  = "LOCAL"
	partyRemote = "REMOTE"
)

// wireParty is a call participant (caller, callee).
type wireParty struct {
	Type           text `json:"type"`
	Phone          text `json:"phone"`
	Name           text `json:"name"`
	Email          text `json:"email"`
	UserExtension  text `json:"userExtension"`
	UserDepartment text `json:"userDepartment"`
	GroupName      text `json:"groupName"`
	UserDevice     text `json:"userDevice"`
}

// common holds the fields most payloads repeat from the envelope.
type common struct {
	ID      text   `json:"id"`
	Time    number `json:"time"`
	Company text   `json:"company"`
}

// legacyCall is the data of call:start, call:update and call:end.
type legacyCall struct {
	common
	Status      text       `json:"status"`
	Caller      *wireParty `json:"caller"`
	Callee      *wireParty `json:"callee"`
	Destination text       `json:"destination"`
	TrunkName   text       `json:"trunkName"`
	QueueName   text       `json:"queueName"`
	QueueID     text       `json:"queueId"`
	Tags        []text     `json:"tags"`
	EndCause    text       `json:"endCause"`
	EndCauseStr text       `json:"endCauseStr"`
}

// flow is one leg of a live or completed call.
type flow struct {
	FlowIndex   number     `json:"flowIndex"`
	Caller      *wireParty `json:"caller"`
	Callee      *wireParty `json:"callee"`
	Destination text       `json:"destination"`
	Direction   text       `json:"direction"`
	Status      text       `json:"status"`
	CallStatus  text       `json:"callStatus"`
	QueueName   text       `json:"queueName"`
	QueueID     text       `json:"queueId"`
	TrunkName   text       `json:"trunkName"`
	Tags        []text     `json:"tags"`
	ConnectTime number     `json:"connectTime"`
	TalkTime    number     `json:"talkTime"`
	WaitTime    number     `json:"waitTime"`
	QueueTime   number     `json:"queueTime"`
	HoldTime    number     `json:"holdTime"`
	StartTime   number     `json:"startTime"`
	EndTime     number     `json:"endTime"`
}

// liveCall is the data of call:live:* and call:completed events.
type liveCall struct {
	common
	EventTrigger text    `json:"eventTrigger"`
	Start        text    `json:"start"`
	Flows        []*flow `json:"flows"`
	Tags         []text  `json:"tags"`
	CallStatus   text    `json:"callStatus"`
	QueueName    text    `json:"queueName"`
	QueueTime    number  `json:"queueTime"`
	HoldTime     number  `json:"holdTime"`
	EndCause     text    `json:"endCause"`
	EndCauseStr  text    `json:"endCauseStr"`
}

// location is where a user says they are.
type location struct {
	Address text `json:"address"`
	Lat     text `json:"lat"`
	Lng     text `json:"lng"`
}

// participant is a conference participant.
type participant struct {
	JID          text `json:"jid"`
	XBSID        text `json:"xbsId"`
	PBXExtension text `json:"pbxExtension"`
	Email        text `json:"email"`
	Name         text `json:"name"`
	Department   text `json:"department"`
}

// presence is the data of presence:* events.
type presence struct {
	common
	Extension   text         `json:"extension"`
	Email       text         `json:"email"`
	SourceID    text         `json:"sourceId"`
	Status      text         `json:"status"`
	Message     text         `json:"message"`
	Until       text         `json:"until"`
	Location    *location    `json:"location"`
	IsJoined    flag         `json:"isJoined"`
	IsLeaved    flag         `json:"isLeaved"`
	Participant *participant `json:"participant"`
}

// conference is the data of conference:live:* events.
type conference struct {
	common
	Subject      text           `json:"subject"`
	Start        text           `json:"start"`
	Participants []*participant `json:"participants"`
	Participant  *participant   `json:"participant"`
}
