package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/views"
)

// Single sign-on (OpenID Connect, authorization code flow with PKCE).
//
// GET /login/oidc starts a sign-in: a random state, nonce and PKCE verifier
// go into a short-lived cookie signed with the session key (HttpOnly,
// SameSite=Lax so that it comes back with the provider's redirect, path
// /login/oidc), and the browser is sent to the provider. GET
// /login/oidc/callback takes the cookie (once: it is deleted), checks the
// state, exchanges the code with the verifier, verifies the ID token —
// signature by the provider's published keys, issuer, audience, expiry — and
// its nonce, maps the person to what they may see (ssoViewer), and starts a
// session as a password login does (session.go). The provider is
// discovered at the first sign-in, not at start, so that a provider out of
// reach delays nobody's board; a failed discovery is retried after
// ssoRetry.

const (
	ssoStateCookie = "wallboard_oidc"
	ssoStatePath   = "/login/oidc"
	// ssoStateTTL is how long a sign-in may take at the provider.
	ssoStateTTL = 10 * time.Minute
	// ssoTimeout bounds each request to the provider.
	ssoTimeout = 10 * time.Second
	ssoRetry   = 5 * time.Second
	// maxGroups bounds the groups read from an ID token.
	maxGroups = 1000
)

// ssoClient is the wallboard as a client of one OpenID provider.
type ssoClient struct {
	cfg      config.OIDC
	redirect string // <public URL>/login/oidc/callback
	http     *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	failedAt time.Time
	failure  error
}

func newSSOClient(cfg config.OIDC, publicURL string) *ssoClient {
	return &ssoClient{cfg: cfg, redirect: ssoRedirect(publicURL), http: &http.Client{Timeout: ssoTimeout}}
}

// ssoRedirect is the redirect URI registered at the provider.
func ssoRedirect(publicURL string) string {
	return strings.TrimSuffix(publicURL, "/") + ssoStatePath + "/callback"
}

// sameClient reports whether c already is the client of cfg, so that a
// reload keeps what it discovered.
func (c *ssoClient) sameClient(cfg config.OIDC, publicURL string) bool {
	return c.cfg.Issuer == cfg.Issuer && c.cfg.ClientID == cfg.ClientID && c.redirect == ssoRedirect(publicURL)
}

// ctx carries the client's HTTP client for the oidc and oauth2 packages.
func (c *ssoClient) ctx(parent context.Context) context.Context {
	return oidc.ClientContext(parent, c.http)
}

// discover returns the provider's endpoints and ID token verifier,
// fetching the discovery document the first time.
func (c *ssoClient) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, c.verifier, nil
	}
	if time.Since(c.failedAt) < ssoRetry {
		return nil, nil, c.failure
	}
	ctx, cancel := context.WithTimeout(ctx, ssoTimeout)
	defer cancel()
	p, err := oidc.NewProvider(c.ctx(ctx), c.cfg.Issuer)
	if err != nil {
		c.failedAt, c.failure = time.Now(), err
		return nil, nil, err
	}
	// The key set outlives this request: it fetches the provider's keys
	// again when a token names one it does not know.
	c.provider = p
	c.verifier = p.VerifierContext(c.ctx(context.Background()), &oidc.Config{ClientID: c.cfg.ClientID})
	return c.provider, c.verifier, nil
}

// discovered returns what discover found, if it has.
func (c *ssoClient) discovered() (*oidc.Provider, *oidc.IDTokenVerifier) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.provider, c.verifier
}

func (c *ssoClient) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  c.redirect,
		Scopes:       append([]string{oidc.ScopeOpenID, "email", "profile"}, c.cfg.Scopes...),
	}
}

// ssoState is what the state cookie carries between the two requests.
type ssoState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x,omitempty"`
	Expires  int64  `json:"e"`
}

func (a *auth) stateMAC(payload string) []byte {
	m := hmac.New(sha256.New, a.sessionKey)
	m.Write([]byte("wallboard oidc state\x00"))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func (a *auth) sealState(st ssoState) string {
	b, _ := json.Marshal(st)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(a.stateMAC(payload))
}

func (a *auth) openState(value string, now time.Time) (ssoState, bool) {
	payload, sig, ok := strings.Cut(value, ".")
	if !ok {
		return ssoState{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, a.stateMAC(payload)) {
		return ssoState{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ssoState{}, false
	}
	var st ssoState
	if json.Unmarshal(b, &st) != nil || now.Unix() >= st.Expires || st.State == "" || st.Nonce == "" || st.Verifier == "" {
		return ssoState{}, false
	}
	return st, true
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) stateCookie(c echo.Context, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: ssoStateCookie, Value: value, Path: ssoStatePath, MaxAge: maxAge,
		HttpOnly: true, Secure: s.auth.secureCookies || c.Request().TLS != nil, SameSite: http.SameSiteLaxMode,
	}
}

// handleSSOStart is GET /login/oidc[?next=]: it sends the browser to the
// provider.
func (s *Server) handleSSOStart(c echo.Context) error {
	sso := s.auth.creds.Load().sso
	if sso == nil {
		return errorJSON(c, http.StatusNotFound, "Single sign-on is not configured.")
	}
	p, _, err := sso.discover(c.Request().Context())
	if err != nil {
		s.logger.Error("Cannot reach the identity provider", slog.String("issuer", sso.cfg.Issuer), slog.Any("error", err))
		s.metrics.logins.WithLabelValues("sso_unavailable").Inc()
		c.Response().Header().Set("Retry-After", "5")
		return s.renderLogin(c, http.StatusServiceUnavailable, c.QueryParam("next"), "", views.ProblemSSOUnavailable)
	}
	st := ssoState{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		Next: localPath(c.QueryParam("next")), Expires: time.Now().Add(ssoStateTTL).Unix()}
	c.SetCookie(s.stateCookie(c, s.auth.sealState(st), int(ssoStateTTL.Seconds())))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.Redirect(http.StatusSeeOther, sso.oauth(p).AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)))
}

// ssoClaims are the ID token's claims the wallboard reads.
type ssoClaims struct {
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	// Groups is the configured groups claim: a list of strings or one.
	Groups []string `json:"-"`
}

// claimsOf reads the claims of a verified ID token.
func claimsOf(tok *oidc.IDToken, groupsClaim string) (ssoClaims, error) {
	var cl ssoClaims
	if err := tok.Claims(&cl); err != nil {
		return ssoClaims{}, err
	}
	var err error
	if cl.Groups, err = groupsOf(tok.Claims, groupsClaim); err != nil {
		return ssoClaims{}, err
	}
	cl.Email = strings.ToLower(strings.TrimSpace(cl.Email))
	return cl, nil
}

// groupsOf reads the groups claim through claims (an ID token's or a
// UserInfo's Claims method): a list of strings or one string, at most
// maxGroups of them.
func groupsOf(claims func(any) error, name string) ([]string, error) {
	var raw map[string]json.RawMessage
	if err := claims(&raw); err != nil {
		return nil, err
	}
	g, ok := raw[name]
	if !ok {
		return nil, nil
	}
	var groups []string
	if json.Unmarshal(g, &groups) != nil {
		var one string
		if json.Unmarshal(g, &one) != nil {
			return nil, fmt.Errorf("claim %q is neither a string nor a list of strings", name)
		}
		groups = []string{one}
	}
	if len(groups) > maxGroups {
		groups = groups[:maxGroups]
	}
	return groups, nil
}

// handleSSOCallback is GET /login/oidc/callback?code=&state=: the provider
// sends the browser back here.
func (s *Server) handleSSOCallback(c echo.Context) error {
	cr := s.auth.creds.Load()
	if cr.sso == nil {
		return errorJSON(c, http.StatusNotFound, "Single sign-on is not configured.")
	}
	refuse := func(status int, problem, why string, attrs ...any) error {
		s.metrics.logins.WithLabelValues("sso_refused").Inc()
		s.logger.Info("Single sign-on refused", append([]any{slog.String("reason", why), slog.String("remote", c.RealIP())}, attrs...)...)
		return s.renderLogin(c, status, "", "", problem)
	}
	q := c.Request().URL.Query()
	cookie, err := c.Cookie(ssoStateCookie)
	c.SetCookie(s.stateCookie(c, "", -1)) // a state is good for one answer
	if err != nil {
		return refuse(http.StatusBadRequest, views.ProblemSSOStale, "no sign-in in progress")
	}
	st, ok := s.auth.openState(cookie.Value, time.Now())
	if !ok || !hmac.Equal([]byte(q.Get("state")), []byte(st.State)) {
		return refuse(http.StatusBadRequest, views.ProblemSSOStale, "state does not match")
	}
	if e := q.Get("error"); e != "" {
		return refuse(http.StatusUnauthorized, views.ProblemSSOFailed, "the provider answered an error", slog.String("error", truncate(e, 64)))
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*ssoTimeout)
	defer cancel()
	sso := cr.sso
	p, verifier, err := sso.discover(ctx)
	if err != nil {
		s.logger.Error("Cannot reach the identity provider", slog.String("issuer", sso.cfg.Issuer), slog.Any("error", err))
		s.metrics.logins.WithLabelValues("sso_unavailable").Inc()
		return s.renderLogin(c, http.StatusServiceUnavailable, "", "", views.ProblemSSOUnavailable)
	}
	tok, err := sso.oauth(p).Exchange(sso.ctx(ctx), q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return refuse(http.StatusUnauthorized, views.ProblemSSOFailed, "the code exchange failed", slog.Any("error", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return refuse(http.StatusUnauthorized, views.ProblemSSOFailed, "no ID token in the answer")
	}
	idToken, err := verifier.Verify(ctx, raw)
	if err != nil {
		return refuse(http.StatusUnauthorized, views.ProblemSSOFailed, "the ID token is not valid", slog.Any("error", err))
	}
	if !hmac.Equal([]byte(idToken.Nonce), []byte(st.Nonce)) {
		return refuse(http.StatusUnauthorized, views.ProblemSSOFailed, "the ID token's nonce does not match")
	}
	claims, err := claimsOf(idToken, sso.cfg.Claim())
	if err != nil {
		return refuse(http.StatusUnauthorized, views.ProblemSSOFailed, "the ID token's claims cannot be read", slog.Any("error", err))
	}
	if claims.Email == "" {
		// Some providers keep the email for the UserInfo endpoint.
		if info, err := p.UserInfo(sso.ctx(ctx), oauth2.StaticTokenSource(tok)); err == nil && info.Subject == idToken.Subject {
			claims.Email = strings.ToLower(strings.TrimSpace(info.Email))
			claims.EmailVerified = &info.EmailVerified
			if len(claims.Groups) == 0 {
				claims.Groups, _ = groupsOf(info.Claims, sso.cfg.Claim())
			}
		}
	}
	verified := claims.Email != "" && claims.EmailVerified != nil && *claims.EmailVerified
	name := claims.Email
	if name == "" {
		name = idToken.Subject
	}
	v, basis, ok := cr.ssoViewer(name, verified, claims.Groups)
	if !ok {
		return refuse(http.StatusForbidden, views.ProblemSSONoAccess, "neither a verified email nor a group is configured",
			slog.String("user", name), slog.Bool("email_verified", verified))
	}
	s.metrics.logins.WithLabelValues("sso_ok").Inc()
	expiry := time.Now().Add(s.auth.sessionTTL)
	s.setSession(c, s.auth.newSSOSession(sso.cfg.Issuer, name, basis, expiry), expiry)
	s.logger.Info("Signed in", slog.String("user", name), slog.String("role", string(v.role)), slog.String("by", basisName(basis)))
	next := st.Next
	if next == "" {
		next = homePage(v)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// basisName says in a log what let a session in.
func basisName(basis string) string {
	if basis == "" {
		return "email"
	}
	return "group " + basis
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ssoViewer is who signs in as name (their email, else the provider's
// subject) with groups: the user entry of that email if the provider
// verified it, else the first group entry among groups. An email the
// provider does not say it verified could be anyone's (some providers let
// people set it), so it never maps to a user entry. basis names what let
// them in ("" for the user entry, else the group), for the session to be
// checked against the configuration in force at each request.
func (cr *credentials) ssoViewer(name string, verified bool, groups []string) (v viewer, basis string, ok bool) {
	if acc, ok := cr.accounts[name]; ok && verified {
		return userViewer(acc.user), "", true
	}
	for _, g := range cr.sso.cfg.Groups {
		if slices.Contains(groups, g.Group) {
			return groupViewer(name, g), g.Group, true
		}
	}
	return viewer{}, "", false
}

// groupViewer is a member of group g signed in as email.
func groupViewer(email string, g config.GroupRole) viewer {
	v := userViewer(config.User{Email: email, Role: g.Role, Company: g.Company, Lang: g.Lang})
	v.grant = grantOf("group", g.Group, string(g.Role), g.Company, g.Lang)
	return v
}
