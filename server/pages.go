package server

import (
	"log/slog"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/static"
	"github.com/wallboard/wallboard/views"
)

// handleBoard is GET /: the supervisors' wall board.
func (s *Server) handleBoard(c echo.Context) error {
	return s.renderPage(c, boardAudience)
}

// handleAgent is GET /agent: colleagues' status for agents.
func (s *Server) handleAgent(c echo.Context) error {
	return s.renderPage(c, agentAudience)
}

func (s *Server) renderPage(c echo.Context, aud views.Audience) error {
	page := views.Page{
		Title:      "Wallboard",
		Socket:     views.SocketURL(aud.View, c.QueryString()),
		Stylesheet: static.Path("app.css"),
		Script:     static.Path("app.js"),
		Search:     c.QueryParam("q"),
	}
	var component templ.Component
	s.state.read(func(b *board.Board, _ uint64) {
		snap := b.Snapshot()
		if aud.View == views.ViewAgent {
			component = views.AgentPage(page, views.NewAgent(snap, aud))
		} else {
			component = views.BoardPage(page, views.NewBoard(snap, aud))
		}
	})
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return component.Render(c.Request().Context(), c.Response())
}

// handleWS is GET /ws: the first frame is the audience's full current view,
// then its changes in order.
func (s *Server) handleWS(c echo.Context) error {
	aud := boardAudience
	if c.QueryParam("view") == views.ViewAgent {
		aud = agentAudience
	}
	err := s.hub.Serve(c.Response(), c.Request(), aud.Key(), func() []byte {
		msg, err := initialView(s.state, aud)
		if err != nil {
			s.logger.Error("Cannot render view", slog.String("audience", aud.Key()), slog.Any("error", err))
		}
		return msg
	})
	if err != nil {
		// The hub has answered the request (403, 503 or a failed upgrade).
		s.logger.Debug("WebSocket refused", slog.String("remote", c.RealIP()), slog.Any("error", err))
	}
	return nil
}
