package views

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// The intraday chart of a queue: one bar per 15-minute interval (answered
// solid, abandoned hatched on top, short abandons not drawn), and the
// service level as a line with a dot per interval, over the hours of the
// day that had calls (at least four). It is plain SVG written by the
// server, so it needs no script and no chart library; its title and
// description say in words what it draws, interval by interval.

const (
	chartW      = 480 // viewBox width
	chartH      = 120 // viewBox height
	chartTop    = 6   // room above the tallest bar
	chartBottom = 104 // the baseline; the hours' labels go below
	minHours    = 4
)

type chart struct {
	ID          string // unique on the page: the pattern's and labels' ids derive from it
	Title, Desc string
	Bars        []chartBar
	Line        string // the service level's polyline points; "" with fewer than two
	Dots        []chartDot
	Ticks       []chartTick
	Empty       bool // no call today: the chart says so
	// From and To are the instants of the chart's left and right edges
	// (RFC 3339), so that a click can name the moment under it.
	From, To string
}

type chartBar struct {
	X, W                 string
	YAnswered, HAnswered string
	YAbandon, HAbandon   string
	Label                string // what the bar counts, in words (its title)
}

type chartDot struct{ X, Y string }

type chartTick struct {
	X     string
	Label string
}

// clockMinutes is "HH:MM" in minutes since midnight; -1 when malformed.
func clockMinutes(c string) int {
	h, m, ok := strings.Cut(c, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil {
		return -1
	}
	return hh*60 + mm
}

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// newChart lays out q's intraday figures.
func newChart(ctx context.Context, q QueueRow) chart {
	c := chart{ID: "chart-" + q.ID, Title: tr(ctx, "chart.title", q.Name)}
	type point struct {
		min int
		iv  IntervalRow
	}
	var pts []point
	for _, iv := range q.Intraday {
		if m := clockMinutes(iv.Clock); m >= 0 {
			pts = append(pts, point{m, iv})
		}
	}
	if len(pts) == 0 {
		c.Empty = true
		c.Desc = tr(ctx, "chart.none")
		return c
	}
	first, last := pts[0].min/60, (pts[len(pts)-1].min+15+59)/60
	if last-first < minHours {
		last = min(24, first+minHours)
		first = last - minHours
	}
	span := float64((last - first) * 60)
	// The first interval's start, less its minutes past the first hour.
	from := pts[0].iv.Start.Add(time.Duration(first*60-pts[0].min) * time.Minute)
	c.From, c.To = rfc3339(from), rfc3339(from.Add(time.Duration(span)*time.Minute))
	x := func(min int) float64 { return float64(min-first*60) / span * chartW }
	most := 1
	for _, p := range pts {
		most = max(most, p.iv.Answered+p.iv.Abandoned)
	}
	height := float64(chartBottom - chartTop)
	var line []string
	var summary []string
	for _, p := range pts {
		x0, w := x(p.min)+0.5, float64(15)/span*chartW-1
		ha := float64(p.iv.Answered) / float64(most) * height
		hb := float64(p.iv.Abandoned) / float64(most) * height
		label := tr(ctx, "chart.interval", p.iv.Clock, p.iv.Offered, p.iv.Answered, p.iv.Abandoned, percent(ctx, p.iv.ServiceLevel, p.iv.HasServiceLevel))
		summary = append(summary, label)
		c.Bars = append(c.Bars, chartBar{
			X: f1(x0), W: f1(max(w, 1)),
			YAnswered: f1(chartBottom - ha), HAnswered: f1(ha),
			YAbandon: f1(chartBottom - ha - hb), HAbandon: f1(hb),
			Label: label,
		})
		if p.iv.HasServiceLevel {
			cx, cy := x0+w/2, chartBottom-p.iv.ServiceLevel/100*height
			line = append(line, f1(cx)+","+f1(cy))
			c.Dots = append(c.Dots, chartDot{X: f1(cx), Y: f1(cy)})
		}
	}
	if len(line) > 1 {
		c.Line = strings.Join(line, " ")
	}
	step := 1
	if last-first > 8 {
		step = 2
	}
	if last-first > 16 {
		step = 4
	}
	for h := first; h <= last; h += step {
		c.Ticks = append(c.Ticks, chartTick{X: f1(min(max(x(h*60), 12), chartW-12)), Label: pad2(h%24) + ":00"})
	}
	c.Desc = tr(ctx, "chart.desc", strings.Join(summary, "; "))
	return c
}
