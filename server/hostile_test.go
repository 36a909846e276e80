package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix"
	"github.com/wallboard/wallboard/wildix/pbxsim"
)

// Two tenants, each with its own integration, and viewers of both.
const (
	tenantA, integrationA, secretA = "it_w900001", "intaaa", "secret-of-tenant-a-0001"
	tenantB, integrationB, secretB = "it_w900002", "intbbb", "secret-of-tenant-b-0002"

	hostilePassword = "c0rrect-h0rse-battery"
	agentA          = "agent@a.example.test"
	supervisorB     = "boss@b.example.test"
	displayA        = "display-of-tenant-a-000000000000000001"
	bearer          = "bearer-token-for-monitoring-00001"
)

// startTenants runs a server with two bound integrations (and no global
// secret), an agent of A, a supervisor of B, a masked display of A and the
// API token.
func startTenants(t testing.TB) *harness {
	t.Helper()
	hash := config.HashPassword(hostilePassword)
	return startWith(t, server.Config{
		Integrations: []server.Integration{
			{ID: integrationA, Company: tenantA, Secrets: [][]byte{[]byte("previous-secret-of-a"), []byte(secretA)}},
			{ID: integrationB, Company: tenantB, Secrets: [][]byte{[]byte(secretB)}},
		},
		Users: []config.User{
			{Email: agentA, Role: config.RoleAgent, Company: tenantA, PasswordHash: hash},
			{Email: supervisorB, Role: config.RoleSupervisor, Company: tenantB, PasswordHash: hash},
		},
		Displays:   []config.Display{{Name: "Floor A", Token: displayA, Company: tenantA}},
		APIToken:   bearer,
		SessionKey: []byte("session-key-of-the-hostile-tests-0001"),
		TickPeriod: time.Hour, // no tick moves the log during a test
	})
}

// startWith is newHarness with cfg.
func startWith(t testing.TB, cfg server.Config) *harness {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatalf("open event log: %v", err)
	}
	srv, err := server.New(cfg, elog, logger)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	h := &harness{t: t, srv: srv, log: elog, done: make(chan error, 1)}
	h.http = httptest.NewServer(srv.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- srv.Run(ctx) }()
	select {
	case <-srv.CaughtUp():
	case err := <-h.done:
		t.Fatalf("server stopped before catching up: %v", err)
	}
	t.Cleanup(h.stop)
	return h
}

// event is a presence:telephony body of company from integration.
func event(company, integration, ext, status string, at time.Duration) []byte {
	return fmt.Appendf(nil, `{"id":"%[1]s_%[4]d_%[3]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[4]d,"type":"presence:telephony","integrationId":"%[2]s","data":{"extension":"%[3]s","email":"%[3]s@example.test","sourceId":"","status":"%[5]s"}}`,
		company, integration, ext, ms(at), status)
}

// position is what a refused request must not move: the board's seq and
// the log's last sequence.
type position struct{ seq, log uint64 }

func (h *harness) position() position {
	h.t.Helper()
	st := h.api("/api/v1/state", "Authorization", "Bearer "+bearer)
	var s struct {
		Seq uint64 `json:"seq"`
	}
	if err := json.Unmarshal([]byte(st), &s); err != nil {
		h.t.Fatalf("decode state: %v", err)
	}
	last, err := h.log.LastSeq(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return position{s.Seq, last}
}

// api GETs path with one header, failing the test unless it is 200.
func (h *harness) api(path, header, value string) string {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.http.URL+path, nil)
	if header != "" {
		req.Header.Set(header, value)
	}
	res, err := h.http.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s = %d %s", path, res.StatusCode, b)
	}
	return string(b)
}

func TestHostileRequestsChangeNothing(t *testing.T) {
	h := startTenants(t)
	if code, body := h.post(event(tenantA, integrationA, "201", "registered", 0), secretA); code != http.StatusOK {
		t.Fatalf("valid event of A = %d %s", code, body)
	}
	if code, body := h.post(event(tenantB, integrationB, "301", "registered", 0), secretB); code != http.StatusOK {
		t.Fatalf("valid event of B = %d %s", code, body)
	}

	valid := event(tenantA, integrationA, "202", "talking", time.Second)
	nested := strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000)
	webhook := func(name string, body []byte, secret string, want int, mods ...func(*http.Request)) hostile {
		return hostile{name: name, method: http.MethodPost, path: "/webhooks/wildix", body: body, secret: secret, want: want, mods: mods}
	}
	withHeader := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }
	sigOf := func(secret string, body []byte) func(*http.Request) {
		return withHeader("X-Signature", wildix.Sign([]byte(secret), body))
	}

	cases := []hostile{
		webhook("no signature", valid, "", http.StatusUnauthorized),
		webhook("empty signature", valid, "", http.StatusUnauthorized, withHeader("X-Signature", " ")),
		webhook("signature not hex", valid, "", http.StatusUnauthorized, withHeader("X-Signature", strings.Repeat("zz", 32))),
		webhook("signature too short", valid, "", http.StatusUnauthorized, withHeader("X-Signature", wildix.Sign([]byte(secretA), valid)[:62])),
		webhook("signature by an unknown secret", valid, "guessed-secret", http.StatusUnauthorized),
		webhook("signature by the empty secret", valid, "", http.StatusUnauthorized, sigOf("", valid)),
		webhook("signature of another body", valid, "", http.StatusUnauthorized, sigOf(secretA, event(tenantA, integrationA, "202", "talking", 2*time.Second))),
		webhook("body changed after signing", append(bytes.Clone(valid), ' '), "", http.StatusUnauthorized, sigOf(secretA, valid)),
		webhook("another tenant's secret", valid, secretB, http.StatusUnauthorized),
		webhook("own secret, another tenant's integration", event(tenantB, integrationB, "301", "talking", time.Second), secretA, http.StatusUnauthorized),
		webhook("own secret, another tenant's integration and company", event(tenantB, integrationB, "301", "talking", time.Second), secretA, http.StatusUnauthorized),
		webhook("own integration, another tenant's company", event(tenantB, integrationA, "301", "talking", time.Second), secretA, http.StatusForbidden),
		webhook("own integration, company in other case", event(strings.ToUpper(tenantA), integrationA, "202", "talking", time.Second), secretA, http.StatusForbidden),
		webhook("own integration, no company", bytes.Replace(valid, []byte(`"company":"`+tenantA+`",`), nil, 1), secretA, http.StatusForbidden),
		webhook("own integration, company repeated as B", bytes.Replace(valid, []byte(`"type"`), []byte(`"company":"`+tenantB+`","type"`), 1), secretA, http.StatusForbidden),
		webhook("unknown integration", event(tenantA, "intzzz", "202", "talking", time.Second), secretA, http.StatusUnauthorized),
		webhook("no integration", bytes.Replace(valid, []byte(`"integrationId":"`+integrationA+`",`), nil, 1), secretA, http.StatusUnauthorized),
		webhook("body over the limit", append(append([]byte(`{"type":"presence:telephony","pad":"`), bytes.Repeat([]byte("a"), 1<<20)...), '"', '}'), secretA, http.StatusRequestEntityTooLarge,
			// The server answers from Content-Length and closes without
			// reading: a client that waits for that answer (as curl and
			// proxies do) reads the 413; one that streams the megabyte
			// regardless may see the connection reset first.
			withHeader("Expect", "100-continue")),
		webhook("broken JSON", []byte(`{"type":"presence:telephony","integrationId":"intaaa",`), secretA, http.StatusBadRequest),
		webhook("broken JSON, unsigned", []byte(`{"type":`), "", http.StatusUnauthorized),
		webhook("JSON array", []byte(`[{"type":"presence:telephony"}]`), secretA, http.StatusBadRequest),
		webhook("JSON null", []byte(`null`), secretA, http.StatusBadRequest),
		webhook("empty body", nil, secretA, http.StatusBadRequest),
		webhook("deeply nested JSON", []byte(`{"type":"presence:telephony","integrationId":"intaaa","data":`+nested+`}`), secretA, http.StatusBadRequest),
		webhook("invalid UTF-8", append([]byte(`{"type":"presence:telephony","integrationId":"intaaa","company":"it_w900001","x":"`), 0xff, 0xfe, '"', '}'), secretA, http.StatusBadRequest),
		webhook("byte order mark", append([]byte("\xef\xbb\xbf"), valid...), secretA, http.StatusBadRequest),
		webhook("NUL byte", append(bytes.Clone(valid[:len(valid)-1]), 0, '}'), secretA, http.StatusBadRequest),
		webhook("no type", []byte(`{"id":"x","company":"it_w900001","integrationId":"intaaa","data":{}}`), secretA, http.StatusBadRequest),
		webhook("type not a string", []byte(`{"id":"x","company":"it_w900001","integrationId":"intaaa","type":7,"data":{}}`), secretA, http.StatusBadRequest),
		webhook("data of the wrong type", bytes.Replace(valid, []byte(`"data":{`), []byte(`"data":["x",{`), 1), secretA, http.StatusBadRequest),
		webhook("unknown event type", []byte(`{"id":"x","company":"it_w900001","integrationId":"intaaa","time":1,"type":"fax:received","data":{}}`), secretA, http.StatusAccepted),
		// Another Content-Type than JSON is refused unless the body is both
		// signed and JSON (which is accepted: TestSignedJSONAnyContentType).
		webhook("form content type, unsigned", valid, "", http.StatusUnsupportedMediaType, withHeader("Content-Type", "application/x-www-form-urlencoded")),
		webhook("text/plain content type, signed form", []byte("type=presence:telephony&integrationId=intaaa"), secretA, http.StatusUnsupportedMediaType, withHeader("Content-Type", "text/plain")),
		webhook("multipart content type, another tenant's secret", valid, secretB, http.StatusUnsupportedMediaType, withHeader("Content-Type", "multipart/form-data; boundary=x")),
		webhook("malformed content type, bad signature", valid, "", http.StatusUnsupportedMediaType, withHeader("Content-Type", "application/json; ==="), sigOf("guessed-secret", valid)),
		{name: "GET on the webhook", method: http.MethodGet, path: "/webhooks/wildix", want: http.StatusMethodNotAllowed},
		{name: "state of another tenant", method: http.MethodGet, path: "/api/v1/state?company=" + tenantB, want: http.StatusForbidden, mods: []func(*http.Request){withDisplay(displayA)}},
		{name: "state without credentials", method: http.MethodGet, path: "/api/v1/state", want: http.StatusUnauthorized},
		{name: "state with a wrong bearer", method: http.MethodGet, path: "/api/v1/state", want: http.StatusUnauthorized, mods: []func(*http.Request){withHeader("Authorization", "Bearer "+bearer[:len(bearer)-1])}},
		{name: "state with a forged session", method: http.MethodGet, path: "/api/v1/state", want: http.StatusUnauthorized, mods: []func(*http.Request){withHeader("Cookie", "wallboard_session=YWdlbnRAYS5leGFtcGxlLnRlc3Q.4102444800.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}},
		{name: "socket without credentials", method: http.MethodGet, path: "/ws?view=board", want: http.StatusUnauthorized},
		{name: "display link guessed", method: http.MethodGet, path: "/display/" + displayA[:len(displayA)-1] + "2", want: http.StatusNotFound},
		{name: "login posted cross-site", method: http.MethodPost, path: "/login", body: []byte("email=" + url.QueryEscape(agentA) + "&password=" + hostilePassword), want: http.StatusForbidden,
			mods: []func(*http.Request){withHeader("Content-Type", "application/x-www-form-urlencoded"), withHeader("Origin", "https://evil.example")}},
	}
	if len(cases) < 30 {
		t.Fatalf("the catalogue has %d hostile requests; want at least 30", len(cases))
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			before := h.position()
			req, _ := http.NewRequest(tt.method, h.http.URL+tt.path, bytes.NewReader(tt.body))
			if tt.method == http.MethodPost && tt.path == "/webhooks/wildix" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.secret != "" {
				req.Header.Set("X-Signature", wildix.Sign([]byte(tt.secret), tt.body))
			}
			for _, m := range tt.mods {
				m(req)
			}
			client := h.http.Client()
			if req.Header.Get("Expect") != "" {
				tr := client.Transport.(*http.Transport).Clone()
				tr.ExpectContinueTimeout = 10 * time.Second
				client = &http.Client{Transport: tr}
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("%s %s = %d %s; want %d", tt.method, tt.path, res.StatusCode, body, tt.want)
			}
			if res.StatusCode >= 400 && !bytes.Contains(body, []byte(`"error"`)) {
				t.Errorf("error answer without an error sentence: %s", body)
			}
			if after := h.position(); after != before {
				t.Errorf("state moved from %+v to %+v", before, after)
			}
		})
	}
}

// hostile is one request of the catalogue.
type hostile struct {
	name, method, path string
	body               []byte
	secret             string // signs body when set
	mods               []func(*http.Request)
	want               int
}

// withDisplay adds a display token to the request's query.
func withDisplay(token string) func(*http.Request) {
	return func(r *http.Request) {
		q := r.URL.Query()
		q.Set("display", token)
		r.URL.RawQuery = q.Encode()
	}
}

func TestScriptInEveryTextFieldIsEscaped(t *testing.T) {
	h := startTenants(t)
	const x = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	xs, _ := json.Marshal(x)
	body := fmt.Appendf(nil, `{"id":"%[1]s_xss","pbx":"0000aa11bb22","company":"%[1]s","time":%[3]d,"type":"presence:user","integrationId":"%[2]s","data":{"extension":%[4]s,"email":%[4]s,"sourceId":%[4]s,"status":%[4]s,"until":"2026-11-25T14:00:00Z","message":%[4]s,"location":{"address":%[4]s,"lat":"","lng":""}}}`,
		tenantA, integrationA, ms(0), xs)
	if code, res := h.post(body, secretA); code != http.StatusOK {
		t.Fatalf("post = %d %s", code, res)
	}
	page := h.api("/display/"+displayA, "", "")
	conn := dialWith(t, h, "/ws?view=board&display="+displayA, nil)
	frame := readFrame(t, conn)
	for name, out := range map[string]string{"page": page, "first frame": frame} {
		if !strings.Contains(out, "&lt;script&gt;") {
			t.Errorf("%s does not show the text, escaped", name)
		}
		for _, raw := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(out, raw) {
				t.Errorf("%s contains %q unescaped", name, raw)
			}
		}
	}
}

func dialWith(t *testing.T, h *harness, path string, header http.Header) *websocket.Conn {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	header.Set("Origin", h.http.URL)
	conn, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(h.http.URL, "http")+path, header)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", path, err, res)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// remoteNumbers collects the phone numbers of remote parties in Wildix
// bodies.
func remoteNumbers(t *testing.T, bodies [][]byte) map[string]bool {
	numbers := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "REMOTE" {
				if p, ok := v["phone"].(string); ok && p != "" {
					numbers[p] = true
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	for _, b := range bodies {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		walk(v)
	}
	return numbers
}

// collector reads a socket's frames until one contains a marker.
type collector struct {
	frames []string
	done   chan struct{}
}

func collect(t *testing.T, conn *websocket.Conn, marker string) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			c.frames = append(c.frames, string(msg))
			if strings.Contains(string(msg), marker) {
				return
			}
		}
	}()
	return c
}

func TestBusyDayLeaksNothing(t *testing.T) {
	h := startTenants(t)
	start := clock
	simA := pbxsim.New(pbxsim.Options{Company: tenantA, IntegrationID: integrationA, Users: 24, Rate: 3, Seed: 11, Now: func() time.Time { return start }})
	simB := pbxsim.New(pbxsim.Options{Company: tenantB, IntegrationID: integrationB, Users: 12, Rate: 3, Seed: 12, Now: func() time.Time { return start }})
	var end time.Time // of the simulated traffic
	day := func(sim *pbxsim.Sim, n int) [][]byte {
		bodies := sim.Initial()
		for range n {
			at, b := sim.Next()
			bodies = append(bodies, b)
			if at.After(end) {
				end = at
			}
		}
		return bodies
	}
	bodiesA, bodiesB := day(simA, 500), day(simB, 150)
	numbersA := remoteNumbers(t, bodiesA)
	if len(numbersA) < 20 {
		t.Fatalf("the simulated day of A has %d remote numbers; the scan would prove little", len(numbersA))
	}

	// Sessions and sockets open before the traffic, to see every push.
	agentCookie := h.loginCookie(agentA)
	bossCookie := h.loginCookie(supervisorB)
	const markerA, markerB = "scan-end-marker-a", "scan-end-marker-b"
	agentWS := collect(t, dialWith(t, h, "/ws?view=agent", http.Header{"Cookie": {agentCookie}}), markerA)
	displayWS := collect(t, dialWith(t, h, "/ws?view=board&display="+displayA, nil), markerA)
	bossWS := collect(t, dialWith(t, h, "/ws?view=board&company="+tenantA, http.Header{"Cookie": {bossCookie}}), markerB)

	for i := range max(len(bodiesA), len(bodiesB)) {
		if i < len(bodiesA) {
			if code, res := h.post(bodiesA[i], secretA); code >= 300 {
				t.Fatalf("event %d of A = %d %s", i, code, res)
			}
		}
		if i < len(bodiesB) {
			if code, res := h.post(bodiesB[i], secretB); code >= 300 {
				t.Fatalf("event %d of B = %d %s", i, code, res)
			}
		}
	}
	marker := func(company, integration, secret, text string) {
		body := fmt.Appendf(nil, `{"id":"%[1]s_marker","pbx":"0000aa11bb22","company":"%[1]s","time":%[3]d,"type":"presence:user","integrationId":"%[2]s","data":{"extension":"201","email":null,"sourceId":"","status":"away","until":"","message":%[4]q,"location":null}}`,
			company, integration, end.Add(time.Second).UnixMilli(), text)
		if code, res := h.post(body, secret); code != http.StatusOK {
			t.Fatalf("marker = %d %s", code, res)
		}
	}
	marker(tenantA, integrationA, secretA, markerA)
	marker(tenantB, integrationB, secretB, markerB)
	for _, c := range []*collector{agentWS, displayWS, bossWS} {
		<-c.done
	}

	foreignA, foreignB := foreignStrings(tenantA, bodiesA), foreignStrings(tenantB, bodiesB)
	outputs := map[string][]string{
		"agent of A, WebSocket":     agentWS.frames,
		"display of A, WebSocket":   displayWS.frames,
		"supervisor of B, socket":   bossWS.frames,
		"agent of A, page":          {h.page("/agent", agentCookie)},
		"agent of A, API":           {h.api("/api/v1/state", "Cookie", agentCookie)},
		"display of A, page":        {h.page("/display/"+displayA, "")},
		"display of A, API":         {h.api("/api/v1/state?display="+displayA, "", "")},
		"supervisor of B, page":     {h.page("/", bossCookie)},
		"supervisor of B, API":      {h.api("/api/v1/state", "Cookie", bossCookie)},
		"supervisor of B, agent UI": {h.page("/agent", bossCookie)},
	}
	for name, outs := range outputs {
		all := strings.Join(outs, "\n")
		if !strings.Contains(all, "data-extension") && !strings.Contains(all, `"extension"`) {
			t.Errorf("%s shows nobody: the scan would prove nothing", name)
		}
		for n := range numbersA {
			if strings.Contains(all, n) {
				t.Errorf("%s shows the external number %s of A", name, n)
			}
		}
		foreign, other := foreignA, "A"
		if !strings.HasPrefix(name, "supervisor of B") {
			foreign, other = foreignB, "B"
		}
		for _, f := range foreign {
			if strings.Contains(all, f) {
				t.Errorf("%s shows %q of tenant %s", name, f, other)
			}
		}
	}
	if api := h.api("/api/v1/state", "Authorization", "Bearer "+bearer); !strings.Contains(api, tenantA) || !containsAny(api, numbersA) {
		t.Errorf("the API token does not see A's numbers in full: the scan's numbers are not the ones shown\n%.3000s\n%v", api, numbersA)
	}
}

// foreignStrings are what identify a tenant in its bodies: its company id
// (also as encoded in DOM ids) and its users' email addresses.
func foreignStrings(company string, bodies [][]byte) []string {
	seen := map[string]bool{company: true, domID(company): true}
	email := regexp.MustCompile(`[a-z.0-9]+@[a-z0-9-]+\.example\.com`)
	for _, b := range bodies {
		for _, m := range email.FindAll(b, -1) {
			seen[string(m)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	return out
}

// domID is the company as encoded in DOM ids and hub topics.
func domID(company string) string { return strings.ReplaceAll(company, "_", "_5f") }

func containsAny(s string, set map[string]bool) bool {
	for n := range set {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// loginCookie logs in and returns the session as a Cookie header value.
func (h *harness) loginCookie(email string) string {
	h.t.Helper()
	form := url.Values{"email": {email}, "password": {hostilePassword}}
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.http.URL)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
		h.t.Fatalf("login %s = %d", email, res.StatusCode)
	}
	return res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
}

// page GETs a page with a session cookie.
func (h *harness) page(path, cookie string) string {
	h.t.Helper()
	return h.api(path, "Cookie", cookie)
}

// BenchmarkValidWebhookDuringFlood measures valid webhooks of A while
// flooders post bodies signed with a wrong secret as fast as they can: a
// bad signature costs one HMAC and no storage, so the valid ones should
// barely notice. Compare flooders=0 with flooders=4.
func BenchmarkValidWebhookDuringFlood(b *testing.B) {
	for _, flooders := range []int{0, 4} {
		b.Run(fmt.Sprintf("flooders=%d", flooders), func(b *testing.B) {
			h := startTenants(b)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			for range flooders {
				go func() {
					defer func() { done <- struct{}{} }()
					bad := event(tenantA, integrationA, "299", "talking", 0)
					for ctx.Err() == nil {
						req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.http.URL+"/webhooks/wildix", bytes.NewReader(bad))
						req.Header.Set("X-Signature", wildix.Sign([]byte("wrong-secret"), bad))
						if res, err := h.http.Client().Do(req); err == nil {
							io.Copy(io.Discard, res.Body)
							res.Body.Close()
						}
					}
				}()
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if code, body := h.post(event(tenantA, integrationA, "201", []string{"talking", "registered"}[i%2], time.Duration(i)*time.Millisecond), secretA); code != http.StatusOK {
					b.Fatalf("valid webhook = %d %s", code, body)
				}
			}
			b.StopTimer()
			cancel()
			for range flooders {
				<-done
			}
		})
	}
}
