package views

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/wallboard/wallboard/board"
)

// History is the view of a company's past days (GET /history): per queue
// and per agent, the figures each day closed with.
type History struct {
	Company string
	Days    int // the period asked for: the last 7, 30 or 90 days
	Queues  []HistoryQueue
	Agents  []HistoryAgent
	// AgentDays are the days kept, oldest first: every agent's chart has
	// one place per day, so the charts line up; MaxAnswered and MaxTalk
	// are the most of one agent's day, the scale every agent's chart
	// shares (so that they compare at a glance).
	AgentDays   []string
	MaxAnswered int
	MaxTalk     time.Duration
}

// HistoryQueue is one queue's days, oldest first.
type HistoryQueue struct {
	Name string
	Rows []HistoryRow
	// Max is the most calls offered on one of its days (the chart's scale).
	Max int
}

// HistoryRow is one queue's figures on one day.
type HistoryRow struct {
	Day      string // YYYY-MM-DD
	Offered  int    // answered + missed
	Answered int
	Missed   int
	AvgWait  time.Duration // over answered calls
	AvgTalk  time.Duration // over answered calls
	// Classified is false for a day kept before calls were classified:
	// its service level and abandons are unknown (shown "–"), not 0.
	Classified bool
	// The day's service level and abandons, by the queue's formula as the
	// live board counts them (Figures): answered within the threshold,
	// abandons and short abandons apart, the rates.
	AnsweredInSL, Abandoned, ShortAbandoned int
	ServiceLevel, AbandonRate               float64
	HasServiceLevel, HasAbandonRate         bool
}

// HistoryAgent is one agent's figures summed over the period.
type HistoryAgent struct {
	Extension string
	Name      string
	Answered  int
	Missed    int
	AvgTalk   time.Duration
	// Days are the agent's figures on each of History.AgentDays.
	Days []AgentDay
}

// AgentDay is an agent's answered calls and talk time on one day.
type AgentDay struct {
	Day      string
	Answered int
	Talk     time.Duration
}

// NewHistory builds the view of days (as History stores them, oldest
// first). names gives a person's name by extension, for agents the
// figures name only by extension.
func NewHistory(company string, period int, days []board.DayFigures, names func(ext string) string) History {
	h := History{Company: company, Days: period}
	queues := map[string]*HistoryQueue{}
	type agentSum struct {
		answered, missed int
		talk             time.Duration
		days             []AgentDay
	}
	agents := map[string]*agentSum{}
	for i, d := range days {
		h.AgentDays = append(h.AgentDays, d.Day)
		for _, q := range d.Queues {
			hq := queues[q.Name]
			if hq == nil {
				hq = &HistoryQueue{Name: q.Name}
				queues[q.Name] = hq
			}
			row := HistoryRow{Day: d.Day, Offered: q.Answered + q.Missed, Answered: q.Answered, Missed: q.Missed,
				AvgWait: average(q.WaitTotal, q.Answered), AvgTalk: average(q.TalkTotal, q.Answered), Classified: d.Classified}
			if d.Classified {
				f := newFigures(q.Period, q.Formula)
				row.AnsweredInSL, row.Abandoned, row.ShortAbandoned = f.AnsweredInSL, f.Abandoned, f.ShortAbandoned
				row.ServiceLevel, row.HasServiceLevel, row.AbandonRate, row.HasAbandonRate = f.ServiceLevel, f.HasServiceLevel, f.AbandonRate, f.HasAbandonRate
			}
			hq.Rows = append(hq.Rows, row)
			hq.Max = max(hq.Max, row.Offered)
		}
		for _, a := range d.Agents {
			s := agents[a.Extension]
			if s == nil {
				s = &agentSum{}
				agents[a.Extension] = s
			}
			s.answered += a.Answered
			s.missed += a.Missed
			s.talk += a.TalkTotal
			if s.days == nil {
				s.days = make([]AgentDay, len(days))
			}
			s.days[i] = AgentDay{Day: d.Day, Answered: a.Answered, Talk: a.TalkTotal}
			h.MaxAnswered = max(h.MaxAnswered, a.Answered)
			h.MaxTalk = max(h.MaxTalk, a.TalkTotal)
		}
	}
	for _, q := range queues {
		h.Queues = append(h.Queues, *q)
	}
	slices.SortFunc(h.Queues, func(a, b HistoryQueue) int { return cmp.Compare(a.Name, b.Name) })
	for ext, s := range agents {
		for i := range s.days {
			s.days[i].Day = days[i].Day
		}
		h.Agents = append(h.Agents, HistoryAgent{Extension: ext, Name: cmp.Or(names(ext), ext), Answered: s.answered, Missed: s.missed, AvgTalk: average(s.talk, s.answered), Days: s.days})
	}
	slices.SortFunc(h.Agents, func(a, b HistoryAgent) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Extension, b.Extension))
	})
	return h
}

// historyLink is /history for the period, or its CSV table ("queues" or
// "agents").
func historyLink(h History, days int, table string) templ.SafeURL {
	q := url.Values{"days": {strconv.Itoa(days)}}
	if h.Company != "" {
		q.Set("company", h.Company)
	}
	if table != "" {
		q.Set("format", "csv")
		q.Set("table", table)
		return templ.SafeURL("/api/v1/history?" + q.Encode())
	}
	return templ.SafeURL("/history?" + q.Encode())
}

// HistoryPeriods are the periods /history offers.
var HistoryPeriods = []int{7, 30, 90}

// chart geometry: one bar per day, answered below missed, in a viewBox
// scaled to the period.
const (
	histChartHeight = 120
	histBar         = 10
	histGap         = 4
)

func histChartWidth(q HistoryQueue) string {
	return strconv.Itoa(max(1, len(q.Rows))*(histBar+histGap) + histGap)
}

// barLeft is the x of day i's bar.
func barLeft(i int) int { return histGap + i*(histBar+histGap) }

// bar is a day's bar part: its x, the y and height of n calls stacked on
// below calls.
func barX(i int) string { return strconv.Itoa(barLeft(i)) }

func barY(q HistoryQueue, below, n int) string {
	return strconv.Itoa(histChartHeight - barH(q, below+n))
}

func barHeight(q HistoryQueue, n int) string { return strconv.Itoa(barH(q, n)) }

// slY is the y of a service level on the chart's own scale: 0 % at the
// bottom, 100 % at the top.
func slY(v float64) string {
	return strconv.FormatFloat(float64(histChartHeight)*(1-min(max(v, 0), 100)/100), 'f', 1, 64)
}

// slMarkX1 and slMarkX2 are the ends of a day's service level mark, across
// its bar.
func slMarkX1(i int) string { return barX(i) }
func slMarkX2(i int) string { return strconv.Itoa(barLeft(i) + histBar) }

// slLine is the polyline through the days' service levels, mid-bar; days
// without one (nothing to divide by, or kept before calls were
// classified) break it.
func slLines(q HistoryQueue) []string {
	var out []string
	cur := ""
	for i, r := range q.Rows {
		if !r.HasServiceLevel {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += strconv.Itoa(barLeft(i)+histBar/2) + "," + slY(r.ServiceLevel)
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// An agent's chart (a sparkline in the agents' table): per day a bar of
// the calls answered and a point of the talk time, joined by a line, each
// on the scale all agents share.
const (
	sparkHeight = 24
	sparkBar    = 4
	sparkGap    = 1
)

func sparkWidth(h History) string {
	return strconv.Itoa(max(1, len(h.AgentDays))*(sparkBar+sparkGap) + sparkGap)
}

func sparkX(i int) string { return strconv.Itoa(sparkGap + i*(sparkBar+sparkGap)) }

func sparkBarHeight(h History, n int) int {
	if h.MaxAnswered == 0 {
		return 0
	}
	return n * sparkHeight / h.MaxAnswered
}

func sparkBarY(h History, n int) string { return strconv.Itoa(sparkHeight - sparkBarHeight(h, n)) }

func sparkBarH(h History, n int) string { return strconv.Itoa(sparkBarHeight(h, n)) }

// sparkTalk is the polyline of an agent's talk time per day.
func sparkTalk(h History, a HistoryAgent) string {
	var b strings.Builder
	for i, d := range a.Days {
		y := float64(sparkHeight)
		if h.MaxTalk > 0 {
			y = float64(sparkHeight) * (1 - float64(d.Talk)/float64(h.MaxTalk))
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(sparkGap+i*(sparkBar+sparkGap)+sparkBar/2) + "," + strconv.FormatFloat(y, 'f', 1, 64))
	}
	return b.String()
}

func barH(q HistoryQueue, n int) int {
	if q.Max == 0 {
		return 0
	}
	return n * histChartHeight / q.Max
}
