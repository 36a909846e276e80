package server

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/argon2"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/views"
)

// Credentials of the test configuration.
const (
	companyA = "it_w810001"
	companyB = "it_w810002"

	adminEmail = "root@a.example.test"
	superEmail = "sue@a.example.test"
	agentEmail = "ann@a.example.test"
	password   = "tr0ub4dor&3"

	displayToken   = "d1spl4y-t0ken-f0r-fl00r-2-0123456789abcdef"
	clearToken     = "cl34r-d1spl4y-t0ken-f0r-b-0123456789abcdef"
	groupsToken    = "gr0up-d1spl4y-t0ken-0123456789abcdef01234"
	apiToken       = "api-t0ken-for-scripts-0123456789"
	testSessionKey = "0123456789abcdef0123456789abcdef-session-key"
)

// cheapHash is an argon2id hash of pw with the smallest parameters, so that
// tests log in quickly; the server takes its parameters from the hash.
func cheapHash(pw string) string {
	salt := []byte("saltsaltsaltsalt")
	key := argon2.IDKey([]byte(pw), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=64,t=1,p=1$%s$%s", b64.EncodeToString(salt), b64.EncodeToString(key))
}

func authConfig() Config {
	hash := cheapHash(password)
	unmasked := false
	return Config{
		PublicURL: "https://board.example.test",
		Users: []config.User{
			{Email: adminEmail, Role: config.RoleAdmin, PasswordHash: hash},
			{Email: superEmail, Role: config.RoleSupervisor, Company: companyA, PasswordHash: hash},
			{Email: agentEmail, Role: config.RoleAgent, Company: companyA, PasswordHash: hash},
		},
		Displays: []config.Display{
			{Name: "Floor 2", Token: displayToken, Company: companyA},
			{Name: "Lobby B", Token: clearToken, Company: companyB, Masked: &unmasked},
			{Name: "Support", Token: groupsToken, Company: companyA, Groups: []string{"Support", "Sales"}, Rotate: 20 * time.Second, ExceptionsFirst: true},
		},
		APIToken:   apiToken,
		SessionKey: []byte(testSessionKey),
	}
}

// newAuthServer is a server on no event log: enough for every route but
// the webhook and /readyz, which these tests do not use.
func newAuthServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	s, err := New(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// client does not follow redirects, so that tests see them.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return do(t, c, req)
}

// postForm posts a same-origin form, as the login page does.
func postForm(t *testing.T, c *http.Client, base, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return do(t, c, req)
}

func login(t *testing.T, c *http.Client, base, email, pw string) *http.Response {
	t.Helper()
	res, _ := postForm(t, c, base, "/login", url.Values{"email": {email}, "password": {pw}})
	return res
}

func TestProtectedRoutesRefuseStrangers(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	c := client(t)
	for _, path := range []string{"/", "/agent", "/agent?q=ann"} {
		res, _ := get(t, c, ts.URL+path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
			t.Errorf("GET %s = %d to %q; want 303 to the login form", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	for _, tt := range []struct{ path, header, value string }{
		{"/api/v1/state", "", ""},
		{"/api/v1/state", "Authorization", "Bearer wrong-token"},
		{"/api/v1/state", "Authorization", "Basic " + apiToken},
		{"/api/v1/state?display=not-a-display-token-0123456789abcdef", "", ""},
		{"/api/v1/state", "Cookie", sessionCookie + "=forged.4102444800.AAAA"},
		{"/ws?view=board", "", ""},
		{"/ws?view=agent", "Authorization", "Bearer " + apiToken + "x"},
	} {
		res, body := get(t, c, ts.URL+tt.path, tt.header, tt.value)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"error"`) {
			t.Errorf("GET %s with %s %q = %d %s; want 401 with an error body", tt.path, tt.header, tt.value, res.StatusCode, body)
		}
	}
	for _, path := range []string{"/healthz", "/login", "/static/" + strings.TrimPrefix(authStatic(t), "/static/")} {
		if res, _ := get(t, c, ts.URL+path); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d; want 200 without credentials", path, res.StatusCode)
		}
	}
}

func authStatic(t *testing.T) string {
	t.Helper()
	ts := newAuthServer(t, authConfig())
	_, body := get(t, client(t), ts.URL+"/login")
	i := strings.Index(body, `href="/static/`)
	if i < 0 {
		t.Fatalf("login page has no stylesheet:\n%s", body)
	}
	rest := body[i+len(`href="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestLoginLogout(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	c := client(t)

	res, body := get(t, c, ts.URL+"/login?next=/agent%3Fq%3Dann")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="password"`) || !strings.Contains(body, `value="/agent?q=ann"`) {
		t.Fatalf("GET /login = %d:\n%s", res.StatusCode, body)
	}

	res, _ = postForm(t, c, ts.URL, "/login", url.Values{"email": {"SUE@a.example.test "}, "password": {password}, "next": {"/agent?q=ann"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/agent?q=ann" {
		t.Fatalf("login = %d to %q; want 303 to next", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Cookies()[0]
	if cookie.Name != sessionCookie || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge <= 0 {
		t.Errorf("session cookie = %+v; want HttpOnly, Secure (https public URL), SameSite=Lax, with an expiry", cookie)
	}
	// The jar keeps only Secure cookies for https; send it by hand.
	sess := sessionCookie + "=" + cookie.Value
	for _, path := range []string{"/", "/agent", "/api/v1/state"} {
		if res, _ := get(t, c, ts.URL+path, "Cookie", sess); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s with a session = %d; want 200", path, res.StatusCode)
		}
	}

	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/logout", nil)
	req.Header.Set("Cookie", sess)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, _ = do(t, c, req)
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("logout = %d with cookies %v; want 303 deleting the session cookie", res.StatusCode, res.Cookies())
	}
}

func TestLoginAnswersAlikeForUnknownEmail(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	c := client(t)
	wrong, wrongBody := postForm(t, c, ts.URL, "/login", url.Values{"email": {superEmail}, "password": {"nope"}})
	unknown, unknownBody := postForm(t, c, ts.URL, "/login", url.Values{"email": {"nobody@a.example.test"}, "password": {"nope"}})
	if wrong.StatusCode != http.StatusUnauthorized || unknown.StatusCode != wrong.StatusCode {
		t.Fatalf("wrong password = %d, unknown email = %d; want 401 for both", wrong.StatusCode, unknown.StatusCode)
	}
	// The forms differ only by the email typed back.
	if strings.ReplaceAll(wrongBody, superEmail, "") != strings.ReplaceAll(unknownBody, "nobody@a.example.test", "") {
		t.Errorf("the answers differ:\n%s\n---\n%s", wrongBody, unknownBody)
	}
	if len(wrong.Cookies())+len(unknown.Cookies()) != 0 {
		t.Error("a failed login set a cookie")
	}
}

func TestLoginRefusesCrossSitePosts(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	form := url.Values{"email": {superEmail}, "password": {password}}
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.board.example.test"},
	} {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, _ := do(t, client(t), req)
		if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
			t.Errorf("login with %v = %d; want 403 and no cookie", h, res.StatusCode)
		}
	}
	// The public URL is a trusted origin (TLS ends at a proxy).
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://board.example.test")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, _ := do(t, client(t), req); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login from the public URL = %d; want 303", res.StatusCode)
	}
}

func TestLoginThrottle(t *testing.T) {
	cfg := authConfig()
	cfg.LoginFailures = 3
	ts := newAuthServer(t, cfg)
	c := client(t)
	for i := range 3 {
		if res := login(t, c, ts.URL, agentEmail, "guess"+fmt.Sprint(i)); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d; want 401", i+1, res.StatusCode)
		}
	}
	res := login(t, c, ts.URL, agentEmail, password)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || len(res.Cookies()) != 0 {
		t.Fatalf("the right password after 3 failures = %d (Retry-After %q); want 429 and no session", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := login(t, c, ts.URL, superEmail, password); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another email from the same address = %d; want 303", res.StatusCode)
	}
}

func TestSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, err := newAuth(authConfig(), nil)
		if err != nil {
			t.Fatal(err)
		}
		acc := a.creds.Load().accounts[superEmail]
		value := a.newSession(acc, time.Now().Add(time.Hour))
		if got, _, ok := a.session(value, time.Now()); !ok || got.name != superEmail {
			t.Fatalf("a fresh session is not valid: %v %v", got, ok)
		}
		parts := strings.Split(value, ".")
		other := base64.RawURLEncoding.EncodeToString([]byte(adminEmail))
		for name, v := range map[string]string{
			"other user":     other + "." + parts[1] + "." + parts[2],
			"later expiry":   parts[0] + ".4102444800." + parts[2],
			"truncated mac":  value[:len(value)-2],
			"no mac":         parts[0] + "." + parts[1],
			"empty":          "",
			"extra part":     value + ".x",
			"not base64 mac": parts[0] + "." + parts[1] + ".!!!",
		} {
			if _, _, ok := a.session(v, time.Now()); ok {
				t.Errorf("%s: tampered session %q accepted", name, v)
			}
		}

		// Another key (another installation) does not accept it.
		cfg := authConfig()
		cfg.SessionKey = []byte(strings.Repeat("k", 32))
		b, _ := newAuth(cfg, nil)
		if _, _, ok := b.session(value, time.Now()); ok {
			t.Error("a session signed with another key is valid")
		}
		// A changed password ends it.
		cfg = authConfig()
		cfg.Users[1].PasswordHash = cheapHash("new password")
		c, _ := newAuth(cfg, nil)
		if _, _, ok := c.session(value, time.Now()); ok {
			t.Error("a session outlives a password change")
		}

		time.Sleep(time.Hour)
		if _, _, ok := a.session(value, time.Now()); ok {
			t.Error("an expired session is valid")
		}
	})
}

func TestNewAuthRefusesWeakSettings(t *testing.T) {
	cfg := authConfig()
	cfg.SessionKey = []byte("short")
	if _, err := New(cfg, nil, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a short session key is accepted")
	}
	cfg = authConfig()
	cfg.Displays[0].Token = "short"
	if _, err := New(cfg, nil, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a short display token is accepted")
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/agent?q=ann":          "/agent?q=ann",
		"/":                     "/",
		"":                      "",
		"//evil.example/":       "",
		"/\\evil.example":       "",
		"https://evil.example/": "",
		"agent":                 "",
		"/x\r\nSet-Cookie: a=b": "",
		"javascript:alert(1)":   "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestAudiencesComeFromTheConfiguration(t *testing.T) {
	a, err := newAuth(authConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Each audience once per language (en first in its group of five).
	var keys []string
	for _, aud := range a.audiences() {
		if aud.Lang == "en" {
			keys = append(keys, strings.TrimSuffix(aud.Key(), "|en"))
		}
	}
	if got := len(a.audiences()); got != 5*len(keys) {
		t.Errorf("%d audiences for %d in English; want five languages each", got, len(keys))
	}
	want := []string{
		"agent|*|clear",            // admin, API token
		"agent|it_5fw810001|clear", // supervisor A
		"agent|it_5fw810001|masked",
		"board|*|clear",
		"board|it_5fw810001|clear",
		"board|it_5fw810001|masked", // agent A, displays of A
		"board|it_5fw810002|clear",  // the unmasked display of B
	}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("audiences = %q\nwant        %q", keys, want)
	}

	open, _ := newAuth(Config{}, nil)
	en := func(a views.Audience) views.Audience { a.Lang = "en"; return a }
	if got := open.audiences(); len(got) != 10 || got[1] != en(agentAudience) || got[6] != en(boardAudience) {
		t.Errorf("open board audiences = %v; want the agent and board audiences in five languages", got)
	}
}

func TestViewerAudience(t *testing.T) {
	hash := cheapHash(password)
	tests := []struct {
		v    viewer
		view string
		want views.Audience
	}{
		{viewer{kind: viewerOpen}, views.ViewBoard, boardAudience},
		{viewer{kind: viewerOpen}, views.ViewAgent, agentAudience},
		{userViewer(config.User{Role: config.RoleAgent, Company: companyA, PasswordHash: hash}), views.ViewAgent, views.Audience{View: views.ViewAgent, Company: companyA, Masked: true}},
		{userViewer(config.User{Role: config.RoleSupervisor, Company: companyA}), views.ViewAgent, views.Audience{View: views.ViewAgent, Company: companyA}},
		{userViewer(config.User{Role: config.RoleAdmin}), views.ViewBoard, views.Audience{View: views.ViewBoard}},
		{displayViewer(config.Display{Company: companyB}), views.ViewAgent, views.Audience{View: views.ViewBoard, Company: companyB, Masked: true}},
		{tokenViewer(), views.ViewBoard, views.Audience{View: views.ViewBoard}},
	}
	for _, tt := range tests {
		if got := tt.v.audience(tt.view); got != tt.want {
			t.Errorf("%+v.audience(%s) = %+v; want %+v", tt.v, tt.view, got, tt.want)
		}
	}
}

func TestDisplayLinks(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	c := client(t)

	res, body := get(t, c, ts.URL+"/display/"+displayToken+"?tv=1")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "display="+displayToken) || !strings.Contains(body, "tv=1") {
		t.Fatalf("GET /display/<token> = %d; want 200 and a socket URL with the token:\n%.600s", res.StatusCode, body)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("display page caching %q, referrer policy %q; the token must not leak", res.Header.Get("Cache-Control"), res.Header.Get("Referrer-Policy"))
	}

	res, _ = get(t, c, ts.URL+"/display/"+groupsToken+"?tv=1")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/display/"+groupsToken+"?group=Support&group=Sales&rotate=20&sort=exceptions&tv=1" {
		t.Errorf("display with groups = %d to %q; want 303 adding its groups, page rotation and order", res.StatusCode, loc)
	}
	// What the URL says itself stays; only what it lacks is added.
	res, _ = get(t, c, ts.URL+"/display/"+groupsToken+"?group=Sales&rotate=5&tv=1")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/display/"+groupsToken+"?group=Sales&rotate=5&sort=exceptions&tv=1" {
		t.Errorf("display with its own group and rotate = %d to %q; want 303 adding only sort", res.StatusCode, loc)
	}
	if res, _ = get(t, c, ts.URL+"/display/"+groupsToken+"?group=Sales&rotate=5&sort=name"); res.StatusCode != http.StatusOK {
		t.Errorf("display with every parameter of its own = %d; want 200", res.StatusCode)
	}

	for _, token := range []string{displayToken[:len(displayToken)-1], displayToken + "x", strings.ToUpper(displayToken), "..%2Fapi%2Fv1%2Fstate"} {
		if res, _ := get(t, c, ts.URL+"/display/"+token); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /display/%s = %d; want 404", token, res.StatusCode)
		}
	}

	// Its socket is the display's audience, whatever the query asks; it
	// may not ask for a view it does not have.
	u := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?view=board&company=" + companyB + "&display=" + displayToken
	conn, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {ts.URL}})
	if err != nil {
		t.Fatalf("display socket: %v (%v)", err, res)
	}
	conn.Close()
	u = "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?view=agent&display=" + displayToken
	if _, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {ts.URL}}); err == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("display socket asking for the agent view: %v (%v); want 403", err, res)
	}

	// A revoked link (removed from the configuration) is refused.
	cfg := authConfig()
	cfg.Displays = cfg.Displays[1:]
	revoked := newAuthServer(t, cfg)
	if res, _ := get(t, c, revoked.URL+"/display/"+displayToken); res.StatusCode != http.StatusNotFound {
		t.Errorf("revoked display page = %d; want 404", res.StatusCode)
	}
	_, res, err = websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(revoked.URL, "http")+"/ws?display="+displayToken, nil)
	if err == nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked display socket: %v (%v); want 401", err, res)
	}
}

func TestAPIScopesAndMasks(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	c := client(t)
	sessionOf := func(email string) string {
		res := login(t, c, ts.URL, email, password)
		return sessionCookie + "=" + res.Cookies()[0].Value
	}
	agent, super := sessionOf(agentEmail), sessionOf(superEmail)

	if res, _ := get(t, c, ts.URL+"/api/v1/state?company="+companyB, "Cookie", super); res.StatusCode != http.StatusForbidden {
		t.Errorf("supervisor of A asking for B = %d; want 403", res.StatusCode)
	}
	if res, _ := get(t, c, ts.URL+"/api/v1/state?company="+companyA, "Cookie", agent); res.StatusCode != http.StatusOK {
		t.Errorf("agent of A asking for A = %d; want 200", res.StatusCode)
	}
	if res, _ := get(t, c, ts.URL+"/api/v1/state?company="+companyB, "Authorization", "Bearer "+apiToken); res.StatusCode != http.StatusOK {
		t.Errorf("API token asking for B = %d; want 200", res.StatusCode)
	}
	if res, _ := get(t, c, ts.URL+"/", "Cookie", agent); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/agent" {
		t.Errorf("agent on the board = %d to %q; want 303 to /agent", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSecurityHeaders(t *testing.T) {
	tests := []struct {
		publicURL string
		hsts      bool
	}{{"https://board.example.test", true}, {"http://board.example.test", false}, {"", false}}
	for _, tt := range tests {
		cfg := authConfig()
		cfg.PublicURL = tt.publicURL
		ts := newAuthServer(t, cfg)
		res, _ := get(t, client(t), ts.URL+"/healthz")
		if got := res.Header.Get("Strict-Transport-Security") != ""; got != tt.hsts {
			t.Errorf("public URL %q: HSTS %v; want %v", tt.publicURL, got, tt.hsts)
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("public URL %q: headers %v", tt.publicURL, res.Header)
		}
	}
	ts := httptest.NewTLSServer(mustHandler(t, authConfig()))
	defer ts.Close()
	res, _ := get(t, ts.Client(), ts.URL+"/healthz")
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS under TLS")
	}
}

func mustHandler(t *testing.T, cfg Config) http.Handler {
	t.Helper()
	s, err := New(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

func TestSocketsPerClientAreLimited(t *testing.T) {
	cfg := authConfig()
	cfg.MaxSocketsPerClient = 2
	ts := newAuthServer(t, cfg)
	u := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?display=" + displayToken
	for i := range 2 {
		conn, res, err := websocket.DefaultDialer.Dial(u, nil)
		if err != nil {
			t.Fatalf("socket %d: %v (%v)", i+1, err, res)
		}
		t.Cleanup(func() { conn.Close() })
	}
	if _, res, err := websocket.DefaultDialer.Dial(u, nil); err == nil || res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third socket: %v (%v); want 429", err, res)
	}

	l := newClientLimit(1)
	if !l.acquire("a") || l.acquire("a") || !l.acquire("b") {
		t.Fatal("acquire does not count per client")
	}
	l.release("a")
	if !l.acquire("a") {
		t.Fatal("release does not give the place back")
	}
}

func TestForeignOriginSocketRefused(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	u := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?display=" + displayToken
	_, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {"https://evil.example"}})
	if err == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin with a valid display token: %v (%v); want 403", err, res)
	}
	conn, res, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {"https://board.example.test"}})
	if err != nil {
		t.Fatalf("the public URL's origin: %v (%v)", err, res)
	}
	conn.Close()
}

func TestDisplayOnlySetupDoesNotLoopToLogin(t *testing.T) {
	cfg := authConfig()
	cfg.Users = nil
	ts := newAuthServer(t, cfg)
	res, _ := get(t, client(t), ts.URL+"/")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET / without accounts = %d, want 401 (a redirect to /login would loop back)", res.StatusCode)
	}
}
