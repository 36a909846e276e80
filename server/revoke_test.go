package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/eventlog/natstest"
	"github.com/wallboard/wallboard/hub"
)

// authNode is a wallboard with accounts on a shared NATS server.
type authNode struct {
	srv  *Server
	http *httptest.Server
}

func startAuthNode(t *testing.T, natsURL string, cfg Config) *authNode {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(ctx, eventlog.Options{URL: natsURL, Logger: logger})
	if err != nil {
		t.Fatalf("open log: %v", err)
	}
	srv, err := New(cfg, elog, logger)
	if err != nil {
		t.Fatal(err)
	}
	n := &authNode{srv: srv, http: httptest.NewServer(srv.Handler())}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		n.http.Close()
		cancel()
		<-done
		elog.Close()
	})
	select {
	case <-srv.CaughtUp():
	case <-time.After(30 * time.Second):
		t.Fatal("node did not catch up")
	}
	return n
}

// dialSession opens a WebSocket on n with a session cookie.
func dialSession(t *testing.T, n *authNode, query, cookie string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(n.http.URL, "http") + "/ws?" + query
	conn, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {n.http.URL}, "Cookie": {cookie}})
	if err == nil {
		t.Cleanup(func() { conn.Close() })
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang guard
	}
	return conn, res, err
}

// closeCode reads until conn fails and returns its close code.
func closeCode(conn *websocket.Conn) (int, error) {
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			if ce, ok := errors.AsType[*websocket.CloseError](err); ok {
				return ce.Code, nil
			}
			return 0, err
		}
	}
}

// TestAuthAcrossNodes runs two wallboards on one NATS server: failed logins
// count on both, and logging out on one revokes the session on the other,
// closing its WebSocket there with 4401.
func TestAuthAcrossNodes(t *testing.T) {
	nats := natstest.RunServer(t)
	cfg := authConfig()
	cfg.LoginFailures = 3
	a, b := startAuthNode(t, nats.URL(), cfg), startAuthNode(t, nats.URL(), cfg)

	// Throttle: 2 failures on A and 1 on B spend the 3 slots of this client
	// and email on both.
	for i, n := range []*authNode{a, a, b} {
		if res := login(t, client(t), n.http.URL, agentEmail, "guess"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d; want 401", i+1, res.StatusCode)
		}
	}
	for name, n := range map[string]*authNode{"A": a, "B": b} {
		if res := login(t, client(t), n.http.URL, agentEmail, password); res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the right password on %s after 3 failures across the nodes = %d; want 429", name, res.StatusCode)
		}
	}

	// Revocation.
	res := login(t, client(t), a.http.URL, superEmail, password)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", res.StatusCode)
	}
	cookie := sessionCookie + "=" + res.Cookies()[0].Value
	conn, res, err := dialSession(t, b, "view=board", cookie)
	if err != nil {
		t.Fatalf("socket on B: %v (%v)", err, res)
	}
	if _, _, err := conn.ReadMessage(); err != nil {
		t.Fatalf("first frame on B: %v", err)
	}
	if res, _ := get(t, client(t), b.http.URL+"/api/v1/state", "Cookie", cookie); res.StatusCode != http.StatusOK {
		t.Fatalf("state on B with the session = %d", res.StatusCode)
	}

	req, _ := http.NewRequest(http.MethodPost, a.http.URL+"/logout", nil)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res, _ := do(t, client(t), req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on A = %d", res.StatusCode)
	}
	if code, err := closeCode(conn); err != nil || code != hub.CloseEnded {
		t.Fatalf("B's socket of the revoked session: close %d (%v); want %d", code, err, hub.CloseEnded)
	}
	for name, n := range map[string]*authNode{"A": a, "B": b} {
		if res, _ := get(t, client(t), n.http.URL+"/api/v1/state", "Cookie", cookie); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("state on %s with the revoked session = %d; want 401", name, res.StatusCode)
		}
		if _, res, err := dialSession(t, n, "view=board", cookie); err == nil || res.StatusCode != http.StatusUnauthorized {
			t.Errorf("socket on %s with the revoked session: %v; want 401", name, err)
		}
	}

	// A node started after the logout knows it too.
	c := startAuthNode(t, nats.URL(), cfg)
	if res, _ := get(t, client(t), c.http.URL+"/api/v1/state", "Cookie", cookie); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("state on a new node with the revoked session = %d; want 401", res.StatusCode)
	}
}

// TestExpiredSessionSocketCloses: a socket lives no longer than its
// session.
func TestExpiredSessionSocketCloses(t *testing.T) {
	cfg := authConfig()
	cfg.SessionTTL = 2 * time.Second
	ts := newAuthServer(t, cfg)
	res := login(t, client(t), ts.URL, superEmail, password)
	cookie := sessionCookie + "=" + res.Cookies()[0].Value
	conn, res, err := dialSession(t, &authNode{http: ts}, "view=board", cookie)
	if err != nil {
		t.Fatalf("socket: %v (%v)", err, res)
	}
	start := time.Now()
	if code, err := closeCode(conn); err != nil || code != hub.CloseEnded {
		t.Fatalf("socket of an expiring session: close %d (%v); want %d", code, err, hub.CloseEnded)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("closed %v after opening; want by the session's expiry, 2s", took)
	}
}

// TestViewsFollowTheRole: an agent may not ask for the board, on a page or
// a socket; supervisors may ask for both.
func TestViewsFollowTheRole(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	n := &authNode{http: ts}
	cookieOf := func(email string) string {
		res := login(t, client(t), ts.URL, email, password)
		return sessionCookie + "=" + res.Cookies()[0].Value
	}
	agent, super := cookieOf(agentEmail), cookieOf(superEmail)
	for _, tt := range []struct {
		cookie, query string
		want          int
	}{
		{agent, "view=board", http.StatusForbidden},
		{agent, "view=nonsense", http.StatusForbidden},
		{agent, "view=agent", http.StatusSwitchingProtocols},
		{super, "view=board", http.StatusSwitchingProtocols},
		{super, "view=agent", http.StatusSwitchingProtocols},
	} {
		_, res, _ := dialSession(t, n, tt.query, tt.cookie)
		if res == nil || res.StatusCode != tt.want {
			t.Errorf("socket %s as %s: %v; want %d", tt.query, map[string]string{agent: "agent", super: "supervisor"}[tt.cookie], res, tt.want)
		}
	}
	if res, _ := get(t, client(t), ts.URL+"/", "Cookie", agent); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/agent" {
		t.Errorf("GET / as an agent = %d to %q; want 303 to /agent", res.StatusCode, res.Header.Get("Location"))
	}
	a, _ := newAuth(authConfig(), nil)
	v := userViewer(a.creds.Load().accounts[agentEmail].user)
	if aud := v.audience("board"); aud.View != "agent" {
		t.Errorf("an agent's audience for the board = %+v; want the agent view", aud)
	}
}
