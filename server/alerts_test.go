package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
)

// queueWaitingCall is a call:start body of an outside caller waiting in
// queue, nobody answering yet, dispatched now.
func queueWaitingCall(company, id, queue string) []byte {
	return fmt.Appendf(nil, `{"id":"%[2]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[4]d,"type":"call:start","integrationId":"tst001","data":{"status":"CONNECTING","caller":{"type":"REMOTE","phone":"+15550100","name":"Caller"},"callee":null,"destination":"800","queueName":"%[3]s","tags":[],"flags":[]}}`,
		company, id, queue, time.Now().UnixMilli())
}

// postAlert posts the alert form to /alerts (query: ?display=…), as a
// same-origin browser does.
func postAlert(t *testing.T, h *harness, query string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/alerts"+query, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := h.http.Client().Do(req)
	if err != nil {
		t.Fatalf("post alert: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

type alertState struct {
	Queues []struct {
		Company string `json:"company"`
		Name    string `json:"name"`
		Waiting int    `json:"waiting"`
		Alert   *struct {
			Acknowledged   *string    `json:"acknowledged"`
			AcknowledgedBy *string    `json:"acknowledgedBy"`
			AcknowledgedAt *time.Time `json:"acknowledgedAt"`
			SnoozedUntil   *time.Time `json:"snoozedUntil"`
			SnoozedBy      *string    `json:"snoozedBy"`
		} `json:"alert"`
	} `json:"queues"`
}

func readAlertState(t *testing.T, h *harness, token string) alertState {
	t.Helper()
	res, err := h.http.Client().Get(h.http.URL + "/api/v1/state?display=" + token)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s alertState
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAlertsAreSharedAndDurable acknowledges and snoozes through a display
// link allowed to, checks what every viewer then reads, that refusals
// change nothing, and that the acknowledgement survives a restart.
func TestAlertsAreSharedAndDurable(t *testing.T) {
	const (
		allowed  = "display-token-allowed-to-acknowledge-1"
		readOnly = "display-token-that-only-shows-alerts-2"
	)
	dir := t.TempDir()
	configure := func(c *server.Config) {
		c.Displays = []config.Display{
			{Name: "Floor 2", Token: allowed, Company: testCompany, Acknowledge: true},
			{Name: "Lobby", Token: readOnly, Company: testCompany},
		}
	}
	h := newHarnessWith(t, eventlog.Options{Dir: dir}, configure)
	if code, body := h.post(queueWaitingCall(testCompany, testCompany+"_1764061200.1", "Support"), testSecret); code != http.StatusOK {
		t.Fatalf("post call: %d %s", code, body)
	}

	// Refused: nothing stored.
	for name, c := range map[string]struct {
		query string
		form  url.Values
		code  int
	}{
		"read-only display": {"?display=" + readOnly, url.Values{"queue": {"Support"}, "action": {"ack"}, "level": {"red"}}, http.StatusForbidden},
		"no credentials":    {"", url.Values{"queue": {"Support"}, "action": {"ack"}, "level": {"red"}}, http.StatusUnauthorized},
		"unknown queue":     {"?display=" + allowed, url.Values{"queue": {"Sales"}, "action": {"ack"}, "level": {"red"}}, http.StatusBadRequest},
		"unknown level":     {"?display=" + allowed, url.Values{"queue": {"Support"}, "action": {"ack"}, "level": {"green"}}, http.StatusBadRequest},
		"unknown action":    {"?display=" + allowed, url.Values{"queue": {"Support"}, "action": {"clear"}}, http.StatusBadRequest},
		"endless snooze":    {"?display=" + allowed, url.Values{"queue": {"Support"}, "action": {"snooze"}, "minutes": {"100000"}}, http.StatusBadRequest},
	} {
		code, body := postAlert(t, h, c.query, c.form)
		if code != c.code {
			t.Errorf("%s: %d %s, want %d", name, code, body, c.code)
		}
	}
	if s := readAlertState(t, h, allowed); len(s.Queues) != 1 || s.Queues[0].Waiting != 1 || s.Queues[0].Alert != nil {
		t.Fatalf("after refusals: %+v, want Support waiting 1, no alert state", s.Queues)
	}

	// A cross-site post is refused like a cross-site logout.
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/alerts?display="+allowed, strings.NewReader("queue=Support&action=ack&level=red"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, err := h.http.Client().Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %v %v, want 403", res.StatusCode, err)
	}

	if code, body := postAlert(t, h, "?display="+allowed, url.Values{"queue": {"Support"}, "action": {"ack"}, "level": {"red"}}); code != http.StatusNoContent {
		t.Fatalf("ack: %d %s", code, body)
	}
	if code, body := postAlert(t, h, "?display="+allowed, url.Values{"queue": {"Support"}, "action": {"snooze"}}); code != http.StatusNoContent {
		t.Fatalf("snooze: %d %s", code, body)
	}
	check := func(when string) {
		t.Helper()
		// Read by the other display: every screen of the company sees it.
		s := readAlertState(t, h, readOnly)
		if len(s.Queues) != 1 || s.Queues[0].Alert == nil {
			t.Fatalf("%s: %+v, want Support's alert state", when, s.Queues)
		}
		a := s.Queues[0].Alert
		if a.Acknowledged == nil || *a.Acknowledged != "red" || a.AcknowledgedBy == nil || *a.AcknowledgedBy != "Floor 2" || a.AcknowledgedAt == nil {
			t.Errorf("%s: acknowledgement = %+v, want red by Floor 2", when, a)
		}
		if a.SnoozedUntil == nil || time.Until(*a.SnoozedUntil) < 9*time.Minute || time.Until(*a.SnoozedUntil) > 11*time.Minute {
			t.Errorf("%s: snoozed until %v, want in 10 minutes", when, a.SnoozedUntil)
		}
	}
	check("after the acknowledgement")
	page := h.body(t, "/display/"+readOnly)
	if !strings.Contains(page, `data-acked="red" data-acked-by="Floor 2"`) || strings.Contains(page, `data-acknowledge="1"`) {
		t.Error("the read-only display's page lacks the acknowledgement, or offers the buttons")
	}
	if !strings.Contains(h.body(t, "/display/"+allowed), `data-acknowledge="1"`) {
		t.Error("the display allowed to acknowledge has no buttons")
	}

	h.stop()
	h = newHarnessWith(t, eventlog.Options{Dir: dir}, configure)
	check("after a restart")
}

// body reads a page's body.
func (h *harness) body(t *testing.T, path string) string {
	t.Helper()
	res, err := h.http.Client().Get(h.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
