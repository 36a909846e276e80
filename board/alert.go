package board

import (
	"strings"
	"time"
)

// Alert levels a queue's alert can be acknowledged at. The levels
// themselves (when a queue turns amber or red) are computed by the page
// from the queue's figures and the configured thresholds; the board keeps
// only what people told it about them, so that every screen of the company
// agrees.
const (
	AlertAmber = "amber"
	AlertRed   = "red"
)

// Alert actions (AlertAction.Action).
const (
	AlertAck    = "ack"    // acknowledge the queue's alert at Level
	AlertSnooze = "snooze" // silence the queue's alerts for For
)

// MaxSnooze bounds AlertAction.For.
const MaxSnooze = 24 * time.Hour

// QueueAlert is what the people watching a queue told the board about its
// alert, shared by every screen of the company and kept across restarts.
// The zero value: nothing acknowledged or snoozed.
type QueueAlert struct {
	// Acked is the level acknowledged (AlertAmber or AlertRed), "" when
	// none; AckedBy who acknowledged it (an account's email or a display
	// link's name) and AckedAt when (the trusted time of the action). An
	// acknowledgement holds until the queue has no caller waiting: the
	// next rise is a new alert.
	Acked   string    `json:",omitempty"`
	AckedBy string    `json:",omitempty"`
	AckedAt time.Time `json:",omitzero"`
	// SnoozedUntil: no alert of this queue sounds or shows before then;
	// SnoozedBy who snoozed it.
	SnoozedUntil time.Time `json:",omitzero"`
	SnoozedBy    string    `json:",omitempty"`
}

// AlertAction is an acknowledgement or a snooze of a queue's alert (a log
// entry the server writes when someone presses the button). A queue the
// board does not know, an unknown action or level, or a snooze outside
// (0, MaxSnooze] changes nothing.
type AlertAction struct {
	Queue  string
	Action string // AlertAck or AlertSnooze
	Level  string // for AlertAck: AlertAmber or AlertRed
	For    time.Duration
	By     string
}

// ValidAlertAction reports whether a would change a known queue's alert
// state; it says why not otherwise, as a sentence for a human.
func ValidAlertAction(a AlertAction) (ok bool, why string) {
	switch {
	case strings.TrimSpace(a.Queue) == "":
		return false, "Name the queue."
	case a.Action == AlertAck && a.Level != AlertAmber && a.Level != AlertRed:
		return false, "Acknowledge an amber or a red alert."
	case a.Action == AlertSnooze && (a.For <= 0 || a.For > MaxSnooze):
		return false, "Snooze for a positive time of at most 24 hours."
	case a.Action != AlertAck && a.Action != AlertSnooze:
		return false, "The action is ack or snooze."
	}
	return true, ""
}

// applyAlert records an acknowledgement or a snooze on the queue.
func (b *Board) applyAlert(company string, at time.Time, a *AlertAction) {
	if ok, _ := ValidAlertAction(*a); !ok {
		return
	}
	k := key{company, a.Queue}
	q, ok := b.queues[k]
	if !ok {
		return // an alert is about a queue on the board
	}
	b.touchQueue(k, false)
	switch a.Action {
	case AlertAck:
		q.Alert.Acked, q.Alert.AckedBy, q.Alert.AckedAt = a.Level, a.By, at
	case AlertSnooze:
		q.Alert.SnoozedUntil, q.Alert.SnoozedBy = at.Add(a.For), a.By
	}
}

func (a QueueAlert) equal(b QueueAlert) bool {
	return a.Acked == b.Acked && a.AckedBy == b.AckedBy && a.AckedAt.Equal(b.AckedAt) &&
		a.SnoozedUntil.Equal(b.SnoozedUntil) && a.SnoozedBy == b.SnoozedBy
}

// settleAlert forgets an acknowledgement once nobody waits in the queue:
// the episode it acknowledged is over. Called whenever the queue's live
// figures are derived.
func settleAlert(q *QueueStats) {
	if q.Waiting == 0 && q.Alert.Acked != "" {
		q.Alert.Acked, q.Alert.AckedBy, q.Alert.AckedAt = "", "", time.Time{}
	}
}
