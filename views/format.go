package views

import (
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
func partyText(p Party) string {
	switch {
	case p.Name != "" && p.Number != "" && p.Name != p.Number:
		return p.Name + " · " + p.Number
	case p.Name != "":
		return p.Name
	case p.Number != "":
		return p.Number
	default:
		return "Unknown"
	}
}

// participantsText is a conference's head count and names, in one line.
func participantsText(names []string) string {
	if len(names) == 0 {
		return "Nobody in the call"
	}
	return itoa(len(names)) + " in the call: " + strings.Join(names, ", ")
}

func directionWord(d board.Direction) string {
	switch d {
	case board.Inbound:
		return "Inbound"
	case board.Outbound:
		return "Outbound"
	case board.Internal:
		return "Internal"
	default:
		return "Call"
	}
}

func callStateWord(s string) string {
	switch s {
	case board.LegRinging:
		return "Ringing"
	case board.LegConnected:
		return "Connected"
	case board.LegHold:
		return "On hold"
	case "":
		return "Unknown"
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

// ReasonText says in words why a tile shows its state, e.g. "on a call
// (phone reports talking)" or "do not disturb: Meeting".
func ReasonText(r board.Reason) string {
	src := "derived from calls"
	if r.Reported {
		src = "phone reports " + r.Value
	}
	switch r.Code {
	case board.ReasonRT:
		return "on a call and ringing (" + src + ")"
	case board.ReasonTalking:
		return "on a call (" + src + ")"
	case board.ReasonRinging:
		return "ringing (" + src + ")"
	case board.ReasonDND:
		return withMessage("do not disturb", r.Message)
	case board.ReasonBusy:
		return withMessage("busy", r.Message)
	case board.ReasonAway:
		return withMessage("away", r.Message)
	case board.ReasonStatusOffline:
		return withMessage("offline (status "+r.Value+")", r.Message)
	case board.ReasonStatus:
		return withMessage("status "+r.Value, r.Message)
	case board.ReasonAvailable:
		return "available (" + src + ")"
	case board.ReasonNoPhoneReport:
		return "available (no phone report yet)"
	case board.ReasonOffline:
		return "offline (" + src + ")"
	}
	return "nothing reported yet"
}

func withMessage(s, msg string) string {
	if msg == "" {
		return s
	}
	return s + ": " + msg
}
