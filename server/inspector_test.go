package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog/natstest"
	"github.com/wallboard/wallboard/views"
)

// TestInspectorShowsWhatArrived posts a signed webhook and a forged one:
// the API lists the first as accepted (masked summary, skew) and the second
// as a refusal with its reason and remote address, never a body; admins
// only; and an admin's inspector socket receives both live.
func TestInspectorShowsWhatArrived(t *testing.T) {
	nats := natstest.RunServer(t)
	cfg := authConfig()
	cfg.Secrets = [][]byte{[]byte(reloadSecret)}
	cfg.Integrations = []Integration{{ID: "insp01", Company: companyA, Secrets: [][]byte{[]byte("insp-secret")}}}
	n := startAuthNode(t, nats.URL(), cfg)

	adminCookie := sessionCookie + "=" + login(t, client(t), n.http.URL, adminEmail, password).Cookies()[0].Value
	superCookie := sessionCookie + "=" + login(t, client(t), n.http.URL, superEmail, password).Cookies()[0].Value
	for path, want := range map[string]int{"/api/v1/integrations": http.StatusForbidden, "/admin/integrations": http.StatusForbidden} {
		if res, _ := get(t, client(t), n.http.URL+path, "Cookie", superCookie); res.StatusCode != want {
			t.Errorf("supervisor %s = %d; want %d", path, res.StatusCode, want)
		}
	}
	if _, res, err := dialSession(t, n, "view=integrations", superCookie); err == nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("supervisor's inspector socket: %v; want 403", err)
	}
	res, page := get(t, client(t), n.http.URL+"/admin/integrations", "Cookie", adminCookie)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, n.http.URL[len("http://"):]) && !strings.Contains(page, "board.example.test/webhooks/wildix") {
		t.Fatalf("admin page = %d, without the webhook URL:\n%.500s", res.StatusCode, page)
	}
	conn, _, err := dialSession(t, n, "view=integrations", adminCookie)
	if err != nil {
		t.Fatal(err)
	}
	if _, first, err := conn.ReadMessage(); err != nil || !strings.Contains(string(first), `id="inspector"`) {
		t.Fatalf("first inspector frame: %v %.200s", err, first)
	}

	at := time.Now().Add(-3 * time.Second).UnixMilli()
	if status, b := postWith(t, n, integrationEvent("insp01", companyA, "2101", at), "insp-secret"); status != http.StatusOK {
		t.Fatalf("signed webhook = %d %s", status, b)
	}
	forged := integrationEvent("insp01", companyA, "2999", at)
	if status, _ := postWith(t, n, forged, "not-the-secret"); status != http.StatusUnauthorized {
		t.Fatalf("forged webhook = %d; want 401", status)
	}
	// Both reach the open inspector socket.
	deadline := time.Now().Add(10 * time.Second)
	var frame string
	for time.Now().Before(deadline) && !(strings.Contains(frame, "2101") && strings.Contains(frame, `data-reason="bad_signature"`)) {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("inspector frame: %v", err)
		}
		frame = string(msg)
	}
	if !strings.Contains(frame, "2101") || !strings.Contains(frame, `data-reason="bad_signature"`) {
		t.Errorf("the live frames never showed both events; last:\n%.1000s", frame)
	}

	res, body := get(t, client(t), n.http.URL+"/api/v1/integrations", "Cookie", adminCookie)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("API = %d", res.StatusCode)
	}
	var m views.Integrations
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Accepted) != 1 || m.Accepted[0].Who != "2101" || m.Accepted[0].Verdict != "accepted" || m.Accepted[0].Company != companyA ||
		m.Accepted[0].SkewSeconds == nil || *m.Accepted[0].SkewSeconds > -2 || *m.Accepted[0].SkewSeconds < -60 {
		t.Errorf("accepted = %+v; want the signed event, about 3 s of skew", m.Accepted)
	}
	if len(m.Rejections) != 1 || m.Rejections[0].Reason != "bad_signature" || m.Rejections[0].Status != 401 || m.Rejections[0].Remote != "127.0.0.1" {
		t.Errorf("rejections = %+v; want the forged one from 127.0.0.1", m.Rejections)
	}
	if strings.Contains(body, "2999") {
		t.Error("the API shows something of the forged body")
	}
	var found bool
	for _, c := range m.Integrations {
		if c.ID == "insp01" && c.Configured && c.FirstEventAt != nil && len(c.LastHour) == 1 && c.LastHour[0].Count == 1 && c.LastHour[0].Type == "presence:telephony" {
			found = true
		}
	}
	if !found {
		t.Errorf("integrations = %+v; want insp01 with its first event and one telephony event this hour", m.Integrations)
	}
	for _, c := range m.Categories {
		if seen := c.Key == "telephony"; c.Seen != seen {
			t.Errorf("category %s seen = %v; want %v", c.Key, c.Seen, seen)
		}
	}
	if m.ConsumerLag == nil {
		t.Error("no consumer lag")
	}
}

// TestInspectorMemoryIsBounded: rings keep the newest 50, and integrations
// past maxChannels are counted together.
func TestInspectorMemoryIsBounded(t *testing.T) {
	in := newInspector()
	now := time.Now()
	for i := range 120 {
		in.record(ingressRecord{at: now, transport: TransportWebhook, outcome: outcomeBadSig, rejected: true, status: 401, reason: fmt.Sprint(i)})
		in.record(ingressRecord{at: now, transport: TransportWebhook, integration: fmt.Sprint("int", i), company: companyA, typ: "presence:user", outcome: outcomeAccepted, accepted: true})
	}
	m := in.model(now, "", nil)
	if len(m.Rejections) != inspectorRing || m.Rejections[0].Reason != "119" || m.Rejections[inspectorRing-1].Reason != "70" {
		t.Errorf("rejections: %d, newest %q, oldest %q; want 50 from 119 down to 70", len(m.Rejections), m.Rejections[0].Reason, m.Rejections[len(m.Rejections)-1].Reason)
	}
	if len(m.Accepted) != inspectorRing {
		t.Errorf("accepted: %d; want %d", len(m.Accepted), inspectorRing)
	}
	if len(in.channels) > maxChannels+1 {
		t.Errorf("%d channels; want at most %d", len(in.channels), maxChannels+1)
	}
	// A company's admin sees only that company, and no refusals.
	if m := in.model(now, companyB, nil); len(m.Accepted) != 0 || len(m.Rejections) != 0 || len(m.Integrations) != 0 {
		t.Errorf("company B's inspector shows %d accepted, %d refusals, %d integrations; want none", len(m.Accepted), len(m.Rejections), len(m.Integrations))
	}
	// Counts age out of the day.
	if m := in.model(now.Add(25*time.Hour), "", nil); len(m.Integrations[0].LastDay) != 0 {
		t.Errorf("a day later the counts are %+v; want none", m.Integrations[0].LastDay)
	}
}
