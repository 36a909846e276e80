package views

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/wallboard/wallboard/board"
)

// The integration inspector (/admin/integrations and /api/v1/integrations):
// what arrived at this node's ingress, for the admin who connects Wildix.
// The server fills an Integrations; the page, its live frames and the JSON
// are all made from it. Nothing in it is a body: accepted events are
// summarised (EventWho masks remote numbers as a masked audience sees
// them), refused ones are a reason, a remote address and a time.

// Integrations is the inspector's view model. Its JSON field names are a
// public contract (GET /api/v1/integrations).
type Integrations struct {
	GeneratedAt time.Time `json:"generatedAt"`
	// WebhookURL is where WMS must post (from the public URL, else the
	// request's host).
	WebhookURL   string           `json:"webhookUrl"`
	Integrations []IngressChannel `json:"integrations"`
	Rejections   []Rejection      `json:"rejections"` // newest first, at most 50
	Accepted     []AcceptedEvent  `json:"accepted"`   // newest first, at most 50
	// ConsumerLag is how many log entries this node has yet to apply; nil
	// when the log cannot say.
	ConsumerLag *uint64    `json:"consumerLag"`
	SQSQueues   []SQSQueue `json:"sqsQueues"`
	// Categories say which event categories arrived in the last 24 hours,
	// so which are selected in WMS ("what Wildix sends").
	Categories []Category `json:"categories"`
}

// IngressChannel is one integration as this node saw it: a configured one,
// the shared secret (ID as the events carry it), or the refusals no
// integration can be told from ("", Transport only).
type IngressChannel struct {
	Transport    string         `json:"transport"` // webhook or sqs
	ID           string         `json:"id"`
	Company      string         `json:"company"`
	Configured   bool           `json:"configured"`
	FirstEventAt *time.Time     `json:"firstEventAt"`
	LastEventAt  *time.Time     `json:"lastEventAt"`
	LastHour     []OutcomeCount `json:"lastHour"`
	LastDay      []OutcomeCount `json:"lastDay"`
}

// OutcomeCount is how many events of one type had one outcome.
type OutcomeCount struct {
	Type    string `json:"type"`
	Outcome string `json:"outcome"`
	Count   int    `json:"count"`
}

// Rejection is one refused event: never its body.
type Rejection struct {
	At        time.Time `json:"at"`
	Transport string    `json:"transport"`
	Status    int       `json:"status"`
	Reason    string    `json:"reason"`
	Remote    string    `json:"remote"`
}

// AcceptedEvent is a compact, masked summary of one event that was taken.
type AcceptedEvent struct {
	At          time.Time  `json:"at"` // received
	Transport   string     `json:"transport"`
	Integration string     `json:"integration"`
	Type        string     `json:"type"`
	Company     string     `json:"company"`
	Who         string     `json:"who"`
	EventTime   *time.Time `json:"eventTime"`
	// SkewSeconds is the event's own time minus its receive time.
	SkewSeconds *float64 `json:"skewSeconds"`
	Verdict     string   `json:"verdict"` // accepted, duplicate, unknown_type
}

// SQSQueue is the state of one SQS consumer.
type SQSQueue struct {
	URL              string  `json:"url"`
	Integration      string  `json:"integration"`
	Company          string  `json:"company"`
	Received         uint64  `json:"received"`
	Handled          uint64  `json:"handled"`
	BadSignature     uint64  `json:"badSignature"`
	Rejected         uint64  `json:"rejected"`
	Errors           uint64  `json:"errors"`
	OldestAgeSeconds float64 `json:"oldestMessageAgeSeconds"`
	Ready            bool    `json:"ready"`
}

// Category is one of the event categories selected in WMS.
type Category struct {
	Key   string   `json:"key"` // call, analytics, conference, presence, telephony, chat
	Seen  bool     `json:"seen"`
	Types []string `json:"types"` // the types of it that arrived
}

// Inspector outcomes and rejection reasons the page has words for; the
// server's codes.
var (
	inspectorOutcomes = []string{"accepted", "duplicate", "unknown_type", "bad_signature", "wrong_company", "bad_request", "too_large", "unavailable"}
	inspectorReasons  = []string{"no_secret_configured", "no_signature", "bad_signature", "wrong_company", "too_large", "not_json", "bad_request", "unavailable"}
	// CategoryKeys are the categories, in the order WMS lists them.
	CategoryKeys = []string{"call", "analytics", "conference", "presence", "telephony", "chat"}
)

// CategoryOf is the WMS category of an event type: "" for a type of none.
func CategoryOf(eventType string) string {
	switch {
	case eventType == "presence:telephony":
		return "telephony"
	case strings.HasPrefix(eventType, "presence:"):
		return "presence"
	case eventType == "call:completed" || eventType == "call:transcription:completed" || eventType == "call:summary:completed":
		return "analytics"
	case strings.HasPrefix(eventType, "call:"):
		return "call"
	case strings.HasPrefix(eventType, "conference:"):
		return "conference"
	case strings.HasPrefix(eventType, "chat:") || strings.HasPrefix(eventType, "sms:"):
		return "chat"
	}
	return ""
}

// EventWho says whom a decoded event is about, as a masked audience would
// read it: PBX users by extension or email, remote parties masked.
func EventWho(events []board.Event) string {
	masked := Audience{Masked: true}
	party := func(p board.Party) string {
		d := newParty(p, masked)
		return cmp.Or(d.Name, d.Number)
	}
	for _, ev := range events {
		switch {
		case ev.Telephony != nil:
			return cmp.Or(ev.Telephony.Extension, ev.Telephony.Email)
		case ev.Presence != nil:
			return cmp.Or(ev.Presence.Extension, ev.Presence.Email)
		case ev.ConfPresence != nil:
			return cmp.Or(ev.ConfPresence.Extension, ev.ConfPresence.Email)
		case ev.Call != nil && len(ev.Call.Legs) > 0:
			leg := ev.Call.Legs[0]
			who := party(leg.Caller)
			if leg.Callee != nil {
				who += " → " + party(*leg.Callee)
			}
			return who
		case ev.CallEnd != nil:
			return ev.CallEnd.ID
		case ev.Completed != nil:
			if ev.Completed.Agent != nil {
				return party(*ev.Completed.Agent)
			}
			return ev.Completed.ID
		case ev.Conference != nil:
			return MaskName(ev.Conference.Subject)
		case ev.ConferenceJoin != nil:
			p := ev.ConferenceJoin.Participant
			if p.Extension == "" {
				return MaskName(p.Name)
			}
			return p.Extension
		}
	}
	return ""
}

// IntegrationsFrame is the frame that replaces the inspector's live part
// in lang.
func IntegrationsFrame(m Integrations, lang string) ([]byte, error) {
	var buf bytes.Buffer
	ctx := WithLanguage(context.Background(), lang)
	if err := inspectorLive(m).Render(ctx, &buf); err != nil {
		return nil, fmt.Errorf("render the inspector: %w", err)
	}
	return buf.Bytes(), nil
}

// IntegrationsPage is what the inspector page needs besides its model.
type IntegrationsPage struct {
	Title      string
	Stylesheet string
	Script     string
	Socket     string // the WebSocket URL of the live frames
	LoggedIn   bool
}

// Page renders the inspector page.
func (m Integrations) Page(p IntegrationsPage) templ.Component { return inspectorPage(m, p) }

// hms is a time of day in UTC, to the second.
func hms(t time.Time) string { return t.UTC().Format("15:04:05") }

// skewText is a skew in seconds, signed, to a tenth.
func skewText(s *float64) string {
	if s == nil {
		return "–"
	}
	return strconv.FormatFloat(*s, 'f', 1, 64) + " s"
}

// channelName is how the page names a channel.
func channelName(ctx context.Context, c IngressChannel) string {
	switch {
	case c.ID == "" && !c.Configured:
		return tr(ctx, "inspector.unverified")
	case !c.Configured:
		return tr(ctx, "inspector.shared", c.ID)
	}
	return c.ID
}

// The catalog keys of a category, a rejection reason and an outcome.
func categoryKey(c string) string { return "inspector.cat." + c }
func reasonKey(r string) string   { return "ingress." + r }
func outcomeKey(o string) string  { return "outcome." + o }
