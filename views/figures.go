package views

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/wallboard/wallboard/board"
)

// Every daily or live figure on the board explains its formula and window.
// The explanations are written once per page, as hidden elements that the
// figures' labels reference with aria-describedby (for screen readers and
// keyboard focus) and repeat in title (for the mouse).

// figureDef is one figure: the id of the hidden element that holds its
// explanation, and the catalog keys of its label and explanation. A daily
// figure's explanation takes the window it counts over.
type figureDef struct {
	ID      string
	Label   string
	Explain string
	Daily   bool
}

// key names the figure in its element's data-figure ("short" for
// def-short), for the layouts that leave some out.
func (d figureDef) key() string { return strings.TrimPrefix(d.ID, "def-") }

// label is the figure's label in ctx's language.
func (d figureDef) label(ctx context.Context) string { return tr(ctx, d.Label) }

// explain is the figure's explanation in ctx's language.
func (d figureDef) explain(ctx context.Context) string {
	if d.Daily {
		return tr(ctx, d.Explain, tr(ctx, "figure.window"))
	}
	return tr(ctx, d.Explain)
}

var (
	defWaiting  = figureDef{"def-waiting", "figure.waiting", "figure.waiting.explain", false}
	defLongest  = figureDef{"def-longest", "figure.longest", "figure.longest.explain", false}
	defTalking  = figureDef{"def-talking", "figure.talking", "figure.talking.explain", false}
	defFree     = figureDef{"def-free", "figure.free", "figure.free.explain", false}
	defAnswered = figureDef{"def-answered", "figure.answered", "figure.answered.explain", true}
	defMissed   = figureDef{"def-missed", "figure.missed", "figure.missed.explain", true}
	defAvgWait  = figureDef{"def-avg-wait", "figure.avg_wait", "figure.avg_wait.explain", true}
	defAvgTalk  = figureDef{"def-avg-talk", "figure.avg_talk", "figure.avg_talk.explain", true}

	defServiceLevel = figureDef{"def-service-level", "figure.service_level", "figure.service_level.explain", true}
	defAbandoned    = figureDef{"def-abandoned", "figure.abandoned", "figure.abandoned.explain", true}
	defShort        = figureDef{"def-short", "figure.short", "figure.short.explain", true}
	defOffered      = figureDef{"def-offered", "figure.offered", "figure.offered.explain", true}
	defAgents       = figureDef{"def-agents", "figure.agents", "figure.agents.explain", false}
	defWindow       = figureDef{"def-window", "figure.window_figures", "figure.window_figures.explain", false}

	defAgentAnswered = figureDef{"def-agent-answered", "figure.agent_answered.label", "figure.agent_answered", true}
	defAgentMissed   = figureDef{"def-agent-missed", "figure.agent_missed.label", "figure.agent_missed", true}
	defAgentAvgTalk  = figureDef{"def-agent-avg-talk", "figure.agent_avg_talk.label", "figure.agent_avg_talk", true}
)

// figureDefs are every definition a board page carries.
func figureDefs() []figureDef {
	return []figureDef{defServiceLevel, defWaiting, defLongest, defTalking, defFree, defAnswered, defAbandoned, defShort, defMissed, defOffered, defAvgWait, defAvgTalk, defAgents, defWindow, defAgentAnswered, defAgentMissed, defAgentAvgTalk}
}

// legendEntry explains one tile state: which signal chooses it (a catalog
// key).
type legendEntry struct {
	State  board.TileState
	Signal string
}

// legend lists the states in the order the board chooses between them: the
// first that applies colours the tile.
func legend() []legendEntry {
	states := []board.TileState{board.TileRT, board.TileTalking, board.TileRinging, board.TileDND, board.TileAway, board.TileAvailable, board.TileOffline, board.TileUnknown}
	out := make([]legendEntry, len(states))
	for i, s := range states {
		out[i] = legendEntry{State: s, Signal: "legend." + string(s)}
	}
	return out
}

// stateLabel is the label of s in ctx's language.
func stateLabel(ctx context.Context, s board.TileState) StateLabel {
	return label(speaker(langOf(ctx)), s)
}

// formulaText is the service level formula of one queue in ctx's language:
// its threshold, basis and short abandons, and the window.
func formulaText(ctx context.Context, f board.Formula, window string) string {
	short := tr(ctx, "formula.short_none")
	switch {
	case f.ShortAbandon < 0: // queues taken together, each with its own
		short = tr(ctx, "formula.short_each")
	case f.ShortAbandon > 0:
		short = tr(ctx, "formula.short_some", seconds(f.ShortAbandon))
	}
	threshold := seconds(f.Threshold) + " s"
	if f.Threshold == 0 { // queues taken together, each with its own
		threshold = tr(ctx, "formula.own_threshold")
	}
	key := "formula.offered"
	if f.Basis == board.BasisAnswered {
		key = "formula.answered"
	}
	return tr(ctx, key, threshold, short, window)
}

// slDefID is the id of the element that explains queue q's formula.
func slDefID(q QueueRow) string { return "sl-" + q.ID }

// percent is a rate as the board shows it, e.g. "93 %" in ctx's way of
// writing numbers; "–" when there was no call to divide by.
func percent(ctx context.Context, v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return tr(ctx, "figure.percent", int(math.Round(v)))
}

// rate is a figure's data attribute value: the rate with one decimal, ""
// when there is none (the client then has no level from it).
func rate(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// maxWaiters is how many waiting callers a queue's list holds at most; the
// client shows as many as fit and says "+N more" for the rest, these
// beyond included (data-more).
const maxWaiters = 12

// window is one rolling window of a queue.
type window struct {
	Minutes int
	Figures
}

func windows(q QueueRow) []window {
	return []window{{15, q.Last15}, {30, q.Last30}, {60, q.Last60}}
}

// windowText sums a rolling window up in one line.
func windowText(ctx context.Context, w window) string {
	return tr(ctx, "window.figures", w.Minutes, percent(ctx, w.ServiceLevel, w.HasServiceLevel), number(ctx, w.Offered), number(ctx, w.Abandoned), minSec(w.SpeedOfAnswer))
}

// abandonedText is today's abandons and their rate, e.g. "4 · 9 %".
func abandonedText(ctx context.Context, f Figures) string {
	if !f.HasAbandonRate {
		return number(ctx, f.Abandoned)
	}
	return number(ctx, f.Abandoned) + " · " + percent(ctx, f.AbandonRate, true)
}

// agentsText is the queue's members by state, in words.
func agentsText(ctx context.Context, q QueueRow) string {
	if q.Members == 0 {
		return tr(ctx, "queue.no_members")
	}
	return tr(ctx, "queue.agents", number(ctx, q.Free), number(ctx, q.AgentsTalking), number(ctx, q.AgentsRinging), number(ctx, q.AgentsAway), number(ctx, q.AgentsOffline))
}
