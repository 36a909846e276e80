package views

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/wallboard/wallboard/board"
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
	// Day is today's calls per 15-minute interval of every queue the
	// viewer sees, as the live board counts them: the chart the scrubber
	// runs over (see NewReplayDay).
	Day []ReplayInterval
}

// ReplayInterval is one 15-minute interval of the replay bar's chart.
type ReplayInterval struct {
	Start               time.Time
	Answered, Abandoned int
}

// NewReplayDay sums the intervals of queues (of companies aud shows) by
// start, in order: the replay bar's chart.
func NewReplayDay(queues []board.QueueStats, aud Audience) []ReplayInterval {
	sums := map[time.Time]*ReplayInterval{}
	for _, q := range queues {
		if !aud.shows(q.Company) {
			continue
		}
		for _, iv := range q.Intraday {
			s := sums[iv.Start]
			if s == nil {
				s = &ReplayInterval{Start: iv.Start}
				sums[iv.Start] = s
			}
			s.Answered += iv.Answered
			s.Abandoned += iv.Abandoned
		}
	}
	out := make([]ReplayInterval, 0, len(sums))
	for _, s := range sums {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b ReplayInterval) int { return a.Start.Compare(b.Start) })
	return out
}

// dayBar is one bar of the replay bar's chart, in its viewBox (0 0 1000
// 40): x and width by time from DayStart to Now, height by calls.
type dayBar struct {
	X, W, YAnswered, HAnswered, YAbandon, HAbandon string
	Label                                          string
}

// dayBars lays out r.Day over the scrubber's span.
func (r Replay) dayBars(ctx context.Context) []dayBar {
	span := r.Now.Sub(r.DayStart).Seconds()
	if span <= 0 {
		return nil
	}
	most := 1
	for _, iv := range r.Day {
		most = max(most, iv.Answered+iv.Abandoned)
	}
	const w, h = 1000.0, 40.0
	var out []dayBar
	for _, iv := range r.Day {
		x := iv.Start.Sub(r.DayStart).Seconds() / span * w
		if x < 0 || x >= w {
			continue
		}
		bw := min(15*60/span*w, w-x)
		ha := float64(iv.Answered) / float64(most) * h
		hb := float64(iv.Abandoned) / float64(most) * h
		out = append(out, dayBar{
			X: f1(x), W: f1(max(bw-0.5, 0.5)),
			YAnswered: f1(h - ha), HAnswered: f1(ha), YAbandon: f1(h - ha - hb), HAbandon: f1(hb),
			Label: tr(ctx, "replay.day_bar", iv.Start.In(cmp.Or(r.Loc, time.UTC)).Format("15:04"), iv.Answered, iv.Abandoned),
		})
	}
	return out
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
