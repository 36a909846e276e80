// Package wildix speaks the Wildix PBX's integration vocabulary: it
// authenticates event bodies (Verify, Sign), decodes their common envelope
// (Decode) and translates them into facts the board understands (Translate).
//
// Wildix payloads are loosely typed and evolve without notice, so decoding is
// tolerant: any field may be missing, null or accompanied by fields we do not
// know; identifiers may arrive as JSON strings or numbers; numbers may arrive
// as numeric strings. Only what cannot be understood at all is an error: a
// body that is not a JSON object (ErrNotObject), an event without a type
// (ErrNoType), a type we do not know (ErrUnknownType) or data whose shape is
// impossible, such as an object where a name belongs (ErrBadData).
//
// Text from the PBX is untrusted. It is trimmed and capped in length (see
// MaxTextLen) but otherwise kept as received: escaping is the view's job.
//
// The package performs no I/O and keeps no state.
//
// # The rules, and why
//
// The vendor documents payload shapes by example (the developer docs'
// webhook pages for calls, analytics, presence and conferences; the
// public repositories Wildix/wildix-webhook-example and Wildix/sdk-examples)
// and leaves much open. These are the rules the wallboard adopts; each is
// tested with fixtures in testdata (testdata/flows holds whole call flows,
// replayed by the flow tests in both call formats).
//
// Time. An event's time (data.time, else the envelope's, in milliseconds)
// is the sender's claim. Translate passes it on as board.Event.At; the
// server adds the receive time it logged with the event (board.Event.Received),
// and board.TrustTime decides what the board believes: a claim more than
// the skew (default 5 minutes) ahead of its receipt, before 2000, or beyond
// what milliseconds allow takes the receive time; a claim in seconds is
// converted. Why: PBX clocks drift and hostile values must not move a day,
// expire calls or make later genuine events look older, and the decision
// must be the same on every node, so it uses the logged receive time and
// never a node's clock. Late claims are believed: retries and SQS backlogs
// deliver late, and a late fact still happened when it says.
//
// Live calls (call:live:progress). A progress event is a picture of the
// whole call: it lists every current flow (the documented examples carry
// each flow's running counters — duration, talk, wait — which only a full
// picture can), so Translate marks it board.CallUpsert.Complete and a flow
// absent from a later event has ended. A flow whose status is end-like
// (COMPLETED, MISSED, ENDED, HANGUP, REJECTED, BUSY, NOANSWER, FAILED,
// CANCELLED, …) or that carries a callStatus has ended too. Why: in a
// ring-all queue every agent rung gets a flow; when one answers the others
// stop ringing, and whether the PBX drops their flows or marks them MISSED,
// those agents must go back to free and the call must not read "missed".
// The call is connected when any current flow is (see board.Call). Flow
// states: HOLD is hold; RINGING, CONNECTING, ALERTING, DIALING and CALLING
// are ringing; TALKING, CONNECTED, ANSWERED and UP are connected; a missing
// status is connected when the flow reports talk time, else ringing; any
// other status is kept lower-cased. Live calls are keyed on data.id (the
// documented envelope id differs from it), else the envelope id; a flow
// without a usable flowIndex takes its position in the list.
// call:live:completed, call:live:interrupted and eventTrigger call.end end
// the call.
//
// Legacy calls (call:start, call:update, call:end) are keyed on the
// envelope id and become one leg with Index 0. The only status ever
// captured is CONNECTING, for the whole call, so it reads ringing; the
// callee's presence:telephony "talking" is what answers it (see
// board.Telephony). call:start names no callee (null) and call:update,
// often with the same time, does: a null never erases a known party, in
// either order. A HOLD ends with the next status that is not HOLD. A
// callee different from the leg's previous one is a transfer: the new
// callee is shown ringing, not answered. The callee appearing is not taken
// as an answer: a captured call:update names the callee of a call that was
// then rejected. Direction: a remote caller is inbound; a local caller is
// internal with a local callee and outbound with a remote callee or a
// trunk; anything else is unknown.
//
// Completed calls (call:completed, analytics) feed today's figures, never
// live state. Answered or missed follows the flows' own callStatus: the
// call was answered when a flow says COMPLETED, missed when flows say
// otherwise (MISSED); without any callStatus, answered when a flow reports
// talk time, else the record's callStatus decides. connectTime is the ring
// time before an answer, not an answer. The agent is the local callee of
// the first answered flow; a missed call is charged to every local callee
// it rang (a ring-all queue rings several), an answered one to nobody but
// its agent (the losing flows of a ring-all are not misses). The wait is the data's or flows' queueTime when
// present, else the length of the union of the flows' waiting intervals
// (startTime to startTime + waitTime): parallel ring-all flows all carry the
// same wait and count once, flows one after another add up; without start
// times the longest wait. Talk is the sum of the flows' talk time; hold the
// data's holdTime, else the flows' sum. The queue is data.queueName, else
// the first flow's; the direction the first flow's that is known. EndedAt
// is the latest flow endTime, else the event's time. A record is counted
// once per call id and day.
//
// Presence. presence:user's status is kept lower-cased; empty means
// available. The vendor documents available, away and dnd and names "busy"
// among the statuses; the board shows busy as do not disturb, offline and
// unavailable as offline, and any other value (e.g. "mur") as received,
// never as "away" (see board.User.State). presence:telephony's sourceId
// names the reporting device: each device's report replaces only its own,
// and the person's telephony is their busiest device's, so a desk phone
// that is talking stays talking when the mobile app reports registered.
// Its values (registered, ringing, talking, rt) are documented; others are
// kept as received. presence:conference: isJoined decides when present,
// else isLeaved; an event with neither yields nothing.
//
// Conferences. Participants are known by their stable ids: xbsId, else
// jid, else extension, else email — never by display name, because dial-in
// guests are often all called "Guest". A conference:live:progress listing
// nobody ends the conference (the vendor's end event is not documented;
// idle conferences also expire after -conference-ttl).
// conference:live:join without a participant yields nothing.
//
// Devices and calls. A person is one party of a call whatever device
// (userDevice) they use: the board keys call parties on the user.
package wildix
