package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/wallboard/wallboard/board"
)

// Formatting helpers for the components. Times are rendered as the board
// gives them; the browser rewrites clock times into its own time zone and
// ticks durations, so nothing here reads a clock.

// datetime is the machine-readable form of t for <time datetime> and
// data-since.
func datetime(t time.Time) string { return t.Format(time.RFC3339) }

// clock is t as hh:mm, the fallback text before the script localises it.
func clock(t time.Time) string { return t.Format("15:04") }

func itoa(n int) string { return strconv.Itoa(n) }

// partyText is how a party reads in one line: its name and number, or
// whichever is known.
func partyText(ctx context.Context, p Party) string {
	switch {
	case p.Name != "" && p.Number != "" && p.Name != p.Number:
		return p.Name + " · " + p.Number
	case p.Name != "":
		return p.Name
	case p.Number != "":
		return p.Number
	default:
		return tr(ctx, "party.unknown")
	}
}

// partyShort is partyText with the name shortened as on a tile ("Kenji T. ·
// 219"), and shorter that short name alone ("Kenji T."), for a TV tile's
// call line where partyText does not fit; "" when it would be no shorter.
func partyShort(p Party) (short, shorter string) {
	name := ShortName(p.Name)
	switch {
	case name == "" || p.Name == p.Number:
		return "", ""
	case p.Number != "":
		return name + " · " + p.Number, name
	default:
		return name, ""
	}
}

// participantsText is a conference's head count and names, in one line.
func participantsText(ctx context.Context, ps []Participant) string {
	if len(ps) == 0 {
		return tr(ctx, "conference.empty")
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Display
	}
	return tr(ctx, "conference.people", len(ps), strings.Join(names, ", "))
}

// directionKey is the catalog key of d's word, under prefix ("direction",
// "call_with").
func directionKey(prefix string, d board.Direction) string {
	switch d {
	case board.Inbound:
		return prefix + ".inbound"
	case board.Outbound:
		return prefix + ".outbound"
	case board.Internal:
		return prefix + ".internal"
	default:
		return prefix + ".other"
	}
}

func directionWord(ctx context.Context, d board.Direction) string {
	return tr(ctx, directionKey("direction", d))
}

// callWith is the screen reader's "Inbound call with" before a tile's party.
func callWith(ctx context.Context, d board.Direction) string {
	return tr(ctx, directionKey("call_with", d))
}

// callStateWord is a call's state in words; a state the board does not name
// is shown as received.
func callStateWord(ctx context.Context, s string) string {
	switch s {
	case board.LegRinging:
		return tr(ctx, "call.ringing")
	case board.LegConnected:
		return tr(ctx, "call.connected")
	case board.LegHold:
		return tr(ctx, "call.hold")
	case "":
		return tr(ctx, "party.unknown")
	default:
		return s
	}
}

// freeOfMembers is a queue's free members over its members, e.g. "2 / 5";
// "–" while no member is known.
func freeOfMembers(free, members int) string {
	if members == 0 {
		return "–"
	}
	return strconv.Itoa(free) + " / " + strconv.Itoa(members)
}

// seconds is d in seconds, as the client's thresholds count them.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// minSec is d as m:ss (h:mm:ss from an hour), the form the browser ticks
// durations in; "–" for zero, which the figures use for "no data".
func minSec(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	s := int(d / time.Second)
	if s >= 3600 {
		return strconv.Itoa(s/3600) + ":" + pad2(s/60%60) + ":" + pad2(s%60)
	}
	return strconv.Itoa(s/60) + ":" + pad2(s%60)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// ReasonText says in English why a tile shows its state, e.g. "on a call
// (phone reports talking)" or "do not disturb: Meeting"; the JSON API's
// stateReason.
func ReasonText(r board.Reason) string { return reasonText(speaker(Languages[0]), r) }

// reasonText says in p's language why a tile shows its state.
func reasonText(p speaker, r board.Reason) string {
	src := p.Sprintf("reason.src.calls")
	if r.Reported {
		src = p.Sprintf("reason.src.phone", r.Value)
	}
	withMessage := func(s string) string {
		if r.Message == "" {
			return s
		}
		return p.Sprintf("reason.with_message", s, r.Message)
	}
	switch r.Code {
	case board.ReasonRT:
		return p.Sprintf("reason.rt", src)
	case board.ReasonTalking:
		return p.Sprintf("reason.talking", src)
	case board.ReasonRinging:
		return p.Sprintf("reason.ringing", src)
	case board.ReasonDND:
		return withMessage(p.Sprintf("reason.dnd"))
	case board.ReasonBusy:
		return withMessage(p.Sprintf("reason.busy"))
	case board.ReasonAway:
		return withMessage(p.Sprintf("reason.away"))
	case board.ReasonStatusOffline:
		return withMessage(p.Sprintf("reason.status_offline", r.Value))
	case board.ReasonStatus:
		return withMessage(p.Sprintf("reason.status", r.Value))
	case board.ReasonAvailable:
		return p.Sprintf("reason.available", src)
	case board.ReasonNoPhoneReport:
		return p.Sprintf("reason.no_phone_report")
	case board.ReasonOffline:
		return p.Sprintf("reason.offline", src)
	}
	return p.Sprintf("reason.nothing_reported")
}
