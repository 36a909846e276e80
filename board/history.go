package board

import (
	"slices"
	"time"
)

// DayFigures are a company's queue and agent figures at the end of one of
// its days, as the board held them when the day rolled over: what a
// history keeps of that day.
type DayFigures struct {
	Company string
	Day     string // YYYY-MM-DD in the company's time zone
	// Queues carry the day's Period (answered within the threshold,
	// abandons and short abandons apart), the Formula they were counted by
	// and the day's 15-minute Intraday intervals.
	Queues []QueueStats
	Agents []AgentStats
	// Classified is true for days closed by a board that classified calls
	// (service level, abandons, intervals). A day stored before has its
	// answered and missed calls only: its service level is unknown, not 0.
	Classified bool `json:",omitempty"`
}

// Until is queue q's figures of its day up to the instant t: the sum of its
// intervals that ended by t (a day's figures are kept per 15 minutes, so
// this is to the quarter hour).
func (q QueueStats) Until(t time.Time) Period {
	var p Period
	for _, iv := range q.Intraday {
		if !iv.Start.Add(intradayStep).After(t) {
			p.plus(iv.Period)
		}
	}
	return p
}

// closeDay records the figures of company's day before they reset.
func (b *Board) closeDay(company, day string) {
	d := DayFigures{Company: company, Day: day, Classified: true}
	for k, q := range b.queues {
		if k.company == company {
			d.Queues = append(d.Queues, *q)
		}
	}
	for k, a := range b.agents {
		if k.company == company {
			d.Agents = append(d.Agents, *a)
		}
	}
	slices.SortFunc(d.Queues, func(x, y QueueStats) int { return compareKeys(key{x.Company, x.Name}, key{y.Company, y.Name}) })
	slices.SortFunc(d.Agents, func(x, y AgentStats) int {
		return compareKeys(key{x.Company, x.Extension}, key{y.Company, y.Extension})
	})
	b.closed = append(b.closed, d)
}

// ClosedDays returns the days that rolled over since it was last called,
// in order, and forgets them. Every board fed the same events closes the
// same days with the same figures; the caller stores them (the board keeps
// no history). They are not part of the snapshot: a board restored from
// one closes the days after it.
func (b *Board) ClosedDays() []DayFigures {
	d := b.closed
	b.closed = nil
	return d
}
