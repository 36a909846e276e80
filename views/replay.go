package views

import (
	"cmp"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"
)

// Replay marks a page as the board at a past moment (GET /?at=… or ?seq=…):
// no live connection, a bar that says so and steps through time.
type Replay struct {
	At       time.Time      // the moment shown
	Seq      uint64         // the last log entry it reflects; 0 before the first
	DayStart time.Time      // the scrubber runs from the start of the viewer's day…
	Now      time.Time      // …to now
	Loc      *time.Location // the viewer's time zone, for the bar's clock
	// Query is the page's other parameters (filters, tv=…), which the
	// bar's links keep.
	Query url.Values
}

// stepLink is the URL of the moment one step away: "-event", "+event",
// "-minute" or "+minute".
func (r Replay) stepLink(step string) templ.SafeURL {
	switch step {
	case "-event":
		return r.link(time.Time{}, max(r.Seq, 1)-1)
	case "+event":
		return r.link(time.Time{}, r.Seq+1)
	case "-minute":
		return r.link(r.At.Add(-time.Minute), 0)
	default:
		return r.link(r.At.Add(time.Minute), 0)
	}
}

func (r Replay) seqText() string { return strconv.FormatUint(r.Seq, 10) }

// timeText is the moment as the bar writes it before the script does.
func (r Replay) timeText() string { return r.At.In(cmp.Or(r.Loc, time.UTC)).Format(time.TimeOnly) }

// link is the page's URL at another moment: at (when not zero) or entry seq.
func (r Replay) link(at time.Time, seq uint64) templ.SafeURL {
	q := r.otherParams()
	if at.IsZero() {
		q.Set("seq", strconv.FormatUint(seq, 10))
	} else {
		q.Set("at", at.UTC().Format(time.RFC3339))
	}
	return templ.SafeURL("?" + q.Encode())
}

// liveLink is the page's URL without the moment: the live board.
func (r Replay) liveLink() templ.SafeURL {
	q := r.otherParams()
	if len(q) == 0 {
		return "/"
	}
	return templ.SafeURL("/?" + q.Encode())
}

// otherParams is a copy of the page's parameters without the moment.
func (r Replay) otherParams() url.Values {
	q := url.Values{}
	for k, v := range r.Query {
		if k != "at" && k != "seq" {
			q[k] = v
		}
	}
	return q
}

// unix is t in whole seconds, as the scrubber's range holds it.
func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
