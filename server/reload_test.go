package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog/natstest"
	"github.com/wallboard/wallboard/hub"
	"github.com/wallboard/wallboard/wildix"
)

// TestReloadClosesRemovedDisplaysAndKeepsTheRest reloads a configuration
// without one display link, with a changed user and a new display: the
// removed link's socket is closed with 4401 and its page is gone, every
// other socket stays open and keeps receiving, the new link works, and a
// hook registered with OnReload runs.
func TestReloadClosesRemovedDisplaysAndKeepsTheRest(t *testing.T) {
	nats := natstest.RunServer(t)
	cfg := authConfig()
	cfg.Secrets = [][]byte{[]byte(reloadSecret)}
	n := startAuthNode(t, nats.URL(), cfg)
	hooked := make(chan struct{}, 1)
	n.srv.OnReload(func(context.Context) { hooked <- struct{}{} })

	removed, _, err := dialSession(t, n, "view=board&display="+clearToken, "")
	if err != nil {
		t.Fatal(err)
	}
	kept, _, err := dialSession(t, n, "view=board&display="+displayToken, "")
	if err != nil {
		t.Fatal(err)
	}
	res := login(t, client(t), n.http.URL, superEmail, password)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", res.StatusCode)
	}
	cookie := sessionCookie + "=" + res.Cookies()[0].Value
	user, _, err := dialSession(t, n, "view=board", cookie)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ ReadMessage() (int, []byte, error) }{removed, kept, user} {
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatalf("first frame: %v", err)
		}
	}

	next := cfg
	next.Displays = slices.DeleteFunc(slices.Clone(next.Displays), func(d config.Display) bool { return d.Token == clearToken })
	const newToken = "n3w-d1spl4y-t0ken-for-the-lobby-0123456789"
	next.Displays = append(next.Displays, config.Display{Name: "Lobby C", Token: newToken, Company: companyB})
	if err := n.srv.Reload(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hooked:
	case <-time.After(5 * time.Second):
		t.Fatal("the OnReload hook did not run")
	}
	if code, err := closeCode(removed); code != hub.CloseEnded {
		t.Errorf("removed display's socket closed with %d (%v); want %d", code, err, hub.CloseEnded)
	}
	if res, _ := get(t, client(t), n.http.URL+"/display/"+clearToken); res.StatusCode != http.StatusNotFound {
		t.Errorf("removed display's page = %d; want 404", res.StatusCode)
	}
	if res, _ := get(t, client(t), n.http.URL+"/display/"+newToken); res.StatusCode != http.StatusOK {
		t.Errorf("new display's page = %d; want 200", res.StatusCode)
	}
	if _, _, err := dialSession(t, n, "view=board&display="+newToken, ""); err != nil {
		t.Errorf("new display's socket: %v", err)
	}
	// The kept sockets still hear the server (the heartbeat is every 15 s;
	// a change on the board reaches them sooner).
	status, body := postSigned(t, n, integrationEvent("tst001", companyA, "2001", time.Now().UnixMilli()))
	if status != http.StatusOK {
		t.Fatalf("webhook = %d %s", status, body)
	}
	for name, c := range map[string]interface{ ReadMessage() (int, []byte, error) }{"kept display": kept, "user": user} {
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				t.Errorf("%s after the reload: %v; want its socket open and the change", name, err)
				break
			}
			if strings.Contains(string(msg), "2001") {
				break
			} // a heartbeat may come first
		}
	}
	if got := counterValue(n.srv.metrics.reloads.WithLabelValues(reloadApplied)); got != 1 {
		t.Errorf("applied reloads = %v; want 1", got)
	}
}

// TestReloadRemovedUserLosesSessionAndSocket: removing a person closes
// their socket with 4401 and their cookie no longer works.
func TestReloadRemovedUserLosesSessionAndSocket(t *testing.T) {
	nats := natstest.RunServer(t)
	n := startAuthNode(t, nats.URL(), authConfig())
	res := login(t, client(t), n.http.URL, agentEmail, password)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", res.StatusCode)
	}
	cookie := sessionCookie + "=" + res.Cookies()[0].Value
	conn, _, err := dialSession(t, n, "view=agent", cookie)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := conn.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	next := authConfig()
	next.Users = slices.DeleteFunc(next.Users, func(u config.User) bool { return u.Email == agentEmail })
	if err := n.srv.Reload(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	if code, err := closeCode(conn); code != hub.CloseEnded {
		t.Errorf("removed user's socket closed with %d (%v); want %d", code, err, hub.CloseEnded)
	}
	if res, _ := get(t, client(t), n.http.URL+"/api/v1/state", "Cookie", cookie); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("removed user's session = %d; want 401", res.StatusCode)
	}
	if _, _, err := dialSession(t, n, "view=agent", cookie); err == nil {
		t.Error("removed user opened a socket")
	}
}

// TestReloadRefusesBadConfigurationAndKeepsTheRunningOne: a reload that
// does not check out changes nothing and is counted as refused.
func TestReloadRefusesBadConfigurationAndKeepsTheRunningOne(t *testing.T) {
	s, err := New(authConfig(), nil, discard())
	if err != nil {
		t.Fatal(err)
	}
	bad := authConfig()
	bad.Displays = nil
	bad.Users = append(bad.Users, config.User{Email: "x@a.example.test", Role: config.RoleAgent, Company: companyA, PasswordHash: "nope"})
	err = s.Reload(context.Background(), bad)
	if !errors.Is(err, ErrReloadRefused) || !strings.Contains(err.Error(), "x@a.example.test") {
		t.Fatalf("Reload(bad) = %v; want a refusal naming the user", err)
	}
	if _, ok := s.auth.display(displayToken); !ok {
		t.Error("a refused reload removed a display")
	}
	bad = authConfig()
	bad.Integrations = []Integration{{ID: "x", Company: companyA}}
	if err := s.Reload(context.Background(), bad); !errors.Is(err, ErrReloadRefused) {
		t.Fatalf("Reload(integration without secret) = %v; want a refusal", err)
	}
	if got := counterValue(s.metrics.reloads.WithLabelValues(reloadRefused)); got != 2 {
		t.Errorf("refused reloads = %v; want 2", got)
	}
	if got := counterValue(s.metrics.reloads.WithLabelValues(reloadApplied)); got != 0 {
		t.Errorf("applied reloads = %v; want 0", got)
	}
}

// TestReloadSecrets: a rotated integration secret applies to the next
// webhook.
func TestReloadSecrets(t *testing.T) {
	nats := natstest.RunServer(t)
	cfg := authConfig()
	cfg.Integrations = []Integration{{ID: "int1", Company: companyA, Secrets: [][]byte{[]byte("old-secret")}}}
	n := startAuthNode(t, nats.URL(), cfg)
	body := integrationEvent("int1", companyA, "2002", time.Now().UnixMilli())
	if status, _ := postWith(t, n, body, "new-secret"); status != http.StatusUnauthorized {
		t.Fatalf("new secret before the reload = %d; want 401", status)
	}
	cfg.Integrations = []Integration{{ID: "int1", Company: companyA, Secrets: [][]byte{[]byte("new-secret")}}}
	if err := n.srv.Reload(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if status, b := postWith(t, n, body, "new-secret"); status != http.StatusOK {
		t.Errorf("new secret after the reload = %d %s; want 200", status, b)
	}
	if status, _ := postWith(t, n, integrationEvent("int1", companyA, "2003", time.Now().UnixMilli()), "old-secret"); status != http.StatusUnauthorized {
		t.Errorf("old secret after the reload = %d; want 401", status)
	}
}

// integrationEvent is a presence:telephony body of company from integration.
func integrationEvent(integration, company, ext string, ms int64) []byte {
	return fmt.Appendf(nil, `{"id":"%[1]s_%[4]d_%[3]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[4]d,"type":"presence:telephony","integrationId":"%[2]s","data":{"extension":"%[3]s","email":"%[3]s@example.test","sourceId":"","status":"talking"}}`,
		company, integration, ext, ms)
}

// reloadSecret signs the webhooks of the reload tests that go to the
// secret for any company.
const reloadSecret = "reload-test-secret"

// postSigned posts body to n signed with reloadSecret.
func postSigned(t *testing.T, n *authNode, body []byte) (int, string) {
	t.Helper()
	return postWith(t, n, body, reloadSecret)
}

// postWith posts body to n's webhook signed with secret.
func postWith(t *testing.T, n *authNode, body []byte, secret string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, n.http.URL+"/webhooks/wildix", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", wildix.Sign([]byte(secret), body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// counterValue reads a counter.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
