package wildix

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Errors returned by Decode and Translate. Callers test for them with
// errors.Is; the returned errors wrap them with detail.
var (
	// ErrNotObject: the body is not a JSON object. This includes malformed
	// JSON, arrays, scalars, null, invalid UTF-8 and nesting deeper than
	// MaxDepth.
	ErrNotObject = errors.New("the body is not a JSON object")
	// ErrNoType: the event has no type, an empty one, or one that is not a
	// string.
	ErrNoType = errors.New("the event has no type")
	// ErrUnknownType: the event's type is not one Known accepts.
	ErrUnknownType = errors.New("the event type is not known")
	// ErrBadData: the event's data cannot be understood at all, such as data
	// that is not an object or a field of an impossible JSON type.
	ErrBadData = errors.New("the event data cannot be understood")
)

// MaxDepth is the deepest nesting of arrays and objects Decode accepts.
// Wildix events nest four levels deep; the limit stops a hostile body from
// making the decoder recurse.
const MaxDepth = 64

// Envelope is the part common to every event. Its text fields are trimmed
// and capped like all PBX text (see MaxTextLen).
type Envelope struct {
	// ID is not unique per event: for calls it is the call id, for presence
	// it names the user. Never deduplicate on it.
	ID string
	// PBX is the serial of the sending PBX; empty for conference and chat
	// events.
	PBX string
	// Company is the Wildix company id, the tenancy key.
	Company string
	// Type is the event type, such as TypeCallStart.
	Type string
	// IntegrationID names the integration that sent the event.
	IntegrationID string
	// Time is when the PBX dispatched the event, in milliseconds since the
	// Unix epoch; zero when absent.
	Time int64
	// Data is the event's payload as received, nil when absent. Translate
	// interprets it.
	Data json.RawMessage
}

// wireEnvelope defers every field so that Decode can tolerate each one
// separately.
type wireEnvelope struct {
	ID            json.RawMessage `json:"id"`
	PBX           json.RawMessage `json:"pbx"`
	Time          json.RawMessage `json:"time"`
	Company       json.RawMessage `json:"company"`
	Type          json.RawMessage `json:"type"`
	IntegrationID json.RawMessage `json:"integrationId"`
	Data          json.RawMessage `json:"data"`
}

// Decode parses the envelope of one event body. It fails with an error
// wrapping ErrNotObject when body is not a JSON object in valid UTF-8 nested
// at most MaxDepth deep, and with one wrapping ErrNoType when its "type" is
// missing, empty or not a string.
//
// Decode is otherwise tolerant: an envelope field other than "type" that is
// missing, null or of an unusable JSON type is treated as absent. Ids may be
// strings or numbers; "time" may be a number or a numeric string. Data is
// kept as received for Translate.
func Decode(body []byte) (Envelope, error) {
	if !utf8.Valid(body) {
		return Envelope{}, fmt.Errorf("%w: it is not valid UTF-8", ErrNotObject)
	}
	if first, ok := firstByte(body); !ok || first != '{' {
		return Envelope{}, ErrNotObject
	}
	if tooDeep(body, MaxDepth) {
		return Envelope{}, fmt.Errorf("%w: it is nested more than %d levels deep", ErrNotObject, MaxDepth)
	}
	var w wireEnvelope
	if err := json.Unmarshal(body, &w); err != nil {
		return Envelope{}, fmt.Errorf("%w: %w", ErrNotObject, err)
	}
	typ, ok := jsonString(w.Type)
	if !ok || typ == "" {
		return Envelope{}, ErrNoType
	}
	env := Envelope{
		ID:            lenientText(w.ID),
		PBX:           lenientText(w.PBX),
		Company:       lenientText(w.Company),
		Type:          typ,
		IntegrationID: lenientText(w.IntegrationID),
		Data:          w.Data,
	}
	// w's fields are values the decoder has checked: each is decoded
	// directly, not parsed again.
	var t number
	if t.UnmarshalJSON(w.Time) == nil {
		env.Time = t.n
	}
	return env, nil
}

// firstByte returns the first byte of b that is not JSON whitespace.
func firstByte(b []byte) (byte, bool) {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, true
	}
	return 0, false
}

// tooDeep reports whether the JSON text b nests arrays and objects more than
// max levels deep. It only counts brackets outside strings; syntax is left
// to the decoder.
func tooDeep(b []byte, max int) bool {
	depth := 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

// jsonString decodes raw as a JSON string, trimmed and capped; ok is false
// when raw is anything else.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	s, err := unquote(raw)
	if err != nil {
		return "", false
	}
	return cleanText(s), true
}

// lenientText decodes raw as text the way text fields are decoded, and
// returns "" for a value of any other JSON type.
func lenientText(raw json.RawMessage) string {
	var t text
	if t.UnmarshalJSON(raw) != nil {
		return ""
	}
	return string(t)
}
