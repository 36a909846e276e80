package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/views"
)

// The JSON of GET /api/v1/state. Field names are a public contract:
// monitoring and scripts outside the repository read them.
type (
	apiState struct {
		Seq         uint64          `json:"seq"`
		Day         string          `json:"day"`
		Users       []apiUser       `json:"users"`
		Calls       []apiCall       `json:"calls"`
		Conferences []apiConference `json:"conferences"`
		Queues      []apiQueue      `json:"queues"`
		Agents      []apiAgent      `json:"agents"`
	}
	apiUser struct {
		Company           string     `json:"company"`
		Extension         string     `json:"extension"`
		Email             *string    `json:"email"`
		Name              *string    `json:"name"`
		Group             *string    `json:"group"`
		Department        *string    `json:"department"`
		Telephony         string     `json:"telephony"`
		TelephonyReported bool       `json:"telephonyReported"`
		Status            string     `json:"status"`
		Message           *string    `json:"message"`
		Until             *time.Time `json:"until"`
		Location          *string    `json:"location"`
		InConference      bool       `json:"inConference"`
		State             string     `json:"state"`
		StateReason       string     `json:"stateReason"`
		Since             *time.Time `json:"since"`
		CallIDs           []string   `json:"callIds"`
	}
	apiCall struct {
		ID         string     `json:"id"`
		Company    string     `json:"company"`
		Direction  string     `json:"direction"`
		State      string     `json:"state"`
		StartedAt  *time.Time `json:"startedAt"`
		AnsweredAt *time.Time `json:"answeredAt"`
		Queue      *string    `json:"queue"`
		Trunk      *string    `json:"trunk"`
		Parties    []apiParty `json:"parties"`
	}
	apiParty struct {
		Extension *string `json:"extension"`
		Phone     *string `json:"phone"`
		Name      *string `json:"name"`
		Local     bool    `json:"local"`
	}
	apiConference struct {
		ID           string           `json:"id"`
		Company      string           `json:"company"`
		Subject      *string          `json:"subject"`
		StartedAt    *time.Time       `json:"startedAt"`
		Participants []apiParticipant `json:"participants"`
	}
	apiParticipant struct {
		Email     *string `json:"email"`
		Extension *string `json:"extension"`
		Name      *string `json:"name"`
	}
	apiQueue struct {
		Company    string     `json:"company"`
		Name       string     `json:"name"`
		Waiting    int        `json:"waiting"`
		OldestWait *time.Time `json:"oldestWaitSince"`
		Talking    int        `json:"talking"`
		Members    int        `json:"membersToday"`
		Free       int        `json:"free"`
		Answered   int        `json:"answeredToday"`
		Missed     int        `json:"missedToday"`
		WaitTotal  float64    `json:"waitSecondsToday"`
		TalkTotal  float64    `json:"talkSecondsToday"`
		HoldTotal  float64    `json:"holdSecondsToday"`
	}
	apiAgent struct {
		Company   string  `json:"company"`
		Extension string  `json:"extension"`
		Answered  int     `json:"answeredToday"`
		Missed    int     `json:"missedToday"`
		TalkTotal float64 `json:"talkSecondsToday"`
		HoldTotal float64 `json:"holdSecondsToday"`
	}
)

// handleState is GET /api/v1/state[?company=…]. A viewer scoped to a
// company sees only it (asking for another is 403), and a masked viewer
// sees external numbers masked, as on its pages.
func (s *Server) handleState(c echo.Context) error {
	v := viewerOf(c)
	company := c.QueryParam("company")
	if v.company != "" {
		if company != "" && company != v.company {
			return errorJSON(c, http.StatusForbidden, "You may only see your own company.")
		}
		company = v.company
	}
	var snap board.Snapshot
	s.state.read(func(b *board.Board, _ uint64) { snap = b.Snapshot() })
	st := newAPIState(snap, company)
	if v.masked {
		maskState(&st)
	}
	return c.JSON(http.StatusOK, st)
}

// newAPIState maps a snapshot to the API's JSON, keeping one company when
// company is not empty. Seq and day are then that company's own (see
// board.CompanyState): the board-wide seq moves with every company's
// activity, and one tenant must not see another's.
func newAPIState(snap board.Snapshot, company string) apiState {
	keep := func(c string) bool { return company == "" || c == company }
	seq, day := snap.Seq, snap.Day
	if company != "" {
		cs := snap.Company(company)
		seq, day = cs.Seq, cs.Day
	}
	out := apiState{
		Seq: seq, Day: day,
		Users: []apiUser{}, Calls: []apiCall{}, Conferences: []apiConference{},
		Queues: []apiQueue{}, Agents: []apiAgent{},
	}
	for _, u := range snap.Users {
		if !keep(u.Company) {
			continue
		}
		state, reason := u.State()
		callIDs := u.CallIDs
		if callIDs == nil {
			callIDs = []string{}
		}
		out.Users = append(out.Users, apiUser{
			Company: u.Company, Extension: u.Extension,
			Email: str(u.Email), Name: str(u.Name), Group: str(u.Group), Department: str(u.Department),
			Telephony: u.Telephony, TelephonyReported: u.TelephonyReported,
			Status: u.Status, Message: str(u.Message), Until: tm(u.Until), Location: str(u.Location),
			InConference: u.InConference,
			State:        string(state), StateReason: views.ReasonText(reason), Since: tm(u.Since),
			CallIDs: callIDs,
		})
	}
	for _, call := range snap.Calls {
		if !keep(call.Company) {
			continue
		}
		out.Calls = append(out.Calls, apiCall{
			ID: call.ID, Company: call.Company, Direction: string(call.Direction), State: call.State,
			StartedAt: tm(call.StartedAt), AnsweredAt: tm(call.AnsweredAt),
			Queue: str(call.Queue), Trunk: str(call.Trunk),
			Parties: callParties(call),
		})
	}
	for _, conf := range snap.Conferences {
		if !keep(conf.Company) {
			continue
		}
		ps := make([]apiParticipant, 0, len(conf.Participants))
		for _, p := range conf.Participants {
			ps = append(ps, apiParticipant{Email: str(p.Email), Extension: str(p.Extension), Name: str(p.Name)})
		}
		out.Conferences = append(out.Conferences, apiConference{
			ID: conf.ID, Company: conf.Company, Subject: str(conf.Subject), StartedAt: tm(conf.StartedAt),
			Participants: ps,
		})
	}
	for _, q := range snap.Queues {
		if !keep(q.Company) {
			continue
		}
		out.Queues = append(out.Queues, apiQueue{
			Company: q.Company, Name: q.Name, Waiting: q.Waiting, OldestWait: tm(q.OldestWait), Talking: q.Talking, Members: q.Members, Free: q.Free,
			Answered: q.Answered, Missed: q.Missed, WaitTotal: q.WaitTotal.Seconds(), TalkTotal: q.TalkTotal.Seconds(), HoldTotal: q.HoldTotal.Seconds(),
		})
	}
	for _, a := range snap.Agents {
		if !keep(a.Company) {
			continue
		}
		out.Agents = append(out.Agents, apiAgent{
			Company: a.Company, Extension: a.Extension, Answered: a.Answered, Missed: a.Missed, TalkTotal: a.TalkTotal.Seconds(), HoldTotal: a.HoldTotal.Seconds(),
		})
	}
	return out
}

// callParties lists everyone on a call once, in leg order: callers first.
// A person is one party whatever device they use: local parties are told
// apart by extension, remote ones by number.
func callParties(call board.Call) []apiParty {
	parties := []apiParty{}
	seen := map[[3]string]bool{}
	add := func(p board.Party) {
		id := [3]string{"remote", p.Phone, p.Name}
		if p.Local {
			id = [3]string{"local", p.Extension, p.Email}
			if p.Extension != "" {
				id[2] = ""
			}
		}
		if seen[id] {
			return
		}
		seen[id] = true
		parties = append(parties, apiParty{Extension: str(p.Extension), Phone: str(p.Phone), Name: str(p.Name), Local: p.Local})
	}
	for _, leg := range call.Legs {
		add(leg.Caller)
		if leg.Callee != nil {
			add(*leg.Callee)
		}
	}
	return parties
}

// str is nil for an empty string, so that the JSON says null for "unknown".
func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// tm is nil for the zero time.
func tm(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
