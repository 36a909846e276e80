package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix"
)

const (
	testSecret  = "s3cret-for-tests"
	testCompany = "it_w424242"
)

// harness is a server on a real embedded event log behind a real listener.
type harness struct {
	t      testing.TB
	srv    *server.Server
	http   *httptest.Server
	log    *eventlog.Log
	cancel context.CancelFunc
	done   chan error
}

func newHarness(t testing.TB, dir string) *harness {
	t.Helper()
	return newHarnessWith(t, eventlog.Options{Dir: dir})
}

// newHarnessWith opens the log with opts; configure, when given, adjusts
// the server's configuration.
func newHarnessWith(t testing.TB, opts eventlog.Options, configure ...func(*server.Config)) *harness {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	opts.Logger = logger
	elog, err := eventlog.Open(t.Context(), opts)
	if err != nil {
		t.Fatalf("open event log: %v", err)
	}
	cfg := server.Config{Secrets: [][]byte{[]byte("old-secret"), []byte(testSecret)}}
	for _, f := range configure {
		f(&cfg)
	}
	srv, err := server.New(cfg, elog, logger)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener = srv.LimitListener(ts.Listener)
	ts.Start()
	h := &harness{t: t, srv: srv, http: ts, log: elog, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- srv.Run(ctx) }()
	select {
	case <-srv.CaughtUp():
	case err := <-h.done:
		t.Fatalf("server stopped before catching up: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not catch up with the log")
	}
	t.Cleanup(h.stop)
	return h
}

// stop shuts the server down in production order; safe to call twice.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.http.Close()
	h.cancel()
	if err := <-h.done; err != nil {
		h.t.Errorf("run: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		h.t.Errorf("shutdown: %v", err)
	}
	if err := h.log.Close(); err != nil {
		h.t.Errorf("close log: %v", err)
	}
	h.cancel = nil
}

// post sends body signed with secret (unsigned when secret is empty).
func (h *harness) post(body []byte, secret string) (int, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/webhooks/wildix", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Signature", wildix.Sign([]byte(secret), body))
	}
	res, err := h.http.Client().Do(req)
	if err != nil {
		h.t.Fatalf("post: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// state reads GET /api/v1/state.
func (h *harness) state(query string) apiState {
	h.t.Helper()
	res, err := h.http.Client().Get(h.http.URL + "/api/v1/state" + query)
	if err != nil {
		h.t.Fatalf("get state: %v", err)
	}
	defer res.Body.Close()
	var s apiState
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		h.t.Fatalf("decode state: %v", err)
	}
	return s
}

type apiState struct {
	Seq   uint64 `json:"seq"`
	Users []struct {
		Company    string  `json:"company"`
		Extension  string  `json:"extension"`
		Name       *string `json:"name"`
		Telephony  string  `json:"telephony"`
		Status     string  `json:"status"`
		Message    *string `json:"message"`
		Department *string `json:"department"`
	} `json:"users"`
	Calls []struct {
		ID      string `json:"id"`
		Company string `json:"company"`
		State   string `json:"state"`
	} `json:"calls"`
}

func (s apiState) telephony(ext string) string {
	for _, u := range s.Users {
		if u.Extension == ext {
			return u.Telephony
		}
	}
	return ""
}

var clock = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// telephonyEvent is a presence:telephony body, dispatched at ms.
func telephonyEvent(company, ext, status string, ms int64) []byte {
	return fmt.Appendf(nil, `{"id":"%[1]s_%[4]d_%[2]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[4]d,"type":"presence:telephony","integrationId":"tst001","data":{"extension":"%[2]s","email":"%[2]s@example.test","sourceId":"","status":"%[3]s"}}`,
		company, ext, status, ms)
}

func presenceEvent(ext, status, message string, ms int64) []byte {
	return fmt.Appendf(nil, `{"id":"%[1]s_%[2]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[5]d,"type":"presence:user","integrationId":"tst001","data":{"extension":"%[2]s","email":null,"sourceId":"","status":"%[3]s","until":"2026-11-25T14:00:00Z","message":%[4]q,"location":null}}`,
		testCompany, ext, status, message, ms)
}

func ms(d time.Duration) int64 { return clock.Add(d).UnixMilli() }

func TestWebhookAnswers(t *testing.T) {
	h := newHarness(t, t.TempDir())
	valid := telephonyEvent(testCompany, "1001", "talking", ms(0))

	tests := []struct {
		name   string
		body   []byte
		secret string
		sig    string // overrides the computed signature
		want   int
	}{
		{"no signature", valid, "", "", http.StatusUnauthorized},
		{"wrong secret", valid, "not-the-secret", "", http.StatusUnauthorized},
		{"garbage signature", valid, "", "zz-not-hex", http.StatusUnauthorized},
		{"broken JSON", []byte(`{"type":`), testSecret, "", http.StatusBadRequest},
		{"JSON array", []byte(`[1,2]`), testSecret, "", http.StatusBadRequest},
		{"no type", []byte(`{"id":"x","data":{}}`), testSecret, "", http.StatusBadRequest},
		{"over the limit", append(append([]byte(`{"type":"x","pad":"`), bytes.Repeat([]byte("a"), 1<<20)...), '"', '}'), testSecret, "", http.StatusRequestEntityTooLarge},
		{"unknown type", []byte(`{"id":"x","company":"it_w424242","time":1,"type":"fax:received","data":{}}`), testSecret, "", http.StatusAccepted},
		{"valid, second secret", valid, testSecret, "", http.StatusOK},
		{"exact retry", valid, testSecret, "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.state("").Seq
			req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/webhooks/wildix", bytes.NewReader(tt.body))
			switch {
			case tt.sig != "":
				req.Header.Set("X-Signature", tt.sig)
			case tt.secret != "":
				req.Header.Set("X-Signature", wildix.Sign([]byte(tt.secret), tt.body))
			}
			client := h.http.Client()
			if tt.want == http.StatusRequestEntityTooLarge {
				// The server answers from Content-Length without reading
				// and closes: a client that streams the megabyte anyway may
				// see the reset before the 413, one that waits reads it.
				req.Header.Set("Expect", "100-continue")
				tr := client.Transport.(*http.Transport).Clone()
				tr.ExpectContinueTimeout = 10 * time.Second
				client = &http.Client{Transport: tr}
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.want)
			}
			if res.StatusCode >= 400 {
				var e struct{ Error string }
				if err := json.NewDecoder(res.Body).Decode(&e); err != nil || e.Error == "" {
					t.Fatalf("error body is not {\"error\": sentence}: %v", err)
				}
			}
			after := h.state("").Seq
			changed := after != before
			wantChange := tt.name == "valid, second secret"
			if changed != wantChange {
				t.Fatalf("seq %d → %d; want changed=%v", before, after, wantChange)
			}
		})
	}
	if got := h.state("").telephony("1001"); got != "talking" {
		t.Fatalf("telephony = %q, want talking", got)
	}
}

func TestOlderEventChangesNothing(t *testing.T) {
	h := newHarness(t, t.TempDir())
	if code, body := h.post(presenceEvent("1001", "dnd", "Meeting", ms(2*time.Minute)), testSecret); code != http.StatusOK {
		t.Fatalf("newer: %d %s", code, body)
	}
	seq := h.state("").Seq
	if code, _ := h.post(presenceEvent("1001", "available", "", ms(time.Minute)), testSecret); code != http.StatusOK {
		t.Fatalf("older: %d", code)
	}
	s := h.state("")
	if s.Seq != seq {
		t.Fatalf("seq moved for an older event: %d → %d", seq, s.Seq)
	}
	if s.Users[0].Status != "dnd" || s.Users[0].Message == nil || *s.Users[0].Message != "Meeting" {
		t.Fatalf("user = %+v, want dnd/Meeting kept", s.Users[0])
	}
}

func TestStateFiltersCompany(t *testing.T) {
	h := newHarness(t, t.TempDir())
	h.post(telephonyEvent(testCompany, "1001", "ringing", ms(0)), testSecret)
	h.post(telephonyEvent("it_w999999", "1001", "talking", ms(0)), testSecret)

	all := h.state("")
	if len(all.Users) != 2 {
		t.Fatalf("users = %d, want 2 (one per company)", len(all.Users))
	}
	one := h.state("?company=it_w999999")
	if len(one.Users) != 1 || one.Users[0].Company != "it_w999999" || one.Users[0].Telephony != "talking" {
		t.Fatalf("filtered users = %+v", one.Users)
	}
	if one.Users[0].Department != nil {
		t.Fatalf("unknown department should be null, got %q", *one.Users[0].Department)
	}
}

// dial opens the board's WebSocket like a browser on the same origin.
func dial(t *testing.T, h *harness, view string) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(h.http.URL, "http") + "/ws?view=" + view
	conn, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {h.http.URL}})
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, res)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func readFrame(t *testing.T, conn *websocket.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("read frame: %v", err)
		}
		if !bytes.Contains(msg, []byte(`id="heartbeat"`)) {
			return string(msg)
		}
	}
}

func TestWebhookReachesWebSocket(t *testing.T) {
	h := newHarness(t, t.TempDir())
	h.post(telephonyEvent(testCompany, "1001", "registered", ms(0)), testSecret)

	boardConn := dial(t, h, "board")
	agentConn := dial(t, h, "agent")
	for _, c := range []*websocket.Conn{boardConn, agentConn} {
		first := readFrame(t, c)
		if !strings.Contains(first, `data-extension="1001"`) || !strings.Contains(first, `data-telephony="registered"`) {
			t.Fatalf("first frame is not the current view:\n%s", first)
		}
	}

	if code, body := h.post(telephonyEvent(testCompany, "1001", "talking", ms(time.Second)), testSecret); code != http.StatusOK {
		t.Fatalf("post: %d %s", code, body)
	}
	for _, c := range []*websocket.Conn{boardConn, agentConn} {
		frame := readFrame(t, c)
		if !strings.Contains(frame, `data-extension="1001"`) || !strings.Contains(frame, `data-telephony="talking"`) {
			t.Fatalf("pushed frame does not carry the change:\n%s", frame)
		}
	}
}

func TestWebSocketRefusesForeignOrigin(t *testing.T) {
	h := newHarness(t, t.TempDir())
	u := "ws" + strings.TrimPrefix(h.http.URL, "http") + "/ws?view=board"
	_, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {"https://evil.example"}})
	if err == nil {
		t.Fatal("upgrade from a foreign origin succeeded")
	}
	if res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("response = %v, want 403", res)
	}
}

func TestRestartKeepsTheBoard(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, dir)
	h.post(presenceEvent("1001", "dnd", "Lunch", ms(0)), testSecret)
	h.post(telephonyEvent(testCompany, "1002", "talking", ms(time.Second)), testSecret)
	before := h.state("")
	h.stop()

	h2 := newHarness(t, dir)
	after := h2.state("")
	if after.Seq != before.Seq || len(after.Users) != len(before.Users) || after.telephony("1002") != "talking" {
		t.Fatalf("after restart = %+v, want %+v", after, before)
	}
	// Retries of events stored before the restart are still recognised.
	if _, body := h2.post(telephonyEvent(testCompany, "1002", "talking", ms(time.Second)), testSecret); !strings.Contains(body, `"duplicate":true`) {
		t.Fatalf("retry after restart not recognised as a duplicate: %s", body)
	}
}

// TestBrowserConnectedDuringRestoreGetsTheBoard: a browser that reconnects
// to a restarting server before the board is restored from its snapshot
// gets an empty first frame; once restored, the board is pushed to it,
// even though nothing in the log is left to replay.
func TestBrowserConnectedDuringRestoreGetsTheBoard(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, dir)
	h.post(telephonyEvent(testCompany, "1001", "talking", ms(0)), testSecret)
	h.stop() // saves the snapshot: the restart has nothing to replay

	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: dir, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Secrets: [][]byte{[]byte(testSecret)}}, elog, logger)
	if err != nil {
		t.Fatal(err)
	}
	h2 := &harness{t: t, srv: srv, http: httptest.NewServer(srv.Handler()), log: elog, done: make(chan error, 1)}
	t.Cleanup(h2.stop) // after the sockets close (cleanups run last first)
	conns := []*websocket.Conn{dial(t, h2, "board"), dial(t, h2, "agent")}
	for _, c := range conns {
		if first := readFrame(t, c); strings.Contains(first, `data-extension="1001"`) {
			t.Fatalf("the first frame before the restore already holds the board:\n%s", first)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	h2.cancel = cancel
	go func() { h2.done <- srv.Run(ctx) }()
	for _, c := range conns {
		for {
			if frame := readFrame(t, c); strings.Contains(frame, `data-extension="1001"`) {
				if !strings.Contains(frame, `data-telephony="talking"`) {
					t.Fatalf("the board pushed after the restore is not the stored one:\n%s", frame)
				}
				break
			}
		}
	}
}

// failingLog refuses every append, like a log whose storage is down.
type failingLog struct{ server.EventLog }

func (failingLog) Append(context.Context, eventlog.Message) (uint64, bool, error) {
	return 0, false, errors.New("storage unavailable")
}

func TestUnavailableLogAnswers503(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer elog.Close()
	srv, err := server.New(server.Config{Secrets: [][]byte{[]byte(testSecret)}}, failingLog{elog}, logger)
	if err != nil {
		t.Fatal(err)
	}
	body := telephonyEvent(testCompany, "1001", "talking", ms(0))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/wildix", bytes.NewReader(body))
	req.Header.Set("X-Signature", wildix.Sign([]byte(testSecret), body))
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if last, _ := elog.LastSeq(t.Context()); last != 0 {
		t.Fatalf("log holds %d entries after a refused append", last)
	}
}

func TestNoSecretRefusesEveryWebhook(t *testing.T) {
	srv, err := server.New(server.Config{}, failingLog{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	body := telephonyEvent(testCompany, "1001", "talking", ms(0))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/wildix", bytes.NewReader(body))
	req.Header.Set("X-Signature", wildix.Sign(nil, body))
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", rec.Code)
	}
}

func TestRoutes(t *testing.T) {
	h := newHarness(t, t.TempDir())
	h.post(telephonyEvent(testCompany, "1001", "ringing", ms(0)), testSecret)
	tests := []struct {
		path, contains string
		want           int
	}{
		{"/", `data-extension="1001"`, http.StatusOK},
		{"/agent", `data-extension="1001"`, http.StatusOK},
		{"/healthz", "ok", http.StatusOK},
		{"/readyz", "ready", http.StatusOK},
		{"/metrics", `wallboard_events_total{outcome="accepted",transport="webhook",type="presence:telephony"} 1`, http.StatusOK},
		{"/metrics", "wallboard_log_consumer_lag 0", http.StatusOK},
		{"/api/v1/state", `"telephony":"ringing"`, http.StatusOK},
		{"/nope", "error", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := h.http.Client().Get(h.http.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.want || !strings.Contains(string(b), tt.contains) {
				t.Fatalf("GET %s = %d, want %d containing %q:\n%.500s", tt.path, res.StatusCode, tt.want, tt.contains, b)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Fatalf("CSP = %q", csp)
			}
		})
	}
}

// TestPagesAndAPIAreCompressed: pages and the API are gzipped for a client
// that accepts it (Go's client asks and inflates: Uncompressed reports it).
func TestPagesAndAPIAreCompressed(t *testing.T) {
	h := newHarness(t, t.TempDir())
	for i := range 20 {
		h.post(telephonyEvent(testCompany, fmt.Sprint(1001+i), "ringing", ms(time.Duration(i))), testSecret)
	}
	for _, path := range []string{"/", "/agent", "/api/v1/state"} {
		res, err := h.http.Client().Get(h.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !res.Uncompressed || !strings.Contains(string(b), "1020") {
			t.Errorf("GET %s = %d, uncompressed by the client %v; want 200, gzipped, with every user", path, res.StatusCode, res.Uncompressed)
		}
	}
}
