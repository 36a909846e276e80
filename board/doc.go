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
// How time is trusted:
//
//   - An event's own time is a claim; its receive time (Event.Received, as
//     the event log recorded it) is a fact. TrustTime, a pure function,
//     decides what the board uses and why (a TimeFix, counted in
//     Counters): a claim more than Options.MaxSkew ahead of its receipt,
//     before 2000 or beyond 9999 takes the receive time; one in seconds is
//     converted; with no receive time an unbelievable claim is refused.
//   - The trusted time orders facts about one entity. The receive time is
//     the company's clock: it rolls the company's day and ages its calls,
//     conferences and tombstones (expiry counts from when the board last
//     received something about them, never from the PBX's claims). So a PBX
//     clock hours behind or ahead neither expires calls at once nor keeps
//     them forever, and nothing one company sends moves another's clock.
//
// How companies are kept apart: every company has its own clock, day (in
// its own time zone, Options.Locations), sequence (CompanySeq; what a viewer
// of one company is shown instead of Seq, which moves with every company's
// activity), expiry and tombstones, and its own Limits on what its events
// can create. An Apply reports only changes of its event's company (a Tick:
// of any company).
//
// How state is derived:
//
//   - Users are keyed by (company, extension) and appear once any event
//     names them: presence events, local call parties, conference
//     participants, the agent of a completed call. Events carrying only an
//     email join the user with that email in the same company, or are
//     ignored for users. Known identity fields are never blanked.
//   - Telephony comes from presence:telephony once one was received for the
//     user, per device: the busiest device's report wins; until then it is
//     derived from the user's active calls (the rules are on
//     User.Telephony). User.State turns telephony and manual status into the
//     tile's state by a documented precedence.
//   - Calls merge legs by Index (see CallUpsert): a live event lists every
//     current leg, so a leg it leaves out has ended, and a leg the PBX says
//     ended is dropped. The call is connected when any leg is (a ring-all
//     queue call is answered when one agent answers), else on hold, else
//     ringing. A leg connected or on hold that an event says is ringing is
//     connected (a call does not un-answer, and a HOLD ends with the next
//     status that is not HOLD) unless the callee changed (a transfer rings
//     the new callee). A nil callee or an empty caller never erases a known
//     one. An ended or expired call is tombstoned: later updates for it
//     change nothing.
//   - A presence:telephony "talking" report answers a ringing leg: the
//     PBX's legacy call events say ringing (CONNECTING) for a call's whole
//     life, so the callee's report is the only sign of the answer. When the
//     reporting user is the local callee of exactly one ringing leg and is
//     on no connected or held leg, that leg becomes connected and its call
//     answered. "rt" (talking on one call, ringing on another) and
//     "ringing" infer nothing; neither does a caller's report.
//   - Order: for events with distinct times the final board does not
//     depend on the order of delivery (webhooks are concurrent, SQS
//     unordered). The newest event about an entity decides its state; an
//     older one still contributes what stays true: the people and queue
//     members it names, an earlier start, an earlier answer (a leg it shows
//     connected or held, or ringing to a callee whose "talking" report came
//     between it and the call's last update). Exceptions, by nature: Seq and
//     a tile's Since are facts of delivery; in the legacy format a "talking"
//     report arriving after the call was transferred away from its sender
//     cannot say when the first callee answered; a conference join older than
//     the conference's last update is ignored.
//   - Calls and conferences that received nothing for their TTL expire, on
//     any event of their company and on Ticks; a conference:live:progress
//     listing nobody ends its conference, and an older event does not bring
//     it back.
//   - Queue live figures come from active calls naming the queue; daily
//     figures from call:completed records, counted once per call id and day
//     of the company.
//   - Queue membership is learned, because events do not carry it: a local
//     callee of a leg naming a queue, rung or answered, is a member of that
//     queue (in the call's company) until the company's day rolls over. A
//     queue's Free counts its members whose tile is available, and changes
//     with their tiles.
package board
