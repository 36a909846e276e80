package views

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/wallboard/wallboard/board"
)

// The view models below are what the components display. They are built by
// pure functions (no clock, no I/O) from board values and an Audience, and
// they are already filtered and masked for that Audience: a component cannot
// leak what its model does not carry.

// StateLabel is how a TileState is shown. Colour is never the only signal:
// every state has a word and an icon.
type StateLabel struct {
	State board.TileState
	Word  string // e.g. "Talking"
	Icon  string // icon name: "check", "phone", "bell", "phone-ring", "no-entry", "clock", "off", "question"
	// Rank is the state's place in the board's precedence (0 for rt, the
	// first that applies, up to 7 for unknown): the browser's sort=state
	// orders by it and never encodes the precedence itself.
	Rank int
}

// Label returns the label of a TileState in English; an unknown value is
// shown as board.TileUnknown.
func Label(s board.TileState) StateLabel { return label(speaker(Languages[0]), s) }

// stateIcons are the icons of the states, and their ranks (the board's
// precedence: 0 for rt, the first that applies, up to 7 for unknown).
var stateIcons = map[board.TileState]struct {
	icon string
	rank int
}{
	board.TileRT: {"phone-ring", 0}, board.TileTalking: {"phone", 1}, board.TileRinging: {"bell", 2},
	board.TileDND: {"no-entry", 3}, board.TileAway: {"clock", 4}, board.TileAvailable: {"check", 5},
	board.TileOffline: {"off", 6}, board.TileUnknown: {"question", 7},
}

// label returns the label of a TileState in p's language.
func label(p speaker, s board.TileState) StateLabel {
	si, ok := stateIcons[s]
	if !ok {
		s, si = board.TileUnknown, stateIcons[board.TileUnknown]
	}
	return StateLabel{State: s, Word: p.Sprintf("state." + string(s)), Icon: si.icon, Rank: si.rank}
}

// headerStates are the states counted in the header, in display order.
var headerStates = [...]board.TileState{
	board.TileAvailable, board.TileRinging, board.TileTalking, board.TileRT,
	board.TileDND, board.TileAway, board.TileOffline, board.TileUnknown,
}

// StateCount is how many tiles show one state.
type StateCount struct {
	Label StateLabel
	N     int
}

// Party is one end of a call as displayed. Its numbers (and its name, when
// the name carries a number) are already masked when the audience is masked
// and the party is remote.
type Party struct {
	Name      string
	Number    string // the number shown: the extension or phone
	Extension string // as the PBX gave them, masked alike; for the API
	Phone     string
	Local     bool
}

// Tile is one user: a tile on the board, a row in the agent view.
type Tile struct {
	ID         string // TileID(Company, Extension)
	Company    string
	Extension  string
	Name       string // display name: the name, else the email, else the extension
	Short      string // ShortName(Name), for a TV tile where Name does not fit; "" when none is shorter
	Search     string // what a search matches: Fold(Name) and the extension
	Group      string
	Department string
	Telephony  string // the effective telephony value, as received
	State      StateLabel
	Reason     string    // why the tile shows State, in the audience's words
	Message    string    // the status message
	Until      time.Time // when the status ends; zero when not set
	Since      time.Time // when the tile entered State: the "time in state" origin; zero when unknown
	Call       *TileCall // the newest active call; nil when none, and always in the agent view
	Sort       string    // data-sort: company, then name, then extension

	// SinceSort orders tiles by time in state (sort=since), longest first:
	// Since in UTC, so that string order is time order; "" when unknown.
	SinceSort string

	// What the JSON API adds, as the board has them.
	PBXName           string // the name as the PBX gave it; "" when none
	Email             string
	Status            string
	Location          string
	TelephonyReported bool
	InConference      bool
	CallIDs           []string
}

// TileCall is what a tile shows of the user's call.
type TileCall struct {
	Direction board.Direction
	Other     Party     // the party at the other end
	Since     time.Time // answered at, else started at: the live duration's origin
}

// CallRow is one active call.
type CallRow struct {
	ID        string // CallID(Company, CallID)
	CallID    string // the PBX's call id
	Company   string
	Direction board.Direction
	State     string
	From, To  Party // caller and callee of the newest leg
	Queue     string
	Since     time.Time // answered at, else started at: the live duration's origin
	Sort      string    // start time, then id

	// What the JSON API adds.
	StartedAt, AnsweredAt time.Time
	Trunk                 string
	Parties               []Party // everyone on the call once, in leg order: callers first
}

// QueueRow is one queue's figures.
type QueueRow struct {
	ID         string // QueueID(Company, Name)
	Company    string
	Name       string
	Waiting    int
	OldestWait time.Time // zero when nobody waits
	Talking    int
	// Waiters are the callers waiting now, longest first, masked as calls
	// are for the audience.
	Waiters []Waiter
	// Members are the queue's members, configured and learned from today's
	// queue calls, each counted once by their tile (see board.QueueStats):
	// Free (available), AgentsTalking, AgentsRinging, AgentsAway,
	// AgentsOffline.
	Members       int
	Free          int
	AgentsTalking int
	AgentsRinging int
	AgentsAway    int
	AgentsOffline int
	// Today's figures, since midnight in the company's time zone.
	Answered int
	Missed   int
	AvgWait  time.Duration // WaitTotal / Answered; zero when nothing was answered
	AvgTalk  time.Duration // TalkTotal / Answered; zero when nothing was answered
	Sort     string

	// Formula classifies the queue's calls; Today, the rolling windows and
	// the intervals are its figures by it.
	Formula                       board.Formula
	Today, Last15, Last30, Last60 Figures
	Intraday                      []IntervalRow

	WaitTotal, TalkTotal, HoldTotal time.Duration // today's totals, for the API

	// The queue's shared alert state (board.QueueAlert): the level
	// acknowledged ("" none), by whom and when, and until when its alerts
	// are snoozed.
	Acked        string
	AckedBy      string
	AckedAt      time.Time
	SnoozedUntil time.Time
	SnoozedBy    string
}

// Waiter is a caller waiting in a queue.
type Waiter struct {
	CallID string // the PBX's call id
	Caller Party
	Since  time.Time
}

// Figures are a queue's counted calls over a span, with the rates the
// formula derives from them.
type Figures struct {
	Offered, Answered, AnsweredInSL, Abandoned, ShortAbandoned int
	// ServiceLevel and AbandonRate are percentages; HasServiceLevel and
	// HasAbandonRate are false when there was no call to divide by.
	ServiceLevel, AbandonRate       float64
	HasServiceLevel, HasAbandonRate bool
	SpeedOfAnswer, AvgTalk          time.Duration // rounded to the second
}

// IntervalRow is one 15-minute interval of a queue's day.
type IntervalRow struct {
	Start time.Time
	Clock string // Start on the company's clock, "09:15"
	Figures
}

// NewFigures are the figures of p by formula f, as the board shows them.
func NewFigures(p board.Period, f board.Formula) Figures { return newFigures(p, f) }

func newFigures(p board.Period, f board.Formula) Figures {
	out := Figures{
		Offered: p.Offered(), Answered: p.Answered, AnsweredInSL: p.AnsweredInSL,
		Abandoned: p.Abandoned, ShortAbandoned: p.ShortAbandoned,
		SpeedOfAnswer: average(p.WaitTotal, p.Answered), AvgTalk: average(p.TalkTotal, p.Answered),
	}
	out.ServiceLevel, out.HasServiceLevel = p.ServiceLevel(f.Basis)
	out.AbandonRate, out.HasAbandonRate = p.AbandonRate()
	return out
}

// AgentRow is one agent's figures for today, since midnight in the board's
// time zone. Only agents who answered or missed a call today have one.
type AgentRow struct {
	ID        string // AgentID(Company, Extension)
	TileID    string // TileID(Company, Extension): the user's tile, whose filters the row follows
	Company   string
	Extension string
	Name      string // the user's display name, else the extension
	Answered  int
	Missed    int
	AvgTalk   time.Duration // TalkTotal / Answered; zero when nothing was answered
	Sort      string        // company, then name, then extension, as tiles
	TalkTotal time.Duration // today's totals, for the API
	HoldTotal time.Duration
}

// ConferenceRow is one live conference.
type ConferenceRow struct {
	ID           string // ConferenceID(Company, ConferenceID)
	ConferenceID string // the PBX's conference id
	Company      string
	Subject      string // as the PBX gave it; "" when it gave none
	Participants []Participant
	StartedAt    time.Time
	Sort         string
}

// Participant is one person in a conference. A guest who is no PBX user (no
// extension) is masked like a caller for a masked audience: Display and Name
// go through MaskName.
type Participant struct {
	Display   string // the name, else the email, else the extension
	Name      string
	Email     string
	Extension string
}

// Board is the supervisors' wall board for one Audience.
type Board struct {
	Seq    uint64 // the board's seq, or the company's own for a one-company audience
	Day    string // today's date (YYYY-MM-DD), the company's for a one-company audience: the window of the daily figures
	Counts []StateCount
	Tiles  []Tile
	Calls  []CallRow
	Queues []QueueRow
	// QueueTotals are each company's queues together (board.QueueTotal),
	// for companies with two queues or more.
	QueueTotals []QueueRow
	Conferences []ConferenceRow
	Agents      []AgentRow

	parts []part // the containers as rendered once, when built by NewView
}

// Agent is the agents' colleague list for one Audience.
type Agent struct {
	Counts []StateCount
	People []Tile

	parts []part // the containers as rendered once, when built by NewView
}

// callLookup finds an active call; the snapshot and a Source both provide one.
type callLookup func(company, id string) (board.Call, bool)

// NewBoard builds the wall board of snap for aud.
func NewBoard(snap board.Snapshot, aud Audience) Board {
	calls := make(map[[2]string]board.Call, len(snap.Calls))
	for _, c := range snap.Calls {
		calls[[2]string{c.Company, c.ID}] = c
	}
	lookup := func(company, id string) (board.Call, bool) {
		c, ok := calls[[2]string{company, id}]
		return c, ok
	}
	b := Board{Seq: snap.Seq, Day: snap.Day}
	if aud.Company != "" {
		// One tenant's own seq and day: the board's move with every
		// company's activity, which another tenant must not see.
		cs := snap.Company(aud.Company)
		b.Seq, b.Day = cs.Seq, cmp.Or(cs.Day, snap.Day) // the company's own day, in its time zone
	}
	names := make(map[[2]string]string, len(snap.Agents))
	for _, u := range snap.Users {
		if aud.shows(u.Company) {
			t := newTile(u, lookup, aud)
			b.Tiles = append(b.Tiles, t)
			names[[2]string{u.Company, u.Extension}] = t.Name
		}
	}
	for _, a := range snap.Agents {
		if aud.shows(a.Company) {
			b.Agents = append(b.Agents, newAgentRow(a, names[[2]string{a.Company, a.Extension}]))
		}
	}
	for _, c := range snap.Calls {
		if aud.shows(c.Company) {
			b.Calls = append(b.Calls, newCallRow(c, aud))
		}
	}
	for _, q := range snap.Queues {
		if aud.shows(q.Company) {
			b.Queues = append(b.Queues, newQueueRow(q, aud))
		}
	}
	for _, q := range snap.QueueTotals {
		if aud.shows(q.Company) {
			b.QueueTotals = append(b.QueueTotals, newQueueTotalRow(q, aud))
		}
	}
	for _, c := range snap.Conferences {
		if aud.shows(c.Company) {
			b.Conferences = append(b.Conferences, newConferenceRow(c, aud))
		}
	}
	sortBySortKey(b.Tiles, func(t *Tile) string { return t.Sort })
	sortBySortKey(b.Calls, func(c *CallRow) string { return c.Sort })
	sortBySortKey(b.Queues, func(q *QueueRow) string { return q.Sort })
	sortBySortKey(b.QueueTotals, func(q *QueueRow) string { return q.Sort })
	sortBySortKey(b.Conferences, func(c *ConferenceRow) string { return c.Sort })
	sortBySortKey(b.Agents, func(a *AgentRow) string { return a.Sort })
	b.Counts = countStates(b.Tiles, aud)
	return b
}

// NewAgent builds the colleague list of snap for aud.
func NewAgent(snap board.Snapshot, aud Audience) Agent {
	var a Agent
	for _, u := range snap.Users {
		if aud.shows(u.Company) {
			a.People = append(a.People, newTile(u, nil, aud))
		}
	}
	sortBySortKey(a.People, func(t *Tile) string { return t.Sort })
	a.Counts = countStates(a.People, aud)
	return a
}

// sortBySortKey orders rows as the browser inserts them: by data-sort,
// compared as strings. It sorts indices rather than the (large) rows.
func sortBySortKey[T any](rows []T, key func(*T) string) {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key(&rows[a]), key(&rows[b])) })
	sorted := make([]T, len(rows))
	for i, j := range order {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

func countStates(tiles []Tile, aud Audience) []StateCount {
	counts := make([]StateCount, len(headerStates))
	for i, s := range headerStates {
		counts[i].Label = label(aud.printer(), s)
	}
	for _, t := range tiles {
		if i := slices.Index(headerStates[:], t.State.State); i >= 0 {
			counts[i].N++
		}
	}
	return counts
}

// newTile builds u's tile. calls finds u's active calls; nil leaves Call
// empty (the agent view shows no call details).
func newTile(u board.User, calls callLookup, aud Audience) Tile {
	name := displayName(u)
	state, why := u.State()
	t := Tile{
		ID:                TileID(u.Company, u.Extension),
		Company:           u.Company,
		Extension:         u.Extension,
		Name:              name,
		Short:             ShortName(name),
		Search:            searchText(name, u.Extension),
		Group:             u.Group,
		Department:        u.Department,
		Telephony:         u.Telephony,
		State:             label(aud.printer(), state),
		Reason:            reasonText(aud.printer(), why),
		Message:           u.Message,
		Until:             u.Until,
		Since:             u.Since,
		Sort:              sortKey(u.Company, strings.ToLower(name), u.Extension),
		PBXName:           u.Name,
		Email:             u.Email,
		Status:            u.Status,
		Location:          u.Location,
		TelephonyReported: u.TelephonyReported,
		InConference:      u.InConference,
		CallIDs:           u.CallIDs,
	}
	if !u.Since.IsZero() {
		t.SinceSort = u.Since.UTC().Format(sortTime)
	}
	if calls == nil {
		return t
	}
	// CallIDs are oldest first; the newest call is the one to show.
	for _, id := range slices.Backward(u.CallIDs) {
		c, ok := calls(u.Company, id)
		if !ok || len(c.Legs) == 0 {
			continue
		}
		t.Call = &TileCall{
			Direction: c.Direction,
			Other:     otherParty(userLeg(c, u.Extension), u.Extension, aud),
			Since:     cmp.Or(c.AnsweredAt, c.StartedAt),
		}
		break
	}
	return t
}

// displayName is how u is named: the name, else the email, else the
// extension.
func displayName(u board.User) string { return cmp.Or(u.Name, u.Email, u.Extension) }

// userLeg is the newest leg of c naming the local user ext (in a ring-all
// queue call each agent has a leg of their own), else the newest leg.
func userLeg(c board.Call, ext string) board.Leg {
	for _, l := range slices.Backward(c.Legs) {
		if l.Caller.Local && l.Caller.Extension == ext || l.Callee != nil && l.Callee.Local && l.Callee.Extension == ext {
			return l
		}
	}
	return c.Legs[len(c.Legs)-1]
}

// otherParty is the end of leg that is not the local user ext.
func otherParty(leg board.Leg, ext string, aud Audience) Party {
	if leg.Caller.Local && leg.Caller.Extension == ext {
		return callee(leg, aud)
	}
	return newParty(leg.Caller, aud)
}

// callee is the leg's callee, or its destination while unresolved.
func callee(leg board.Leg, aud Audience) Party {
	if leg.Callee != nil {
		return newParty(*leg.Callee, aud)
	}
	if leg.Direction == board.Internal {
		return Party{Number: leg.Destination, Local: true}
	}
	d := maskIf(aud.Masked, leg.Destination)
	return Party{Number: d, Phone: d}
}

// newParty displays p. For a masked audience a remote party's number is
// masked, and so is its name when the name carries digits (a caller id is
// often just the number).
func newParty(p board.Party, aud Audience) Party {
	if p.Local {
		return Party{Name: p.Name, Number: cmp.Or(p.Extension, p.Phone), Extension: p.Extension, Phone: p.Phone, Local: true}
	}
	name := p.Name
	if aud.Masked {
		name = MaskName(name)
	}
	return Party{
		Name:      name,
		Number:    maskIf(aud.Masked, cmp.Or(p.Phone, p.Extension)),
		Extension: maskIf(aud.Masked, p.Extension),
		Phone:     maskIf(aud.Masked, p.Phone),
	}
}

func newCallRow(c board.Call, aud Audience) CallRow {
	r := CallRow{
		ID:        CallID(c.Company, c.ID),
		CallID:    c.ID,
		Company:   c.Company,
		Direction: c.Direction,
		State:     c.State,
		Queue:     c.Queue,
		Since:     cmp.Or(c.AnsweredAt, c.StartedAt),
		Sort:      sortKey(c.StartedAt.UTC().Format(sortTime), c.Company, c.ID),
		StartedAt: c.StartedAt, AnsweredAt: c.AnsweredAt, Trunk: c.Trunk,
	}
	if len(c.Legs) > 0 {
		leg := c.Legs[len(c.Legs)-1]
		r.From = newParty(leg.Caller, aud)
		r.To = callee(leg, aud)
	}
	// A person is one party whatever device they use: local parties are
	// told apart by extension (else email), remote ones by number and name.
	seen := map[[3]string]bool{}
	add := func(p board.Party) {
		id := [3]string{"remote", p.Phone, p.Name}
		if p.Local {
			id = [3]string{"local", p.Extension, p.Email}
			if p.Extension != "" {
				id[2] = ""
			}
		}
		if !seen[id] {
			seen[id] = true
			r.Parties = append(r.Parties, newParty(p, aud))
		}
	}
	for _, leg := range c.Legs {
		add(leg.Caller)
		if leg.Callee != nil {
			add(*leg.Callee)
		}
	}
	return r
}

// newQueueTotalRow is a company's all-queues row (see board.QueueTotal):
// a queue row without a name, under its own id.
func newQueueTotalRow(q board.QueueStats, aud Audience) QueueRow {
	r := newQueueRow(q, aud)
	r.ID, r.Name, r.Sort = QueueTotalID(q.Company), "", sortKey(q.Company, "")
	return r
}

func newQueueRow(q board.QueueStats, aud Audience) QueueRow {
	r := QueueRow{
		ID:            QueueID(q.Company, q.Name),
		Company:       q.Company,
		Name:          q.Name,
		Waiting:       q.Waiting,
		OldestWait:    q.OldestWait,
		Talking:       q.Talking,
		Members:       q.Members,
		Free:          q.Free,
		AgentsTalking: q.AgentsTalking,
		AgentsRinging: q.AgentsRinging,
		AgentsAway:    q.AgentsAway,
		AgentsOffline: q.AgentsOffline,
		Answered:      q.Answered,
		Missed:        q.Missed,
		AvgWait:       average(q.WaitTotal, q.Answered),
		AvgTalk:       average(q.TalkTotal, q.Answered),
		Sort:          sortKey(q.Company, strings.ToLower(q.Name)),
		Formula:       q.Formula,
		Today:         newFigures(q.Period, q.Formula),
		Last15:        newFigures(q.Last15, q.Formula),
		Last30:        newFigures(q.Last30, q.Formula),
		Last60:        newFigures(q.Last60, q.Formula),
		WaitTotal:     q.WaitTotal,
		TalkTotal:     q.TalkTotal,
		HoldTotal:     q.HoldTotal,

		Acked:        q.Alert.Acked,
		AckedBy:      q.Alert.AckedBy,
		AckedAt:      q.Alert.AckedAt,
		SnoozedUntil: q.Alert.SnoozedUntil,
		SnoozedBy:    q.Alert.SnoozedBy,
	}
	for _, w := range q.WaitingCalls {
		r.Waiters = append(r.Waiters, Waiter{CallID: w.ID, Caller: newParty(w.Caller, aud), Since: w.Since})
	}
	for _, iv := range q.Intraday {
		r.Intraday = append(r.Intraday, IntervalRow{Start: iv.Start, Clock: iv.Clock, Figures: newFigures(iv.Period, q.Formula)})
	}
	return r
}

// newAgentRow shows a's figures under name, the agent's display name ("" when
// the board does not know the user, which then shows the extension).
func newAgentRow(a board.AgentStats, name string) AgentRow {
	name = cmp.Or(name, a.Extension)
	return AgentRow{
		ID:        AgentID(a.Company, a.Extension),
		TileID:    TileID(a.Company, a.Extension),
		Company:   a.Company,
		Extension: a.Extension,
		Name:      name,
		Answered:  a.Answered,
		Missed:    a.Missed,
		AvgTalk:   average(a.TalkTotal, a.Answered),
		Sort:      sortKey(a.Company, strings.ToLower(name), a.Extension),
		TalkTotal: a.TalkTotal,
		HoldTotal: a.HoldTotal,
	}
}

// average is total / n, rounded to the second; zero when n is not positive.
func average(total time.Duration, n int) time.Duration {
	if n <= 0 {
		return 0
	}
	return (total / time.Duration(n)).Round(time.Second)
}

// newConferenceRow displays c. For a masked audience a guest who is no PBX
// user (no extension) and is named by a number is masked like a caller.
func newConferenceRow(c board.Conference, aud Audience) ConferenceRow {
	r := ConferenceRow{
		ID:           ConferenceID(c.Company, c.ID),
		ConferenceID: c.ID,
		Company:      c.Company,
		Subject:      c.Subject,
		StartedAt:    c.StartedAt,
		Sort:         sortKey(c.StartedAt.UTC().Format(sortTime), c.Company, c.ID),
	}
	for _, p := range c.Participants {
		display, name := cmp.Or(p.Name, p.Email, p.Extension), p.Name
		if aud.Masked && p.Extension == "" {
			display, name = MaskName(display), MaskName(name)
		}
		r.Participants = append(r.Participants, Participant{Display: display, Name: name, Email: p.Email, Extension: p.Extension})
	}
	return r
}

// sortTime formats times so that string order is time order.
const sortTime = "20060102T150405.000000000"

// sortKey joins parts with a tab, which sorts before every printable
// character (so "ann" sorts before "anna" whatever follows) and may appear
// in an HTML attribute.
func sortKey(parts ...string) string { return strings.Join(parts, "\t") }

// maskIf returns s masked when masked is true.
func maskIf(masked bool, s string) string {
	if masked {
		return MaskNumber(s)
	}
	return s
}

// MaskName masks a remote party's name when it carries digits: a caller id
// is often just the number. Every masked audience's output, page, push or
// API, goes through MaskNumber and MaskName.
func MaskName(name string) string {
	if digitCount(name) >= 3 {
		return MaskNumber(name)
	}
	return name
}

// MaskNumber hides a number, keeping at most its last two digits, and only
// when it has at least six (a short number would be given away). The length
// of the mask does not depend on the number. An empty s stays empty.
func MaskNumber(s string) string {
	const mask = "•••••"
	if s == "" {
		return ""
	}
	if digitCount(s) < 6 {
		return mask
	}
	var last []byte
	for i := len(s) - 1; i >= 0 && len(last) < 2; i-- {
		if '0' <= s[i] && s[i] <= '9' {
			last = append([]byte{s[i]}, last...)
		}
	}
	return mask + string(last)
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}
