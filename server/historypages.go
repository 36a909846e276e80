package server

import (
	"encoding/csv"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/views"
)

// GET /history is the page of a company's past days, GET /api/v1/history
// its JSON (or, with format=csv, one of its tables). Both take company=
// (a viewer bound to a company sees only it) and days= (default 7, at most
// 400). Like replay, history is for the people who see the whole board.

const maxHistoryDays = 400

// The JSON of GET /api/v1/history.
type (
	apiHistory struct {
		Company string          `json:"company"`
		Days    []apiHistoryDay `json:"days"`
	}
	apiHistoryDay struct {
		Day    string            `json:"day"`
		Queues []apiHistoryQueue `json:"queues"`
		Agents []apiHistoryAgent `json:"agents"`
	}
	apiHistoryQueue struct {
		Name             string  `json:"name"`
		Offered          int     `json:"offered"`
		Answered         int     `json:"answered"`
		Missed           int     `json:"missed"`
		WaitSecondsTotal float64 `json:"waitSecondsTotal"`
		TalkSecondsTotal float64 `json:"talkSecondsTotal"`
		HoldSecondsTotal float64 `json:"holdSecondsTotal"`
		// The day's service level and abandons by the queue's formula
		// (as the live board's figures); null for a day kept before
		// calls were classified.
		AnsweredInSL        *int     `json:"answeredInSl"`
		Abandoned           *int     `json:"abandoned"`
		ShortAbandoned      *int     `json:"shortAbandoned"`
		ServiceLevel        *float64 `json:"serviceLevel"`
		AbandonRate         *float64 `json:"abandonRate"`
		SLThresholdSeconds  *float64 `json:"slThresholdSeconds"`
		ShortAbandonSeconds *float64 `json:"shortAbandonSeconds"`
		SLBasis             *string  `json:"slBasis"`
	}
	apiHistoryAgent struct {
		Extension        string  `json:"extension"`
		Answered         int     `json:"answered"`
		Missed           int     `json:"missed"`
		TalkSecondsTotal float64 `json:"talkSecondsTotal"`
		HoldSecondsTotal float64 `json:"holdSecondsTotal"`
	}
)

// historyRequest reads company= and days= for v, or answers an error.
func (s *Server) historyRequest(c echo.Context, v viewer, lang string) (company string, days int, figures []board.DayFigures, err error) {
	company, err = historyCompany(c, v, lang)
	if err != nil {
		return "", 0, nil, err
	}
	days = 7
	if raw := c.QueryParam("days"); raw != "" {
		n, perr := strconv.Atoi(raw)
		if perr != nil || n < 1 || n > maxHistoryDays {
			return "", 0, nil, echo.NewHTTPError(http.StatusBadRequest, views.Translate(lang, "history.bad_days"))
		}
		days = n
	}
	loc := s.viewerLocation(viewer{company: company})
	figures, err = s.history.days(c.Request().Context(), company, days, time.Now(), loc)
	if err == errNoHistory {
		return "", 0, nil, echo.NewHTTPError(http.StatusNotImplemented, "This event log keeps no history.")
	}
	return company, days, figures, err
}

// historyCompany is the company of a request for history: company=, the
// viewer's own for a viewer bound to one; an error for a viewer who may not
// see history (agents, display links) or another company.
func historyCompany(c echo.Context, v viewer, lang string) (string, error) {
	if !mayReplay(v) {
		return "", echo.NewHTTPError(http.StatusForbidden, "History is for supervisors and admins.")
	}
	company := c.QueryParam("company")
	if v.company != "" {
		if company != "" && company != v.company {
			return "", echo.NewHTTPError(http.StatusForbidden, "You may only see your own company.")
		}
		company = v.company
	}
	if company == "" {
		return "", echo.NewHTTPError(http.StatusBadRequest, views.Translate(lang, "history.need_company"))
	}
	return company, nil
}

// handleHistory is GET /history.
func (s *Server) handleHistory(c echo.Context) error {
	v := viewerOf(c)
	if home := homePage(v); home != "/" {
		return c.Redirect(http.StatusSeeOther, home)
	}
	aud := audienceOf(c, v, views.ViewBoard)
	company, days, figures, err := s.historyRequest(c, v, aud.Lang)
	if err != nil {
		return err
	}
	page := s.pageFor(c, aud, "")
	page.Socket, page.Script = "", ""
	h := views.NewHistory(company, days, figures, s.nameOf(company))
	return writeHTML(views.WithLanguage(c.Request().Context(), aud.Lang), c, views.HistoryPage(page, h))
}

// nameOf returns the live board's names of company's people by extension.
func (s *Server) nameOf(company string) func(string) string {
	names := map[string]string{}
	s.state.read(func(b *board.Board, _ uint64) {
		for _, u := range b.Snapshot().Users {
			if u.Company == company && u.Name != "" {
				names[u.Extension] = u.Name
			}
		}
	})
	return func(ext string) string { return names[ext] }
}

// handleHistoryAPI is GET /api/v1/history.
func (s *Server) handleHistoryAPI(c echo.Context) error {
	v := viewerOf(c)
	lang := views.MatchLanguage(c.QueryParam("lang"))
	company, _, figures, err := s.historyRequest(c, v, lang)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "csv" {
		return s.historyCSV(c, company, figures)
	}
	out := apiHistory{Company: company, Days: make([]apiHistoryDay, 0, len(figures))}
	for _, d := range figures {
		day := apiHistoryDay{Day: d.Day, Queues: make([]apiHistoryQueue, 0, len(d.Queues)), Agents: make([]apiHistoryAgent, 0, len(d.Agents))}
		for _, q := range d.Queues {
			aq := apiHistoryQueue{Name: q.Name, Offered: q.Answered + q.Missed, Answered: q.Answered, Missed: q.Missed,
				WaitSecondsTotal: q.WaitTotal.Seconds(), TalkSecondsTotal: q.TalkTotal.Seconds(), HoldSecondsTotal: q.HoldTotal.Seconds()}
			if d.Classified {
				aq.AnsweredInSL, aq.Abandoned, aq.ShortAbandoned = ptr(q.AnsweredInSL), ptr(q.Abandoned), ptr(q.ShortAbandoned)
				aq.ServiceLevel = pct(q.ServiceLevel(q.Formula.Basis))
				aq.AbandonRate = pct(q.AbandonRate())
				aq.SLThresholdSeconds, aq.ShortAbandonSeconds = ptr(q.Formula.Threshold.Seconds()), ptr(q.Formula.ShortAbandon.Seconds())
				aq.SLBasis = ptr(q.Formula.Basis)
			}
			day.Queues = append(day.Queues, aq)
		}
		for _, a := range d.Agents {
			day.Agents = append(day.Agents, apiHistoryAgent{Extension: a.Extension, Answered: a.Answered, Missed: a.Missed,
				TalkSecondsTotal: a.TalkTotal.Seconds(), HoldSecondsTotal: a.HoldTotal.Seconds()})
		}
		out.Days = append(out.Days, day)
	}
	return c.JSON(http.StatusOK, out)
}

// historyCSV answers one table (table=queues, the default, or agents) as
// CSV, one row per day and queue or agent.
func (s *Server) historyCSV(c echo.Context, company string, figures []board.DayFigures) error {
	table := c.QueryParam("table")
	if table != "" && table != "queues" && table != "agents" {
		return echo.NewHTTPError(http.StatusBadRequest, "table= is queues or agents.")
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="wallboard-history-`+cmpTable(table)+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 0, 64) }
	avg := func(d time.Duration, n int) string {
		if n == 0 {
			return ""
		}
		return secs(d / time.Duration(n))
	}
	if table == "agents" {
		names := s.nameOf(company)
		_ = w.Write([]string{"day", "extension", "name", "answered", "missed", "avg_talk_seconds", "talk_seconds", "hold_seconds"})
		for _, d := range figures {
			for _, a := range d.Agents {
				_ = w.Write([]string{d.Day, cell(a.Extension), cell(names(a.Extension)), strconv.Itoa(a.Answered), strconv.Itoa(a.Missed),
					avg(a.TalkTotal, a.Answered), secs(a.TalkTotal), secs(a.HoldTotal)})
			}
		}
	} else {
		// New columns go at the end: spreadsheets and scripts read the
		// first ones by position.
		_ = w.Write([]string{"day", "queue", "offered", "answered", "missed", "avg_wait_seconds", "avg_talk_seconds", "wait_seconds", "talk_seconds", "hold_seconds",
			"service_level_percent", "answered_in_sl", "abandoned", "short_abandoned", "abandon_rate_percent", "sl_threshold_seconds", "short_abandon_seconds", "sl_basis"})
		for _, d := range figures {
			for _, q := range d.Queues {
				row := []string{d.Day, cell(q.Name), strconv.Itoa(q.Answered + q.Missed), strconv.Itoa(q.Answered), strconv.Itoa(q.Missed),
					avg(q.WaitTotal, q.Answered), avg(q.TalkTotal, q.Answered), secs(q.WaitTotal), secs(q.TalkTotal), secs(q.HoldTotal)}
				if d.Classified { // else unknown: empty cells, not 0
					row = append(row, pctCell(q.ServiceLevel(q.Formula.Basis)), strconv.Itoa(q.AnsweredInSL), strconv.Itoa(q.Abandoned), strconv.Itoa(q.ShortAbandoned),
						pctCell(q.AbandonRate()), secs(q.Formula.Threshold), secs(q.Formula.ShortAbandon), q.Formula.Basis)
				} else {
					row = append(row, "", "", "", "", "", "", "", "")
				}
				_ = w.Write(row)
			}
		}
	}
	w.Flush()
	return w.Error()
}

// pct is a rate as the API gives it (as /api/v1/state does); nil when
// there was no call to divide by.
func pct(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}

// pctCell is a rate as a CSV cell, one decimal; empty for none.
func pctCell(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

func ptr[T any](v T) *T { return &v }

func cmpTable(t string) string {
	if t == "" {
		return "queues"
	}
	return t
}

// cell defuses a text cell a spreadsheet would run as a formula (a name
// the PBX sent could start with "=").
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
