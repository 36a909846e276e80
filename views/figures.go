package views

import (
	"context"

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

	defAgentAnswered = figureDef{"def-agent-answered", "figure.agent_answered.label", "figure.agent_answered", true}
	defAgentMissed   = figureDef{"def-agent-missed", "figure.agent_missed.label", "figure.agent_missed", true}
	defAgentAvgTalk  = figureDef{"def-agent-avg-talk", "figure.agent_avg_talk.label", "figure.agent_avg_talk", true}
)

// figureDefs are every definition a board page carries.
func figureDefs() []figureDef {
	return []figureDef{defWaiting, defLongest, defTalking, defFree, defAnswered, defMissed, defAvgWait, defAvgTalk, defAgentAnswered, defAgentMissed, defAgentAvgTalk}
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
	return label(printerFor(langOf(ctx)), s)
}
