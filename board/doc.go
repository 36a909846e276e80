// Package board is the wall board's state machine: users with their presence
// and telephony, active calls and their legs, live conferences, queues and
// today's counters, built only from Events.
//
// Apply is the one writer. It returns what changed (for pushing to
// browsers) and moves Seq by one when anything did, so a duplicate, a stale
// or a no-op event is invisible downstream. Snapshot and the lookups return
// deep copies. MarshalBinary and UnmarshalBinary save and restore the full
// state, so a restart is "load the last snapshot, replay the events after
// it".
//
// How state is derived:
//
//   - Users are keyed by (company, extension) and appear once any event
//     names them: presence events, local call parties, conference
//     participants, the agent of a completed call. Events carrying only an
//     email join the user with that email in the same company, or are
//     ignored for users. Known identity fields are never blanked.
//   - Telephony comes from presence:telephony once one was received for the
//     user; until then it is derived from the user's active calls (the
//     rules are on User.Telephony). User.State turns telephony and manual
//     status into the tile's state by a documented precedence.
//   - Calls merge legs by Index; the newest leg gives the state, the newest
//     leg that has them give direction, queue and trunk. A leg, once
//     connected or on hold, does not go back to ringing: a call does not
//     un-answer. An ended or expired call is tombstoned: later updates for
//     it change nothing.
//   - A presence:telephony "talking" report answers a ringing leg: the
//     PBX's legacy call events say ringing (CONNECTING) for a call's whole
//     life, so the callee's report is the only sign of the answer. When the
//     reporting user is the local callee of exactly one ringing leg and is
//     on no connected or held leg, that leg becomes connected and its call
//     answered. "rt" (talking on one call, ringing on another) and
//     "ringing" infer nothing; neither does a caller's report.
//   - Calls and conferences silent for their TTL expire, on any event
//     including a Tick; the day rolls over when an event's At falls on a
//     later day in Options.Location.
//   - Queue live figures come from active calls naming the queue; daily
//     figures from call:completed records, counted once per call id.
//   - Queue membership is learned, because events do not carry it: a local
//     callee of a leg naming a queue, rung or answered, is a member of that
//     queue (in the call's company) until the day rolls over. A queue's
//     Free counts its members whose tile is available, and changes with
//     their tiles.
package board
