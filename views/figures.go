package views

import "github.com/wallboard/wallboard/board"

// Every daily or live figure on the board explains its formula and window.
// The explanations are written once per page, as hidden elements that the
// figures' labels reference with aria-describedby (for screen readers and
// keyboard focus) and repeat in title (for the mouse).

// figureDef is one figure's label and explanation. ID is the id of the
// hidden element that holds Explain.
type figureDef struct {
	ID      string
	Label   string
	Explain string
}

// The window every daily figure counts over.
const todayWindow = "today: completed calls since 00:00 in the board's time zone, reset at midnight"

var (
	defWaiting  = figureDef{"def-waiting", "Waiting", "Live: calls in this queue ringing now, not yet answered by an agent."}
	defLongest  = figureDef{"def-longest", "Longest", "Live: how long the longest-waiting call in this queue has waited so far (ticks)."}
	defTalking  = figureDef{"def-talking", "Talking", "Live: calls from this queue connected to an agent or on hold now."}
	defFree     = figureDef{"def-free", "Free", "Live: members of this queue free now (tile Available) / its members. The PBX does not say who is in a queue: a member is anyone a call of this queue rang or reached today (members are learned from today's queue calls and forgotten at midnight); – until a queue call shows one."}
	defAnswered = figureDef{"def-answered", "Answered", "Queue calls answered by an agent, " + todayWindow + "."}
	defMissed   = figureDef{"def-missed", "Missed", "Queue calls that ended without an agent answering, " + todayWindow + "."}
	defAvgWait  = figureDef{"def-avg-wait", "Avg wait", "Total wait of the answered queue calls ÷ answered calls, " + todayWindow + ". Missed calls are not included."}
	defAvgTalk  = figureDef{"def-avg-talk", "Avg talk", "Total talk time of the answered queue calls ÷ answered calls, " + todayWindow + "."}

	defAgentAnswered = figureDef{"def-agent-answered", "Answered", "Calls this agent answered, " + todayWindow + "."}
	defAgentMissed   = figureDef{"def-agent-missed", "Missed", "Calls offered to this agent that they did not answer, " + todayWindow + "."}
	defAgentAvgTalk  = figureDef{"def-agent-avg-talk", "Avg talk", "This agent's total talk time ÷ calls they answered, " + todayWindow + "."}
)

// figureDefs are every definition a board page carries.
func figureDefs() []figureDef {
	return []figureDef{defWaiting, defLongest, defTalking, defFree, defAnswered, defMissed, defAvgWait, defAvgTalk, defAgentAnswered, defAgentMissed, defAgentAvgTalk}
}

// legendEntry explains one tile state: which signal chooses it.
type legendEntry struct {
	Label  StateLabel
	Signal string
}

// legend lists the states in the order the board chooses between them: the
// first that applies colours the tile.
func legend() []legendEntry {
	return []legendEntry{
		{Label(board.TileRT), "The phone reports a call in progress and another ringing."},
		{Label(board.TileTalking), "The phone reports a call, or the user is a party of a connected or held call, or is dialling."},
		{Label(board.TileRinging), "The phone reports ringing, or the user is the callee of a ringing call."},
		{Label(board.TileDND), "The phone is idle and the user's status is Do not disturb (or Busy)."},
		{Label(board.TileAway), "The phone is idle and the user's status is Away."},
		{Label(board.TileAvailable), "The phone is registered and idle, and the status is Available, not set, or one the PBX does not document (shown as received)."},
		{Label(board.TileOffline), "The phone reports another state, e.g. unregistered, or the user's status is Offline or Unavailable."},
		{Label(board.TileUnknown), "Nothing reported yet."},
	}
}
