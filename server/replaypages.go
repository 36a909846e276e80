package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/views"
)

// The replay routes: GET /?at=… (or ?seq=…) is the board at that moment,
// GET /api/v1/state?at=… its JSON, and GET /api/v1/replay?at=… the frame
// the replay page's script swaps in to move without reloading.

// replayTimeout bounds one rebuild (the budget is a second for a day of a
// 500-person company; this leaves room for a loaded machine).
const replayTimeout = 15 * time.Second

// apiReplay says which moment a replayed state is.
type apiReplay struct {
	At      time.Time  `json:"at"`      // the moment asked for
	LogSeq  uint64     `json:"logSeq"`  // the last log entry it reflects; 0 before the first
	EntryAt *time.Time `json:"entryAt"` // when that entry was stored
}

// apiReplayFrame is GET /api/v1/replay: the moment and its board's
// containers, as a first frame has them.
type apiReplayFrame struct {
	apiReplay
	Frame string `json:"frame"`
}

// wantsReplay reports whether the request asks for a past moment.
func wantsReplay(c echo.Context) bool {
	return c.QueryParam("at") != "" || c.QueryParam("seq") != ""
}

// mayReplay: the people who see the whole board (supervisors, admins, the
// API token, an unauthenticated demo). Display links show the live board
// only, agents their colleagues now.
func mayReplay(v viewer) bool {
	switch v.kind {
	case viewerDisplay:
		return false
	case viewerUser:
		return v.role != config.RoleAgent
	}
	return true
}

// viewerLocation is the time zone of v's company: hh:mm means today there.
func (s *Server) viewerLocation(v viewer) *time.Location {
	if l := s.cfg.Board.Locations[v.company]; l != nil {
		return l
	}
	if s.cfg.Board.Location != nil {
		return s.cfg.Board.Location
	}
	return time.UTC
}

// moment rebuilds the board at the request's at= or seq=. Its errors are
// *echo.HTTPError with a message in the request's language.
func (s *Server) moment(c echo.Context, v viewer, aud views.Audience) (Moment, error) {
	say := func(status int, key string) error {
		return echo.NewHTTPError(status, views.Translate(aud.Lang, key))
	}
	if !mayReplay(v) {
		return Moment{}, echo.NewHTTPError(http.StatusForbidden, "Replay is for supervisors and admins.")
	}
	if s.replay == nil {
		return Moment{}, echo.NewHTTPError(http.StatusNotImplemented, "This event log keeps no history to replay.")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), replayTimeout)
	defer cancel()
	var (
		m   Moment
		err error
	)
	if raw := c.QueryParam("seq"); raw != "" {
		seq, perr := strconv.ParseUint(raw, 10, 64)
		if perr != nil {
			return Moment{}, say(http.StatusBadRequest, "replay.bad_moment")
		}
		m, err = s.replay.atSeq(ctx, seq)
	} else {
		now := time.Now()
		at, ok := parseMoment(c.QueryParam("at"), now, s.viewerLocation(v))
		switch {
		case !ok:
			return Moment{}, say(http.StatusBadRequest, "replay.bad_moment")
		case at.After(now.Add(time.Second)):
			return Moment{}, say(http.StatusBadRequest, "replay.future")
		}
		m, err = s.replay.at(ctx, at)
	}
	switch {
	case errors.Is(err, errBeforeHistory):
		return Moment{}, say(http.StatusNotFound, "replay.before_history")
	case err != nil:
		return Moment{}, err
	}
	return m, nil
}

// parseMoment reads an RFC 3339 time, or hh:mm[:ss] of today in loc.
func parseMoment(raw string, now time.Time, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t, true
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, raw); err == nil {
			y, mo, d := now.In(loc).Date()
			return time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), 0, loc), true
		}
	}
	return time.Time{}, false
}

// renderReplay is GET /?at=…: the board page at that moment.
func (s *Server) renderReplay(c echo.Context, v viewer) error {
	aud := audienceOf(c, v, views.ViewBoard)
	m, err := s.moment(c, v, aud)
	if err != nil {
		return err
	}
	loc := s.viewerLocation(v)
	now := time.Now()
	y, mo, d := now.In(loc).Date()
	page := s.pageFor(c, aud, "")
	page.Socket = "" // a moment of the past does not change
	var queues []board.QueueStats
	s.state.read(func(b *board.Board, _ uint64) { queues = b.Queues() })
	page.Replay = &views.Replay{
		At: m.At, Seq: m.Seq, Loc: loc, Now: now,
		DayStart: time.Date(y, mo, d, 0, 0, 0, 0, loc),
		Query:    c.QueryParams(),
		Day:      views.NewReplayDay(queues, aud),
	}
	return s.writePage(c, aud, views.NewView(m.Snapshot, aud), page)
}

// handleReplay is GET /api/v1/replay?at=…|seq=…: the replay page's moves.
func (s *Server) handleReplay(c echo.Context) error {
	v := viewerOf(c)
	aud := audienceOf(c, v, views.ViewBoard)
	m, err := s.moment(c, v, aud)
	if err != nil {
		return err
	}
	frames, err := views.NewView(m.Snapshot, aud).Frames(math.MaxInt)
	if err != nil {
		return err
	}
	out := apiReplayFrame{apiReplay: replayOf(m)}
	if len(frames) > 0 {
		out.Frame = string(frames[0])
	}
	return c.JSON(http.StatusOK, out)
}

func replayOf(m Moment) apiReplay {
	return apiReplay{At: m.At, LogSeq: m.Seq, EntryAt: tm(m.EntryAt)}
}
