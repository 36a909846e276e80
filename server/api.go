package server

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

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
		// QueueTotals are each company's queues together, for companies
		// with two or more (name empty, alert null; a null threshold or
		// short-abandon limit: each queue's own applied).
		QueueTotals []apiQueue `json:"queueTotals"`
		Agents      []apiAgent `json:"agents"`
		// Replay is set when the state is of a past moment (?at= or ?seq=).
		Replay *apiReplay `json:"replay,omitempty"`
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

		Agents       apiQueueAgents  `json:"agents"`
		WaitingCalls []apiWaiter     `json:"waitingCalls"`
		SLThreshold  *float64        `json:"slThresholdSeconds"`
		ShortAbandon *float64        `json:"shortAbandonSeconds"`
		SLBasis      string          `json:"slBasis"`
		Today        apiFigures      `json:"today"`
		Last15       apiFigures      `json:"last15m"`
		Last30       apiFigures      `json:"last30m"`
		Last60       apiFigures      `json:"last60m"`
		Intraday     []apiIntervalFx `json:"intraday"`
		Alert        *apiAlert       `json:"alert"`
	}
	apiQueueAgents struct {
		Free    int `json:"free"`
		Talking int `json:"talking"`
		Ringing int `json:"ringing"`
		Away    int `json:"away"`
		Offline int `json:"offline"`
	}
	apiWaiter struct {
		CallID string     `json:"callId"`
		Caller apiParty   `json:"caller"`
		Since  *time.Time `json:"since"`
	}
	apiFigures struct {
		Offered        int      `json:"offered"`
		Answered       int      `json:"answered"`
		AnsweredInSL   int      `json:"answeredInSl"`
		Abandoned      int      `json:"abandoned"`
		ShortAbandoned int      `json:"shortAbandoned"`
		ServiceLevel   *float64 `json:"serviceLevel"`
		AbandonRate    *float64 `json:"abandonRate"`
		SpeedOfAnswer  float64  `json:"asaSeconds"`
		AvgTalk        float64  `json:"avgTalkSeconds"`
	}
	apiIntervalFx struct {
		Start *time.Time `json:"start"`
		apiFigures
	}
	// apiAlert is a queue's shared alert state; null when nothing is
	// acknowledged or snoozed.
	apiAlert struct {
		Acknowledged   *string    `json:"acknowledged"`
		AcknowledgedBy *string    `json:"acknowledgedBy"`
		AcknowledgedAt *time.Time `json:"acknowledgedAt"`
		SnoozedUntil   *time.Time `json:"snoozedUntil"`
		SnoozedBy      *string    `json:"snoozedBy"`
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
// sees external numbers masked, as on its pages: the JSON is the viewer's
// board view (views.View), masked once where every page and frame is.
func (s *Server) handleState(c echo.Context) error {
	v := viewerOf(c)
	company := c.QueryParam("company")
	if v.company != "" {
		if company != "" && company != v.company {
			return errorJSON(c, http.StatusForbidden, "You may only see your own company.")
		}
		company = v.company
	}
	// The API speaks English (stateReason) unless asked otherwise with
	// lang=: scripts read it, and their Accept-Language means little.
	aud := v.audience(views.ViewBoard)
	aud.View, aud.Company = views.ViewBoard, company
	aud.Lang = views.MatchLanguage(c.QueryParam("lang"))
	if wantsReplay(c) {
		m, err := s.moment(c, v, aud)
		if err != nil {
			return err
		}
		out := newAPIState(views.NewView(m.Snapshot, aud))
		r := replayOf(m)
		out.Replay = &r
		return c.JSON(http.StatusOK, out)
	}
	view, _, err := s.views.current(aud)
	if err != nil {
		return fmt.Errorf("build the view of %s: %w", aud.Key(), err)
	}
	return c.JSON(http.StatusOK, newAPIState(view))
}

// newAPIState maps a board view to the API's JSON, in the board's order
// (users and agents by company and extension, queues by company and name,
// calls and conferences by start).
func newAPIState(v *views.View) apiState {
	b := &v.Board
	out := apiState{
		Seq: b.Seq, Day: b.Day,
		Users:       make([]apiUser, 0, len(b.Tiles)),
		Calls:       make([]apiCall, 0, len(b.Calls)),
		Conferences: make([]apiConference, 0, len(b.Conferences)),
		Queues:      make([]apiQueue, 0, len(b.Queues)),
		QueueTotals: make([]apiQueue, 0, len(b.QueueTotals)),
		Agents:      make([]apiAgent, 0, len(b.Agents)),
	}
	for _, t := range b.Tiles {
		callIDs := t.CallIDs
		if callIDs == nil {
			callIDs = []string{}
		}
		out.Users = append(out.Users, apiUser{
			Company: t.Company, Extension: t.Extension,
			Email: str(t.Email), Name: str(t.PBXName), Group: str(t.Group), Department: str(t.Department),
			Telephony: t.Telephony, TelephonyReported: t.TelephonyReported,
			Status: t.Status, Message: str(t.Message), Until: tm(t.Until), Location: str(t.Location),
			InConference: t.InConference,
			State:        string(t.State.State), StateReason: t.Reason, Since: tm(t.Since),
			CallIDs: callIDs,
		})
	}
	slices.SortFunc(out.Users, func(x, y apiUser) int {
		return cmp.Or(strings.Compare(x.Company, y.Company), strings.Compare(x.Extension, y.Extension))
	})
	for _, call := range b.Calls {
		ps := make([]apiParty, 0, len(call.Parties))
		for _, p := range call.Parties {
			ps = append(ps, apiParty{Extension: str(p.Extension), Phone: str(p.Phone), Name: str(p.Name), Local: p.Local})
		}
		out.Calls = append(out.Calls, apiCall{
			ID: call.CallID, Company: call.Company, Direction: string(call.Direction), State: call.State,
			StartedAt: tm(call.StartedAt), AnsweredAt: tm(call.AnsweredAt),
			Queue: str(call.Queue), Trunk: str(call.Trunk),
			Parties: ps,
		})
	}
	for _, conf := range b.Conferences {
		ps := make([]apiParticipant, 0, len(conf.Participants))
		for _, p := range conf.Participants {
			ps = append(ps, apiParticipant{Email: str(p.Email), Extension: str(p.Extension), Name: str(p.Name)})
		}
		out.Conferences = append(out.Conferences, apiConference{
			ID: conf.ConferenceID, Company: conf.Company, Subject: str(conf.Subject), StartedAt: tm(conf.StartedAt),
			Participants: ps,
		})
	}
	for _, q := range b.Queues {
		out.Queues = append(out.Queues, apiQueueOf(q))
	}
	for _, q := range b.QueueTotals {
		out.QueueTotals = append(out.QueueTotals, apiQueueOf(q))
	}
	slices.SortFunc(out.Queues, func(x, y apiQueue) int {
		return cmp.Or(strings.Compare(x.Company, y.Company), strings.Compare(x.Name, y.Name))
	})
	for _, a := range b.Agents {
		out.Agents = append(out.Agents, apiAgent{
			Company: a.Company, Extension: a.Extension, Answered: a.Answered, Missed: a.Missed, TalkTotal: a.TalkTotal.Seconds(), HoldTotal: a.HoldTotal.Seconds(),
		})
	}
	slices.SortFunc(out.Agents, func(x, y apiAgent) int {
		return cmp.Or(strings.Compare(x.Company, y.Company), strings.Compare(x.Extension, y.Extension))
	})
	return out
}

// figuresOf is f for the API: rates are null when there was no call to
// divide by.
func figuresOf(f views.Figures) apiFigures {
	out := apiFigures{
		Offered: f.Offered, Answered: f.Answered, AnsweredInSL: f.AnsweredInSL,
		Abandoned: f.Abandoned, ShortAbandoned: f.ShortAbandoned,
		SpeedOfAnswer: f.SpeedOfAnswer.Seconds(), AvgTalk: f.AvgTalk.Seconds(),
	}
	if f.HasServiceLevel {
		out.ServiceLevel = &f.ServiceLevel
	}
	if f.HasAbandonRate {
		out.AbandonRate = &f.AbandonRate
	}
	return out
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

// alertOf is a queue row's alert state for the API.
func alertOf(q views.QueueRow) *apiAlert {
	if q.Acked == "" && q.SnoozedUntil.IsZero() {
		return nil
	}
	a := &apiAlert{SnoozedUntil: tm(q.SnoozedUntil)}
	if q.Acked != "" {
		a.Acknowledged, a.AcknowledgedBy, a.AcknowledgedAt = str(q.Acked), str(q.AckedBy), tm(q.AckedAt)
	}
	if !q.SnoozedUntil.IsZero() {
		a.SnoozedBy = str(q.SnoozedBy)
	}
	return a
}

// apiQueueOf is a queue row, or a company's all-queues row, as the API
// writes it.
func apiQueueOf(q views.QueueRow) apiQueue {
	out := apiQueue{
		Company: q.Company, Name: q.Name, Waiting: q.Waiting, OldestWait: tm(q.OldestWait), Talking: q.Talking, Members: q.Members, Free: q.Free,
		Answered: q.Answered, Missed: q.Missed, WaitTotal: q.WaitTotal.Seconds(), TalkTotal: q.TalkTotal.Seconds(), HoldTotal: q.HoldTotal.Seconds(),
		Agents:       apiQueueAgents{Free: q.Free, Talking: q.AgentsTalking, Ringing: q.AgentsRinging, Away: q.AgentsAway, Offline: q.AgentsOffline},
		WaitingCalls: make([]apiWaiter, 0, len(q.Waiters)),
		SLBasis:      q.Formula.Basis,
		Today:        figuresOf(q.Today), Last15: figuresOf(q.Last15), Last30: figuresOf(q.Last30), Last60: figuresOf(q.Last60),
		Intraday: make([]apiIntervalFx, 0, len(q.Intraday)),
		Alert:    alertOf(q),
	}
	// Zero and negative are a total's "each queue's own" (board.QueueTotal).
	if f := q.Formula; f.Threshold > 0 {
		out.SLThreshold = new(f.Threshold.Seconds())
	}
	if f := q.Formula; f.ShortAbandon >= 0 {
		out.ShortAbandon = new(f.ShortAbandon.Seconds())
	}
	for _, w := range q.Waiters {
		p := w.Caller
		out.WaitingCalls = append(out.WaitingCalls, apiWaiter{CallID: w.CallID, Since: tm(w.Since),
			Caller: apiParty{Extension: str(p.Extension), Phone: str(p.Phone), Name: str(p.Name), Local: p.Local}})
	}
	for _, iv := range q.Intraday {
		out.Intraday = append(out.Intraday, apiIntervalFx{Start: tm(iv.Start), apiFigures: figuresOf(iv.Figures)})
	}
	return out
}
