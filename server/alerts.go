package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
)

// kindAlert is the log entry of an acknowledgement or a snooze: it goes
// through the log, like every fact the board keeps, so that every screen
// of the company, on every node, agrees, and it survives restarts.
const kindAlert = "alert"

// defaultSnooze is how long "Snooze" silences a queue's alerts.
const defaultSnooze = 10 * time.Minute

// alertBody is the body of an alert entry.
type alertBody struct {
	Company string        `json:"company"`
	Queue   string        `json:"queue"`
	Action  string        `json:"action"`
	Level   string        `json:"level,omitempty"`
	For     time.Duration `json:"for,omitempty"`
	By      string        `json:"by"`
	At      time.Time     `json:"at"`
}

// alertEvents is the board event of an alert entry; its time is the time
// the server received the request.
func alertEvents(e eventlog.Entry) ([]board.Event, string, error) {
	var a alertBody
	if err := json.Unmarshal(e.Body, &a); err != nil {
		return nil, kindAlert, fmt.Errorf("decode alert: %w", err)
	}
	return []board.Event{{Company: a.Company, At: a.At, Received: a.At, Alert: &board.AlertAction{
		Queue: a.Queue, Action: a.Action, Level: a.Level, For: a.For, By: a.By,
	}}}, kindAlert, nil
}

// mayAcknowledge reports whether v may acknowledge and snooze alerts:
// supervisors and admins, display links whose configuration says
// acknowledge: true, the API token, and anyone on a board without
// authentication. Agents may not.
func (v viewer) mayAcknowledge() bool {
	switch v.kind {
	case viewerOpen, viewerToken:
		return true
	case viewerUser:
		return v.role == config.RoleSupervisor || v.role == config.RoleAdmin
	case viewerDisplay:
		return v.acknowledge
	}
	return false
}

// handleAlert is POST /alerts: form fields queue, action (ack or snooze),
// level (amber or red, for ack), minutes (for snooze; default 10), and
// company (only for a viewer of every company). It is checked against
// cross-site requests like logout, appends an alert entry to the log and
// answers 204 once this node's board has applied it (pushes then carry it
// to every screen of the company). A request that cannot change anything
// (an unknown queue, level or action) gets 400 and stores nothing.
func (s *Server) handleAlert(c echo.Context) error {
	if err := s.auth.origins.Check(c.Request()); err != nil {
		return errorJSON(c, http.StatusForbidden, "Cross-site request refused.")
	}
	v := viewerOf(c)
	if !v.mayAcknowledge() {
		return errorJSON(c, http.StatusForbidden, "You may not acknowledge alerts.")
	}
	form, err := readForm(c)
	if form == nil {
		return err
	}
	a := alertBody{Company: v.company, Queue: form.Get("queue"), Action: form.Get("action"), Level: form.Get("level"), By: v.name}
	if v.kind == viewerOpen {
		a.By = ""
	}
	if a.Company == "" {
		a.Company = form.Get("company")
	}
	if a.Action == board.AlertSnooze {
		a.For = defaultSnooze
		if m := form.Get("minutes"); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil {
				return errorJSON(c, http.StatusBadRequest, "Give minutes as a whole number.")
			}
			a.For = time.Duration(n) * time.Minute
		}
	}
	if ok, why := board.ValidAlertAction(board.AlertAction{Queue: a.Queue, Action: a.Action, Level: a.Level, For: a.For}); !ok {
		return errorJSON(c, http.StatusBadRequest, why)
	}
	var known bool
	s.state.read(func(b *board.Board, _ uint64) { _, known = b.Queue(a.Company, a.Queue) })
	if !known {
		return errorJSON(c, http.StatusBadRequest, "There is no such queue on your board.")
	}
	a.At = time.Now().UTC().Round(0)
	body, _ := json.Marshal(a)
	var id [16]byte
	_, _ = rand.Read(id[:])
	ctx := c.Request().Context()
	seq, _, err := s.log.Append(ctx, eventlog.Message{
		ID:     "alert:" + hex.EncodeToString(id[:]),
		Body:   body,
		Header: map[string]string{headerKind: kindAlert, headerReceived: a.At.Format(time.RFC3339Nano)},
	})
	if err != nil {
		s.logger.Error("Cannot store an alert acknowledgement", slog.Any("error", err))
		return errorJSON(c, http.StatusServiceUnavailable, "The acknowledgement could not be stored; please retry.")
	}
	_ = s.state.waitApplied(ctx, seq, s.cfg.ApplyWait)
	s.logger.Info("Alert "+a.Action, slog.String("company", a.Company), slog.String("queue", a.Queue), slog.String("by", v.name))
	return c.NoContent(http.StatusNoContent)
}
