package board_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// alertsOfTheMorning acknowledges and snoozes acme's Support queue after
// the scripted morning.
func alertsOfTheMorning() []board.Event {
	return []board.Event{
		alertEv(acme, at(8*time.Minute), board.AlertAction{Queue: "Support", Action: board.AlertAck, Level: board.AlertRed, By: "ann@example.com"}),
		alertEv(acme, at(8*time.Minute+time.Second), board.AlertAction{Queue: "Support", Action: board.AlertSnooze, For: 10 * time.Minute, By: "Floor 2"}),
	}
}

func alertEv(company string, t time.Time, a board.AlertAction) board.Event {
	return board.Event{Company: company, At: t, Received: t, Alert: &a}
}

// waitingQueue is a board with one call ringing in acme's Support queue.
func waitingQueue(t *testing.T) (*board.Board, board.Leg) {
	t.Helper()
	b := board.New(board.Options{})
	l := leg(0, "ringing", remote("+15551234567"), nil)
	l.Queue = "Support"
	b.Apply(callEv(acme, at(time.Minute), acme+"_1", l))
	if q, ok := b.Queue(acme, "Support"); !ok || q.Waiting != 1 {
		t.Fatalf("Support = %+v, %v; want one waiting", q, ok)
	}
	return b, l
}

func TestAlertAcknowledgedUntilTheQueueEmpties(t *testing.T) {
	b, l := waitingQueue(t)
	seq := b.Seq()
	ch := b.Apply(alertEv(acme, at(2*time.Minute), board.AlertAction{Queue: "Support", Action: board.AlertAck, Level: board.AlertAmber, By: "ann@example.com"}))
	if len(ch) != 1 || ch[0].Kind != board.ChangeQueue || ch[0].Key != "Support" || b.Seq() != seq+1 {
		t.Fatalf("ack changes = %+v (seq %d → %d), want Support's row", ch, seq, b.Seq())
	}
	q, _ := b.Queue(acme, "Support")
	if q.Alert.Acked != board.AlertAmber || q.Alert.AckedBy != "ann@example.com" || !q.Alert.AckedAt.Equal(at(2*time.Minute)) {
		t.Fatalf("alert = %+v, want amber by ann at 2m", q.Alert)
	}
	// The same acknowledgement again changes nothing.
	if ch := b.Apply(alertEv(acme, at(2*time.Minute), board.AlertAction{Queue: "Support", Action: board.AlertAck, Level: board.AlertAmber, By: "ann@example.com"})); ch != nil {
		t.Errorf("repeated ack changed %+v", ch)
	}
	// Answered: nobody waits, the episode is over.
	l.State = "connected"
	b.Apply(callEv(acme, at(3*time.Minute), acme+"_1", l))
	if q, _ := b.Queue(acme, "Support"); q.Alert.Acked != "" || q.Alert.AckedBy != "" {
		t.Errorf("after the answer alert = %+v, want nothing acknowledged", q.Alert)
	}
}

func TestAlertSnoozeIsKept(t *testing.T) {
	b, _ := waitingQueue(t)
	b.Apply(alertEv(acme, at(2*time.Minute), board.AlertAction{Queue: "Support", Action: board.AlertSnooze, For: 10 * time.Minute, By: "Floor 2"}))
	q, _ := b.Queue(acme, "Support")
	if !q.Alert.SnoozedUntil.Equal(at(12*time.Minute)) || q.Alert.SnoozedBy != "Floor 2" {
		t.Fatalf("alert = %+v, want snoozed until 12m by Floor 2", q.Alert)
	}
	data := mustMarshal(t, b)
	again := board.New(board.Options{})
	if err := again.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustMarshal(t, again), data) {
		t.Error("a restored board encodes differently")
	}
	if q2, _ := again.Queue(acme, "Support"); q2.Alert != q.Alert {
		t.Errorf("restored alert = %+v, want %+v", q2.Alert, q.Alert)
	}
}

func TestAlertRefusesWhatItCannotApply(t *testing.T) {
	b, _ := waitingQueue(t)
	for name, a := range map[string]board.AlertAction{
		"unknown queue":   {Queue: "Sales", Action: board.AlertAck, Level: board.AlertRed},
		"no queue":        {Action: board.AlertAck, Level: board.AlertRed},
		"unknown level":   {Queue: "Support", Action: board.AlertAck, Level: "ok"},
		"unknown action":  {Queue: "Support", Action: "clear"},
		"endless snooze":  {Queue: "Support", Action: board.AlertSnooze, For: 48 * time.Hour},
		"negative snooze": {Queue: "Support", Action: board.AlertSnooze, For: -time.Minute},
	} {
		if ok, why := board.ValidAlertAction(a); ok && name != "unknown queue" || !ok && why == "" {
			t.Errorf("%s: ValidAlertAction = %v %q", name, ok, why)
		}
		if ch := b.Apply(alertEv(acme, at(2*time.Minute), a)); ch != nil {
			t.Errorf("%s changed %+v", name, ch)
		}
	}
	// Another company's queue of the same name is not touched.
	b.Apply(alertEv(globex, at(2*time.Minute), board.AlertAction{Queue: "Support", Action: board.AlertAck, Level: board.AlertRed}))
	if q, _ := b.Queue(acme, "Support"); q.Alert != (board.QueueAlert{}) {
		t.Errorf("acme's Support alert = %+v after refused actions", q.Alert)
	}
}
