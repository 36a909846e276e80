package server

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/config"
)

// Who may see what.
//
// Every request to a protected route (pages, /api, /ws) is made by a viewer
// (viewer.go): a logged-in user (session cookie, session.go), a display link
// (its token), or a script (the API bearer token). The viewer alone decides
// the audience (company, masking and the views its role allows) that is
// rendered for it; nothing in the request's query can widen it. Without any
// user, display or API token configured, the board is open to anyone and
// every request is made by the open viewer. People log in through the forms
// of login.go, throttled by throttle.go.

// Login defaults.
const (
	defaultSessionTTL = 12 * time.Hour
)

// account is a configured user with the hash parsed.
type account struct {
	user config.User
	hash config.PasswordHash // zero for a user who signs in only by single sign-on
}

func (acc account) hasPassword() bool { return acc.user.PasswordHash != "" }

// auth holds the credentials from the configuration, and what the nodes
// share about them: revoked sessions and failed logins.
type auth struct {
	// creds are the accounts, display links and API token of the
	// configuration now in force; Server.Reload replaces them whole.
	creds atomic.Pointer[credentials]

	sessionKey []byte
	sessionTTL time.Duration
	// secureCookies: the public URL is https, so cookies are Secure even
	// when TLS ends at a proxy.
	secureCookies bool
	origins       *http.CrossOriginProtection
	throttle      *throttle
	revoked       *revocations
	// hashing bounds the password checks running at once: each argon2id
	// check takes tens of MiB and a core for a while, so a burst of login
	// attempts must queue rather than exhaust the machine.
	hashing chan struct{}
}

// credentials are who may log in or look: what a reload replaces.
type credentials struct {
	accounts map[string]account          // by lower-case email
	displays map[[32]byte]config.Display // by SHA-256 of the token
	apiToken [32]byte                    // SHA-256 of the API token
	hasToken bool
	// passwords: the accounts' passwords are accepted (password login is
	// on and some account has one).
	passwords bool
	// sso is the identity provider's client; nil without single sign-on.
	sso *ssoClient
	// decoy is checked for an unknown email, so that it takes as long to
	// refuse as a wrong password (it has the parameters of a configured
	// hash).
	decoy config.PasswordHash
}

// newCredentials reads the credentials of cfg; sessionKey is the key that
// will sign the accounts' sessions. prev, the credentials cfg replaces (nil
// at start), lends its identity provider's client when cfg names the same,
// so that a reload does not discover it again.
func newCredentials(cfg Config, sessionKey []byte, prev *credentials) (*credentials, error) {
	cr := &credentials{
		accounts: make(map[string]account, len(cfg.Users)),
		displays: make(map[[32]byte]config.Display, len(cfg.Displays)),
	}
	for _, u := range cfg.Users {
		u.Email = strings.ToLower(u.Email)
		acc := account{user: u}
		if u.PasswordHash != "" || cfg.OIDC == nil {
			h, err := config.ParsePasswordHash(u.PasswordHash)
			if err != nil {
				return nil, fmt.Errorf("user %s: %w", u.Email, err)
			}
			acc.hash = h
			if !cfg.PasswordLoginOff {
				cr.passwords = true
				cr.decoy = h.Decoy()
			}
		}
		cr.accounts[u.Email] = acc
	}
	if cfg.OIDC != nil {
		if cfg.PublicURL == "" {
			return nil, errors.New("single sign-on needs the public URL")
		}
		if prev != nil && prev.sso != nil && prev.sso.sameClient(*cfg.OIDC, cfg.PublicURL) {
			cr.sso = &ssoClient{cfg: *cfg.OIDC, redirect: prev.sso.redirect, http: prev.sso.http}
			cr.sso.provider, cr.sso.verifier = prev.sso.discovered()
		} else {
			cr.sso = newSSOClient(*cfg.OIDC, cfg.PublicURL)
		}
	}
	for _, d := range cfg.Displays {
		if len(d.Token) < config.MinTokenLength {
			return nil, fmt.Errorf("display %q: the token is shorter than %d characters", d.Name, config.MinTokenLength)
		}
		cr.displays[sha256.Sum256([]byte(d.Token))] = d
	}
	if cfg.APIToken != "" {
		cr.apiToken, cr.hasToken = sha256.Sum256([]byte(cfg.APIToken)), true
	}
	if (len(cr.accounts) > 0 || cr.sso != nil) && len(sessionKey) < 32 {
		return nil, errors.New("a session key of at least 32 bytes is required when users or single sign-on are configured")
	}
	return cr, nil
}

// newAuth reads the credentials of cfg. tables, when not nil, opens the
// tables the nodes share (revoked sessions, login failures); without it
// they are this node's alone.
func newAuth(cfg Config, tables tableOpener) (*auth, error) {
	a := &auth{
		sessionKey:    cfg.SessionKey,
		sessionTTL:    cmp.Or(cfg.SessionTTL, defaultSessionTTL),
		secureCookies: strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://"),
		origins:       http.NewCrossOriginProtection(),
		hashing:       make(chan struct{}, runtime.NumCPU()),
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
	cr, err := newCredentials(cfg, a.sessionKey, nil)
	if err != nil {
		return nil, err
	}
	a.creds.Store(cr)

	limits := throttleLimits{
		window:  cmp.Or(cfg.LoginWindow, defaultLoginWindow),
		pair:    cmp.Or(cfg.LoginFailures, defaultLoginFailures),
		client:  cmp.Or(cfg.LoginFailuresPerClient, defaultLoginFailuresPerClient),
		account: cmp.Or(cfg.LoginFailuresPerAccount, defaultLoginFailuresPerAccount),
	}
	// The tables are shared whenever accounts may exist: now, or after a
	// reload (a session key is configured for them).
	var failures, revoked counterTable
	if tables != nil && (len(cr.accounts) > 0 || cr.sso != nil || len(a.sessionKey) >= 32) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if failures, err = tables.openTable(ctx, "LOGIN_FAILURES", limits.window, maxThrottleKeys); err != nil {
			return nil, err
		}
		if revoked, err = tables.openTable(ctx, "REVOKED_SESSIONS", a.sessionTTL, maxRevokedSessions); err != nil {
			return nil, err
		}
	}
	if failures == nil {
		failures = newMemoryTable(maxThrottleKeys)
	}
	a.throttle = newThrottle(limits, failures)
	a.revoked = newRevocations(revoked)
	return a, nil
}

// enabled reports whether any credential is configured; if not, the board is
// open.
func (a *auth) enabled() bool { return a.creds.Load().enabled() }

func (cr *credentials) enabled() bool {
	return len(cr.accounts) > 0 || len(cr.displays) > 0 || cr.hasToken || cr.sso != nil
}

// hasLogin reports whether people log in: with a password or by single
// sign-on.
func (a *auth) hasLogin() bool {
	cr := a.creds.Load()
	return cr.passwords || cr.sso != nil
}

// display returns the display link with token.
func (a *auth) display(token string) (config.Display, bool) {
	d, ok := a.creds.Load().displays[sha256.Sum256([]byte(token))]
	return d, ok
}

// errBadToken: an Authorization header was sent and is wrong.
var errBadToken = errors.New("bad bearer token")

var errNoCredentials = errors.New("no valid credentials")

// identify finds the viewer of a request to a protected route: the open
// viewer when authentication is off, else, in this order, by bearer token,
// display token (the display= query parameter, which display pages'
// WebSockets carry) or session cookie. It fails with errBadToken for a wrong
// Authorization header and with errNoCredentials when the request carries
// no valid credential (a revoked or expired session included).
func (a *auth) identify(r *http.Request, now time.Time) (viewer, error) {
	cr := a.creds.Load()
	if !cr.enabled() {
		return viewer{kind: viewerOpen, grant: openGrant}, nil
	}
	if h := r.Header.Get(echo.HeaderAuthorization); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !cr.hasToken || !hmac.Equal(hashOf(token), cr.apiToken[:]) {
			return viewer{}, errBadToken
		}
		return tokenViewer(), nil
	}
	if token := r.URL.Query().Get("display"); token != "" {
		if d, ok := cr.displays[sha256.Sum256([]byte(token))]; ok {
			return displayViewer(d), nil
		}
		return viewer{}, errNoCredentials
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if v, expiry, ok := a.sessionOf(cr, c.Value, now); ok {
			v.session, v.expires = sessionID(c.Value), expiry
			if !a.revoked.has(r.Context(), v.session) {
				return v, nil
			}
		}
	}
	return viewer{}, errNoCredentials
}

func hashOf(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// login checks a password. An unknown email costs a password check too, so
// that the answer and its timing do not tell which emails exist.
func (a *auth) login(email, password string) (account, bool) {
	a.hashing <- struct{}{}
	defer func() { <-a.hashing }()
	cr := a.creds.Load()
	acc, ok := cr.accounts[email]
	if !ok || !acc.hasPassword() {
		cr.decoy.Matches(password)
		return account{}, false
	}
	return acc, acc.hash.Matches(password)
}
