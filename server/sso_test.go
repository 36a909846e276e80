package server

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wallboard/wallboard/config"
)

// These tests sign in through a real OpenID provider: zitadel/oidc's
// provider library, built from e2e/oidc-provider (a module of its own) and
// run on loopback with static users.

const (
	ssoClientID     = "wallboard-test"
	ssoClientSecret = "sso-client-secret-0123456789"
	ssoGroup        = "cc-supervisors"
)

// providerUser is an entry of the provider's users file.
type providerUser struct {
	ID            string   `json:"id"`
	Username      string   `json:"username"`
	Password      string   `json:"password"`
	Email         string   `json:"email"`
	EmailVerified bool     `json:"email_verified"`
	Groups        []string `json:"groups"`
}

var providerUsers = []providerUser{
	{ID: "u-sue", Username: "sue", Password: "idp-pw-sue", Email: "Sue.Sso@corp.example.test", EmailVerified: true, Groups: []string{"staff", ssoGroup}},
	{ID: "u-ann", Username: "ann", Password: "idp-pw-ann", Email: agentEmail, EmailVerified: true},
	{ID: "u-eve", Username: "eve", Password: "idp-pw-eve", Email: "eve@corp.example.test", EmailVerified: true, Groups: []string{"staff"}},
	{ID: "u-una", Username: "una", Password: "idp-pw-una", Email: superEmail, EmailVerified: false},
}

var (
	providerOnce sync.Once
	providerBin  string
	providerErr  error
)

// providerBinary builds the provider once per test run.
func providerBinary(t *testing.T) string {
	t.Helper()
	providerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wallboard-oidc-provider-")
		if err != nil {
			providerErr = err
			return
		}
		providerBin = filepath.Join(dir, "oidc-provider")
		cmd := exec.Command("go", "build", "-o", providerBin, ".")
		cmd.Dir = filepath.Join("..", "e2e", "oidc-provider")
		cmd.Env = append(os.Environ(), "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			providerErr = &exec.Error{Name: string(out), Err: err}
		}
	})
	if providerErr != nil {
		t.Fatalf("build the OpenID provider: %v", providerErr)
	}
	return providerBin
}

// provider is a running OpenID provider.
type provider struct {
	issuer string
	addr   string
}

// startProvider runs the provider on addr ("" for any free port) until the
// test ends.
func startProvider(t *testing.T, addr string) *provider {
	t.Helper()
	bin := providerBinary(t)
	users, _ := json.Marshal(providerUsers)
	file := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(file, users, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-addr", cmp.Or(addr, "127.0.0.1:0"), "-users", file, "-client-id", ssoClientID, "-client-secret", ssoClientSecret)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case l := <-line:
		issuer, ok := strings.CutPrefix(l, "issuer ")
		if !ok {
			t.Fatalf("provider said %q", l)
		}
		u, _ := url.Parse(issuer)
		return &provider{issuer: issuer, addr: u.Host}
	case <-time.After(30 * time.Second):
		t.Fatal("the provider did not start")
	}
	return nil
}

func (p *provider) setMode(t *testing.T, mode string) {
	t.Helper()
	res, err := http.Post("http://"+p.addr+"/test/mode", "text/plain", strings.NewReader(mode))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("set mode %s: %v %v", mode, err, res)
	}
	res.Body.Close()
}

// ssoServer is a wallboard whose people sign in with the provider at
// issuer: the group ssoGroup is supervisor of companyA, and agentEmail is
// a user entry without a password.
type ssoServer struct {
	*httptest.Server
	srv *Server
	cfg Config
}

func ssoConfig(publicURL, issuer string) Config {
	cfg := authConfig()
	cfg.PublicURL = publicURL
	cfg.Users = append(cfg.Users[:1:1], config.User{Email: agentEmail, Role: config.RoleAgent, Company: companyA})
	cfg.Users = append(cfg.Users, config.User{Email: superEmail, Role: config.RoleSupervisor, Company: companyA, PasswordHash: cheapHash(password)})
	cfg.OIDC = &config.OIDC{Issuer: issuer, ClientID: ssoClientID, ClientSecret: ssoClientSecret, Name: "Corp ID",
		Groups: []config.GroupRole{{Group: ssoGroup, Role: config.RoleSupervisor, Company: companyA}}}
	return cfg
}

func newSSOServer(t *testing.T, issuer string, change func(*Config)) *ssoServer {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg := ssoConfig("http://"+ts.Listener.Addr().String(), issuer)
	if change != nil {
		change(&cfg)
	}
	s, err := New(cfg, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = s.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &ssoServer{Server: ts, srv: s, cfg: cfg}
}

// signIn goes through the whole flow as a browser does: the wallboard's
// button, the provider's login form, back to the wallboard's callback. It
// returns the wallboard's last answer (not followed).
func signIn(t *testing.T, c *http.Client, base, username, pw string) (*http.Response, string) {
	t.Helper()
	res, _ := get(t, c, base+"/login/oidc?next=%2Fagent%3Fq%3Dx")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /login/oidc = %d", res.StatusCode)
	}
	auth, _ := url.Parse(res.Header.Get("Location"))
	q := auth.Query()
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			t.Fatalf("the authorization request has no %s: %s", k, auth)
		}
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" {
		t.Fatalf("not the code flow with S256 PKCE: %s", auth)
	}
	// The provider redirects to its login form, which names the request.
	next := auth.String()
	var form url.Values
	for range 5 {
		res, _ = get(t, c, next)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if res.StatusCode == http.StatusOK {
			break
		}
		next = res.Request.URL.ResolveReference(loc).String()
	}
	u, _ := url.Parse(next)
	form = url.Values{"id": {u.Query().Get("authRequestID")}, "username": {username}, "password": {pw}}
	req, _ := http.NewRequest(http.MethodPost, u.Scheme+"://"+u.Host+"/login/username", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ = do(t, c, req)
	// Provider redirects, then the wallboard's callback.
	for range 5 {
		loc := res.Header.Get("Location")
		if loc == "" {
			t.Fatalf("the provider answered %d without a redirect", res.StatusCode)
		}
		target := res.Request.URL.ResolveReference(mustURL(t, loc))
		var body string
		res, body = get(t, c, target.String())
		if strings.HasPrefix(target.String(), base) {
			return res, body
		}
	}
	t.Fatal("never came back to the wallboard")
	return nil, ""
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func hasSession(c *http.Client, base string) bool {
	u, _ := url.Parse(base)
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == sessionCookie && k.Value != "" {
			return true
		}
	}
	return false
}

func TestSSOSignsInByGroupAndByEmail(t *testing.T) {
	p := startProvider(t, "")
	ts := newSSOServer(t, p.issuer, nil)

	t.Run("group member is the group's supervisor", func(t *testing.T) {
		c := client(t)
		res, body := signIn(t, c, ts.URL, "sue", "idp-pw-sue")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/agent?q=x" {
			t.Fatalf("callback = %d to %q; want 303 to next: %s", res.StatusCode, res.Header.Get("Location"), body)
		}
		if res, _ := get(t, c, ts.URL+"/api/v1/state"); res.StatusCode != http.StatusOK {
			t.Errorf("state as the group's supervisor = %d", res.StatusCode)
		}
		if res, _ := get(t, c, ts.URL+"/api/v1/state?company="+companyB); res.StatusCode != http.StatusForbidden {
			t.Errorf("another company's state = %d; want 403", res.StatusCode)
		}
		if res, _ := get(t, c, ts.URL+"/"); res.StatusCode != http.StatusOK {
			t.Errorf("the board for a supervisor = %d", res.StatusCode)
		}
	})
	t.Run("email of a user entry without password is that agent", func(t *testing.T) {
		c := client(t)
		res, _ := signIn(t, c, ts.URL, "ann", "idp-pw-ann")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("callback = %d", res.StatusCode)
		}
		if res, _ := get(t, c, ts.URL+"/"); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
			t.Errorf("/ for an agent = %d", res.StatusCode)
		}
		if res, _ := get(t, c, ts.URL+"/api/v1/history?company="+companyA); res.StatusCode != http.StatusForbidden {
			t.Errorf("history for an agent = %d; want 403", res.StatusCode)
		}
		// Nor can the agent log in with a password, having none.
		if res := login(t, client(t), ts.URL, agentEmail, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("password login of a user without password = %d; want 401", res.StatusCode)
		}
	})
	t.Run("nobody the configuration names is refused", func(t *testing.T) {
		c := client(t)
		res, body := signIn(t, c, ts.URL, "eve", "idp-pw-eve")
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "no access to this board") || hasSession(c, ts.URL) {
			t.Errorf("eve = %d, session %v: %s", res.StatusCode, hasSession(c, ts.URL), body)
		}
	})
	t.Run("an unverified email is refused", func(t *testing.T) {
		c := client(t)
		res, _ := signIn(t, c, ts.URL, "una", "idp-pw-una")
		if res.StatusCode != http.StatusForbidden || hasSession(c, ts.URL) {
			t.Errorf("unverified = %d, session %v", res.StatusCode, hasSession(c, ts.URL))
		}
	})
	t.Run("the login page offers the provider beside passwords", func(t *testing.T) {
		_, body := get(t, client(t), ts.URL+"/login?next=%2Fagent")
		for _, want := range []string{`href="/login/oidc?next=%2Fagent"`, "Sign in with Corp ID", `name="password"`} {
			if !strings.Contains(body, want) {
				t.Errorf("login page lacks %s", want)
			}
		}
	})
}

func TestSSORefusesBadTokens(t *testing.T) {
	p := startProvider(t, "")
	ts := newSSOServer(t, p.issuer, nil)
	for _, mode := range []string{"expired", "tampered"} {
		t.Run(mode, func(t *testing.T) {
			p.setMode(t, mode)
			defer p.setMode(t, "normal")
			c := client(t)
			res, body := signIn(t, c, ts.URL, "sue", "idp-pw-sue")
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Signing in with the identity provider failed") || hasSession(c, ts.URL) {
				t.Errorf("%s ID token = %d, session %v: %s", mode, res.StatusCode, hasSession(c, ts.URL), body)
			}
		})
	}
	t.Run("a callback is good once, for its own browser", func(t *testing.T) {
		c := client(t)
		res, _ := signIn(t, c, ts.URL, "sue", "idp-pw-sue")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in = %d", res.StatusCode)
		}
		callback := res.Request.URL.String()
		// Again in the same browser: the state cookie is spent.
		if res, _ := get(t, c, callback); res.StatusCode != http.StatusBadRequest {
			t.Errorf("replayed callback = %d; want 400", res.StatusCode)
		}
		// In another browser (a stolen or injected code): no state cookie.
		other := client(t)
		if res, _ := get(t, other, callback); res.StatusCode != http.StatusBadRequest || hasSession(other, ts.URL) {
			t.Errorf("callback in another browser = %d; want 400", res.StatusCode)
		}
	})
	t.Run("a state that does not match", func(t *testing.T) {
		c := client(t)
		get(t, c, ts.URL+"/login/oidc")
		if res, _ := get(t, c, ts.URL+"/login/oidc/callback?code=x&state=forged"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("forged state = %d; want 400", res.StatusCode)
		}
	})
	t.Run("the provider's error", func(t *testing.T) {
		c := client(t)
		res, _ := get(t, c, ts.URL+"/login/oidc")
		state := mustURL(t, res.Header.Get("Location")).Query().Get("state")
		res, body := get(t, c, ts.URL+"/login/oidc/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state="+state)
		if res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "<b>no") {
			t.Errorf("error answer = %d: %s", res.StatusCode, body)
		}
	})
}

func TestSSOSessionsFollowTheConfiguration(t *testing.T) {
	p := startProvider(t, "")
	ts := newSSOServer(t, p.issuer, func(cfg *Config) { cfg.PasswordLoginOff = true })

	// Password login is off: the form is gone and so are the password
	// sessions.
	_, body := get(t, client(t), ts.URL+"/login")
	if strings.Contains(body, `name="password"`) || !strings.Contains(body, "/login/oidc") {
		t.Errorf("login page with password login off: %s", body)
	}
	if res := login(t, client(t), ts.URL, superEmail, password); res.StatusCode != http.StatusNotFound {
		t.Errorf("password login when off = %d; want 404", res.StatusCode)
	}
	a := ts.srv.auth
	sup := a.creds.Load().accounts[superEmail]
	forged := client(t)
	u, _ := url.Parse(ts.URL)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: a.newSession(sup, time.Now().Add(time.Hour))}})
	if res, _ := get(t, forged, ts.URL+"/api/v1/state"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a password session with password login off = %d; want 401", res.StatusCode)
	}

	c := client(t)
	if res, _ := signIn(t, c, ts.URL, "sue", "idp-pw-sue"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in = %d", res.StatusCode)
	}
	if res, _ := get(t, c, ts.URL+"/api/v1/state"); res.StatusCode != http.StatusOK {
		t.Fatalf("state = %d", res.StatusCode)
	}
	// The group's entry moves to another company: the session follows.
	cfg := ts.cfg
	o := *cfg.OIDC
	o.Groups = []config.GroupRole{{Group: ssoGroup, Role: config.RoleSupervisor, Company: companyB}}
	cfg.OIDC = &o
	if err := ts.srv.Reload(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if res, _ := get(t, c, ts.URL+"/api/v1/state?company="+companyA); res.StatusCode != http.StatusForbidden {
		t.Errorf("old company after the reload = %d; want 403", res.StatusCode)
	}
	// The group's entry is removed: the session ends.
	o.Groups = nil
	if err := ts.srv.Reload(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if res, _ := get(t, c, ts.URL+"/api/v1/state"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("state after the group's removal = %d; want 401", res.StatusCode)
	}
	// Logging out revokes an SSO session as any other.
	c2 := client(t)
	if res, _ := signIn(t, c2, ts.URL, "ann", "idp-pw-ann"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in = %d", res.StatusCode)
	}
	cookies := c2.Jar.Cookies(u)
	if res, _ := postForm(t, c2, ts.URL, "/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout = %d", res.StatusCode)
	}
	replay := client(t)
	replay.Jar.SetCookies(u, cookies)
	if res, _ := get(t, replay, ts.URL+"/api/v1/state"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the SSO session after logout = %d; want 401", res.StatusCode)
	}
}

func TestSSOProviderAwayAtStart(t *testing.T) {
	// A port with nobody on it yet.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ts := newSSOServer(t, "http://"+addr+"/", nil)

	res, body := get(t, client(t), ts.URL+"/login/oidc")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "cannot be reached") {
		t.Fatalf("provider away = %d: %s", res.StatusCode, body)
	}
	// The board itself does not wait for it.
	if res, _ := get(t, client(t), ts.URL+"/api/v1/state", "Authorization", "Bearer "+apiToken); res.StatusCode != http.StatusOK {
		t.Errorf("state with the provider away = %d", res.StatusCode)
	}
	startProvider(t, addr)
	time.Sleep(ssoRetry)
	c := client(t)
	if res, _ := signIn(t, c, ts.URL, "sue", "idp-pw-sue"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in once the provider is back = %d", res.StatusCode)
	}
}
