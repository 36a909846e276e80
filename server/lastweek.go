package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/views"
)

// GET /api/v1/lastweek?company=… is "same time last week": per queue, the
// figures of the same weekday 7 days ago up to the same time of day (in the
// company's time zone), from the day's 15-minute intervals the history
// keeps, so to the quarter hour. Who may see history may see it.

type (
	apiLastWeek struct {
		Company string `json:"company"`
		// Day is the day a week ago; Until the instant its figures run
		// to: the end of its last quarter hour before the same time of
		// day as now.
		Day    string          `json:"day"`
		Until  time.Time       `json:"until"`
		Queues []apiLastWeekFx `json:"queues"`
	}
	apiLastWeekFx struct {
		Name string `json:"name"`
		apiFigures
	}
)

// handleLastWeek is GET /api/v1/lastweek. Queues is empty when no figures
// were kept for that day, or only figures kept before calls were
// classified.
func (s *Server) handleLastWeek(c echo.Context) error {
	v := viewerOf(c)
	lang := views.MatchLanguage(c.QueryParam("lang"))
	company, err := historyCompany(c, v, lang)
	if err != nil {
		return err
	}
	loc := s.viewerLocation(viewer{company: company})
	now := time.Now().In(loc)
	at := time.Date(now.Year(), now.Month(), now.Day()-7, now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), loc)
	day := at.Format(time.DateOnly)
	out := apiLastWeek{Company: company, Day: day, Until: board.IntervalStart(at, loc), Queues: []apiLastWeekFx{}}
	d, ok, err := s.history.day(c.Request().Context(), company, day)
	if err == errNoHistory {
		return echo.NewHTTPError(http.StatusNotImplemented, "This event log keeps no history.")
	}
	if err != nil {
		return err
	}
	if ok && d.Classified {
		for _, q := range d.Queues {
			out.Queues = append(out.Queues, apiLastWeekFx{Name: q.Name, apiFigures: figuresOf(views.NewFigures(q.Until(at), q.Formula))})
		}
	}
	return c.JSON(http.StatusOK, out)
}
