package server

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/static"
	"github.com/wallboard/wallboard/views"
)

// Who may see what.
//
// Every request to a protected route (pages, /api, /ws) is made by a viewer:
// a logged-in user (session cookie), a display link (its token), or a script
// (the API bearer token). The viewer alone decides the audience (company and
// masking) that is rendered for it; nothing in the request's query can widen
// it. Without any user, display or API token configured, the board is open to
// anyone and every request is made by the open viewer, as before
// authentication existed.

// Session cookie and login defaults.
const (
	sessionCookie = "wallboard_session"
	// sessionVersion is bumped when the signed fields change, ending every
	// session.
	sessionVersion = "v1"

	defaultSessionTTL    = 12 * time.Hour
	defaultLoginFailures = 5
	defaultLoginWindow   = 15 * time.Minute
	// maxThrottleKeys bounds the memory of failed logins remembered.
	maxThrottleKeys = 10_000
)

// viewerKind tells how a viewer authenticated.
type viewerKind int

const (
	viewerOpen    viewerKind = iota // no authentication is configured
	viewerUser                      // a session cookie
	viewerDisplay                   // a display link
	viewerToken                     // the API bearer token
)

// viewer is who makes a request, and what they may see.
type viewer struct {
	kind    viewerKind
	name    string      // email, display name or "api token"; for logs
	role    config.Role // for viewerUser
	company string      // "" means every company
	masked  bool        // external numbers masked
	lang    string      // the account's or display's language; "" lets the request choose
}

// audience is what v sees in view. The open viewer keeps the audiences of
// an unauthenticated board: the board in full, the agent view masked.
func (v viewer) audience(view string) views.Audience {
	if v.kind == viewerDisplay {
		view = views.ViewBoard
	}
	if v.kind == viewerOpen {
		if view == views.ViewAgent {
			return agentAudience
		}
		return boardAudience
	}
	return views.Audience{View: view, Company: v.company, Masked: v.masked}
}

// account is a configured user with the hash parsed.
type account struct {
	user config.User
	hash config.PasswordHash
}

// auth holds the credentials from the configuration.
type auth struct {
	accounts map[string]account          // by lower-case email
	displays map[[32]byte]config.Display // by SHA-256 of the token
	apiToken [32]byte                    // SHA-256 of the API token
	hasToken bool
	// decoy is checked for an unknown email, so that it takes as long to
	// refuse as a wrong password (it has the parameters of a configured
	// hash).
	decoy config.PasswordHash

	sessionKey []byte
	sessionTTL time.Duration
	// secureCookies: the public URL is https, so cookies are Secure even
	// when TLS ends at a proxy.
	secureCookies bool
	origins       *http.CrossOriginProtection
	throttle      *throttle
	// hashing bounds the password checks running at once: each argon2id
	// check takes tens of MiB and a core for a while, so a burst of login
	// attempts must queue rather than exhaust the machine.
	hashing chan struct{}
}

func newAuth(cfg Config) (*auth, error) {
	a := &auth{
		accounts:      make(map[string]account, len(cfg.Users)),
		displays:      make(map[[32]byte]config.Display, len(cfg.Displays)),
		sessionKey:    cfg.SessionKey,
		sessionTTL:    cmp.Or(cfg.SessionTTL, defaultSessionTTL),
		secureCookies: strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://"),
		origins:       http.NewCrossOriginProtection(),
		hashing:       make(chan struct{}, runtime.NumCPU()),
		throttle:      newThrottle(cmp.Or(cfg.LoginFailures, defaultLoginFailures), cmp.Or(cfg.LoginWindow, defaultLoginWindow)),
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("public URL %q: %w", cfg.PublicURL, err)
		}
		if err := a.origins.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("public URL %q: %w", cfg.PublicURL, err)
		}
	}
	for _, u := range cfg.Users {
		h, err := config.ParsePasswordHash(u.PasswordHash)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.Email, err)
		}
		u.Email = strings.ToLower(u.Email)
		a.accounts[u.Email] = account{user: u, hash: h}
	}
	for _, d := range cfg.Displays {
		if len(d.Token) < config.MinTokenLength {
			return nil, fmt.Errorf("display %q: the token is shorter than %d characters", d.Name, config.MinTokenLength)
		}
		a.displays[sha256.Sum256([]byte(d.Token))] = d
	}
	if cfg.APIToken != "" {
		a.apiToken, a.hasToken = sha256.Sum256([]byte(cfg.APIToken)), true
	}
	if len(a.accounts) > 0 {
		if len(a.sessionKey) < 32 {
			return nil, errors.New("a session key of at least 32 bytes is required when users are configured")
		}
		for _, acc := range a.accounts {
			a.decoy = acc.hash.Decoy()
			break
		}
	}
	return a, nil
}

// enabled reports whether any credential is configured; if not, the board is
// open.
func (a *auth) enabled() bool {
	return len(a.accounts) > 0 || len(a.displays) > 0 || a.hasToken
}

// viewers lists every viewer the configuration allows, for the set of
// audiences the pipeline renders.
func (a *auth) viewers() []viewer {
	if !a.enabled() {
		return []viewer{{kind: viewerOpen}}
	}
	var vs []viewer
	if a.hasToken {
		vs = append(vs, tokenViewer())
	}
	for _, acc := range a.accounts {
		vs = append(vs, userViewer(acc.user))
	}
	for _, d := range a.displays {
		vs = append(vs, displayViewer(d))
	}
	return vs
}

// audiences is the set of audiences the configuration allows, each once, in
// a stable order. It is bounded by the configuration: requests cannot add to
// it.
func (a *auth) audiences() []views.Audience {
	seen := map[string]views.Audience{}
	for _, v := range a.viewers() {
		for _, view := range []string{views.ViewBoard, views.ViewAgent} {
			for _, lang := range views.Languages {
				if v.lang != "" && lang != v.lang {
					continue
				}
				aud := v.audience(view)
				aud.Lang = lang
				seen[aud.Key()] = aud
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]views.Audience, len(keys))
	for i, k := range keys {
		out[i] = seen[k]
	}
	return out
}

func tokenViewer() viewer {
	return viewer{kind: viewerToken, name: "api token", role: config.RoleAdmin}
}

func userViewer(u config.User) viewer {
	return viewer{kind: viewerUser, name: u.Email, role: u.Role, company: u.Company, masked: u.Role == config.RoleAgent, lang: views.MatchLanguage(u.Lang)}
}

func displayViewer(d config.Display) viewer {
	return viewer{kind: viewerDisplay, name: d.Name, company: d.Company, masked: d.IsMasked(), lang: views.MatchLanguage(d.Lang)}
}

// display returns the display link with token.
func (a *auth) display(token string) (config.Display, bool) {
	d, ok := a.displays[sha256.Sum256([]byte(token))]
	return d, ok
}

// errBadToken: an Authorization header was sent and is wrong.
var errBadToken = errors.New("bad bearer token")

// identify finds the viewer of a request to a protected route: the open
// viewer when authentication is off, else, in this order, by bearer token,
// display token (the display= query parameter, which display pages'
// WebSockets carry) or session cookie. It fails with errBadToken for a wrong
// Authorization header and with errNoCredentials when the request carries
// no valid credential.
func (a *auth) identify(r *http.Request, now time.Time) (viewer, error) {
	if !a.enabled() {
		return viewer{kind: viewerOpen}, nil
	}
	if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !a.hasToken || !hmac.Equal(hashOf(token), a.apiToken[:]) {
			return viewer{}, errBadToken
		}
		return tokenViewer(), nil
	}
	if token := r.URL.Query().Get("display"); token != "" {
		if d, ok := a.display(token); ok {
			return displayViewer(d), nil
		}
		return viewer{}, errNoCredentials
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if acc, ok := a.session(c.Value, now); ok {
			return userViewer(acc.user), nil
		}
	}
	return viewer{}, errNoCredentials
}

var errNoCredentials = errors.New("no valid credentials")

func hashOf(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// Sessions are stateless: the cookie is "<email>.<expiry>.<mac>", the MAC
// keyed by the session key over the email, the expiry and the user's
// current password hash. So a session survives restarts and is valid on
// every node sharing the key, and it ends at its expiry, when the user is
// removed from the configuration, or when their password changes. Logging
// out deletes the cookie; a copy of it stays valid until it expires.

// newSession returns a cookie value for acc, valid until expiry.
func (a *auth) newSession(acc account, expiry time.Time) string {
	email := base64.RawURLEncoding.EncodeToString([]byte(acc.user.Email))
	exp := strconv.FormatInt(expiry.Unix(), 10)
	return email + "." + exp + "." + base64.RawURLEncoding.EncodeToString(a.sessionMAC(acc, exp))
}

func (a *auth) sessionMAC(acc account, exp string) []byte {
	m := hmac.New(sha256.New, a.sessionKey)
	for _, part := range []string{sessionVersion, acc.user.Email, exp, acc.user.PasswordHash} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// session returns the account of a valid, unexpired session cookie value.
func (a *auth) session(value string, now time.Time) (account, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 3 {
		return account{}, false
	}
	email, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return account{}, false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || now.Unix() >= exp {
		return account{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return account{}, false
	}
	acc, ok := a.accounts[string(email)]
	if !ok || !hmac.Equal(mac, a.sessionMAC(acc, parts[1])) {
		return account{}, false
	}
	return acc, true
}

// login checks a password. An unknown email costs a password check too, so
// that the answer and its timing do not tell which emails exist.
func (a *auth) login(email, password string) (account, bool) {
	a.hashing <- struct{}{}
	defer func() { <-a.hashing }()
	acc, ok := a.accounts[strings.ToLower(strings.TrimSpace(email))]
	if !ok {
		a.decoy.Matches(password)
		return account{}, false
	}
	return acc, acc.hash.Matches(password)
}

// throttle counts failed logins per key (client address and email) in a
// fixed window, and refuses further attempts once limit is reached, until
// the window ends. It remembers at most maxThrottleKeys keys.
type throttle struct {
	limit  int
	window time.Duration

	mu       sync.Mutex
	failures map[string]failures
}

type failures struct {
	n     int
	since time.Time
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, failures: map[string]failures{}}
}

// blocked returns how long key must wait before trying again, or 0.
func (t *throttle) blocked(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.failures[key]
	if !ok || f.n < t.limit {
		return 0
	}
	if wait := f.since.Add(t.window).Sub(now); wait > 0 {
		return wait
	}
	return 0
}

// attempt counts an attempt by key before its password is checked, and
// returns how long key must wait instead, or 0. Counting first, under one
// lock, keeps concurrent attempts from all slipping past the limit; a
// successful attempt is then forgotten.
func (t *throttle) attempt(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f, ok := t.failures[key]; ok && f.n >= t.limit {
		if wait := f.since.Add(t.window).Sub(now); wait > 0 {
			return wait
		}
	}
	t.failLocked(key, now)
	return 0
}

// fail records a failed attempt by key.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failLocked(key, now)
}

func (t *throttle) failLocked(key string, now time.Time) {
	f, ok := t.failures[key]
	if !ok || now.Sub(f.since) >= t.window {
		if !ok && len(t.failures) >= maxThrottleKeys {
			t.evict(now)
		}
		f = failures{since: now}
	}
	f.n++
	t.failures[key] = f
}

// evict forgets expired windows, or, when none has expired (a flood of
// distinct keys), an arbitrary key.
func (t *throttle) evict(now time.Time) {
	for k, f := range t.failures {
		if now.Sub(f.since) >= t.window {
			delete(t.failures, k)
		}
	}
	for k := range t.failures {
		if len(t.failures) < maxThrottleKeys {
			return
		}
		delete(t.failures, k)
	}
}

// forget clears key's failures after a successful login.
func (t *throttle) forget(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

// ctxViewer is the echo context key of the request's viewer.
const ctxViewer = "wallboard.viewer"

// requireViewer lets a request through to next only with a viewer, which
// it stores in the context. Without one, pages redirect to the login form
// and everything else is answered 401.
func (s *Server) requireViewer(page bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			v, err := s.auth.identify(c.Request(), time.Now())
			if err != nil {
				// Pages send people to the login form, when there are
				// people to log in (a display-only setup has none).
				if page && !errors.Is(err, errBadToken) && len(s.auth.accounts) > 0 {
					return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
				}
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="wallboard"`)
				return errorJSON(c, http.StatusUnauthorized, "Log in, open a display link, or send the API token as a Bearer token.")
			}
			c.Set(ctxViewer, v)
			return next(c)
		}
	}
}

// viewerOf is the viewer requireViewer stored.
func viewerOf(c echo.Context) viewer {
	v, _ := c.Get(ctxViewer).(viewer)
	return v
}

// handleLoginForm is GET /login.
func (s *Server) handleLoginForm(c echo.Context) error {
	if !s.auth.enabled() || len(s.auth.accounts) == 0 {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.renderLogin(c, http.StatusOK, "")
}

func (s *Server) renderLogin(c echo.Context, status int, problem string) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(status)
	return views.LoginPage(views.Login{
		Title:      "Wallboard",
		Stylesheet: static.Path("app.css"),
		Next:       localPath(c.FormValue("next")),
		Email:      c.FormValue("email"),
		Problem:    problem,
	}).Render(c.Request().Context(), c.Response())
}

// handleLogin is POST /login: form fields email and password. A success
// sets the session cookie and redirects (303) to next, or the viewer's
// home page. Wrong credentials, for a known email or not, get the same 401
// form; five failures per client address and email in 15 minutes get 429
// until the window ends.
func (s *Server) handleLogin(c echo.Context) error {
	if len(s.auth.accounts) == 0 {
		return errorJSON(c, http.StatusNotFound, "No user accounts are configured.")
	}
	if err := s.auth.origins.Check(c.Request()); err != nil {
		return errorJSON(c, http.StatusForbidden, "Cross-site login refused.")
	}
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	key := c.RealIP() + "|" + email
	now := time.Now()
	if wait := s.auth.throttle.attempt(key, now); wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
		return s.renderLogin(c, http.StatusTooManyRequests, views.ProblemThrottled)
	}
	acc, ok := s.auth.login(email, c.FormValue("password"))
	if !ok {
		s.logger.Info("Login failed", slog.String("remote", c.RealIP()))
		return s.renderLogin(c, http.StatusUnauthorized, views.ProblemWrong)
	}
	s.auth.throttle.forget(key)
	expiry := now.Add(s.auth.sessionTTL)
	c.SetCookie(&http.Cookie{
		Name:     sessionCookie,
		Value:    s.auth.newSession(acc, expiry),
		Path:     "/",
		Expires:  expiry,
		MaxAge:   int(s.auth.sessionTTL.Seconds()),
		HttpOnly: true,
		Secure:   s.auth.secureCookies || c.Request().TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
	s.logger.Info("Logged in", slog.String("user", acc.user.Email), slog.String("role", string(acc.user.Role)))
	next := localPath(c.FormValue("next"))
	if next == "" {
		next = homePage(userViewer(acc.user))
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// handleLogout is POST /logout: the session cookie is deleted.
func (s *Server) handleLogout(c echo.Context) error {
	if err := s.auth.origins.Check(c.Request()); err != nil {
		return errorJSON(c, http.StatusForbidden, "Cross-site logout refused.")
	}
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.auth.secureCookies || c.Request().TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	return c.Redirect(http.StatusSeeOther, "/login")
}

// homePage is where a viewer lands after login: agents on their view,
// everyone else on the board.
func homePage(v viewer) string {
	if v.role == config.RoleAgent {
		return "/agent"
	}
	return "/"
}

// localPath returns p when it is a path on this server ("/agent?q=x"), and
// "" for anything that could lead elsewhere ("//evil.example", "https:…",
// "/\evil"), so that next= cannot be used to redirect off-site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return p
}
