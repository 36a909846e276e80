package server

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/static"
	"github.com/wallboard/wallboard/views"
)

// handleLoginForm is GET /login.
func (s *Server) handleLoginForm(c echo.Context) error {
	if !s.auth.enabled() || !s.auth.hasLogin() {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.renderLogin(c, http.StatusOK, c.QueryParam("next"), "", "")
}

func (s *Server) renderLogin(c echo.Context, status int, next, email, problem string) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(status)
	cr := s.auth.creds.Load()
	l := views.Login{
		Title:      "Wallboard",
		Stylesheet: static.Path("app.css"),
		Icon:       static.Path("favicon.svg"),
		Next:       localPath(next),
		Email:      email,
		Problem:    problem,
		Passwords:  cr.passwords,
	}
	if cr.sso != nil {
		l.SSO = ssoStatePath
		if l.Next != "" {
			l.SSO += "?next=" + url.QueryEscape(l.Next)
		}
		l.SSOName = cr.sso.cfg.Name
	}
	return views.LoginPage(l).Render(c.Request().Context(), c.Response())
}

// readForm parses the body of a login or logout form: a small urlencoded
// form, or no body at all. Anything else is refused before it is read, so
// that nothing is ever spooled to memory or disk: multipart or another type
// gets 415, a body over formLimit 413 (see limitBodies), a malformed one
// 400. When it refuses, the answer is written and the form is nil (the
// error is the answer's).
func readForm(c echo.Context) (url.Values, error) {
	r := c.Request()
	ct := r.Header.Get(echo.HeaderContentType)
	if ct == "" && r.ContentLength == 0 {
		return url.Values{}, nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != echo.MIMEApplicationForm {
		return nil, errorJSON(c, http.StatusUnsupportedMediaType, "Send the form as application/x-www-form-urlencoded.")
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errorJSON(c, http.StatusRequestEntityTooLarge, "The form is larger than the limit of "+formatBytes(formLimit)+".")
		}
		return nil, errorJSON(c, http.StatusBadRequest, "The form could not be read.")
	}
	return r.PostForm, nil
}

// handleLogin is POST /login: form fields email and password. A success
// sets the session cookie and redirects (303) to next, or the viewer's
// home page. Wrong credentials, for a known email or not, get the same 401
// form; attempts over the throttle's limits (throttle.go) get 429 until
// their window ends.
func (s *Server) handleLogin(c echo.Context) error {
	if !s.auth.creds.Load().passwords {
		return errorJSON(c, http.StatusNotFound, "Logging in with a password is not configured.")
	}
	if err := s.auth.origins.Check(c.Request()); err != nil {
		return errorJSON(c, http.StatusForbidden, "Cross-site login refused.")
	}
	form, err := readForm(c)
	if form == nil {
		return err
	}
	email := strings.ToLower(strings.TrimSpace(form.Get("email")))
	next := form.Get("next")
	ctx := c.Request().Context()
	keys := s.auth.throttle.keys(c.RealIP(), email)
	now := time.Now()
	wait, err := s.auth.throttle.attempt(ctx, keys, now)
	switch {
	case err != nil:
		s.logger.Error("Cannot count a login attempt", slog.Any("error", err))
		c.Response().Header().Set("Retry-After", "5")
		return s.renderLogin(c, http.StatusServiceUnavailable, next, email, views.ProblemUnavailable)
	case wait > 0:
		s.metrics.logins.WithLabelValues("throttled").Inc()
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
		return s.renderLogin(c, http.StatusTooManyRequests, next, email, views.ProblemThrottled)
	}
	acc, ok := s.auth.login(email, form.Get("password"))
	if !ok {
		s.metrics.logins.WithLabelValues("failed").Inc()
		s.logger.Info("Login failed", slog.String("remote", c.RealIP()))
		return s.renderLogin(c, http.StatusUnauthorized, next, email, views.ProblemWrong)
	}
	s.metrics.logins.WithLabelValues("ok").Inc()
	if err := s.auth.throttle.forget(ctx, keys[0]); err != nil {
		s.logger.Warn("Cannot clear the login failures of a successful login", slog.Any("error", err))
	}
	expiry := now.Add(s.auth.sessionTTL)
	s.setSession(c, s.auth.newSession(acc, expiry), expiry)
	s.logger.Info("Logged in", slog.String("user", acc.user.Email), slog.String("role", string(acc.user.Role)))
	if next = localPath(next); next == "" {
		next = homePage(userViewer(acc.user))
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// setSession sets the session cookie to value, which ends at expiry.
func (s *Server) setSession(c echo.Context, value string, expiry time.Time) {
	c.SetCookie(&http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		Expires:  expiry,
		MaxAge:   int(time.Until(expiry).Seconds()),
		HttpOnly: true,
		Secure:   s.auth.secureCookies || c.Request().TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// handleLogout is POST /logout: the session is revoked on every node (its
// open WebSockets are closed with hub.CloseEnded) and its cookie deleted.
func (s *Server) handleLogout(c echo.Context) error {
	if err := s.auth.origins.Check(c.Request()); err != nil {
		return errorJSON(c, http.StatusForbidden, "Cross-site logout refused.")
	}
	if form, err := readForm(c); form == nil {
		return err
	}
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		if v, expiry, ok := s.auth.session(cookie.Value, time.Now()); ok {
			if err := s.auth.revoked.revoke(c.Request().Context(), sessionID(cookie.Value), expiry); err != nil {
				// Revoked here; the other nodes accept it until it expires.
				s.logger.Error("Cannot revoke a session on the other nodes", slog.String("user", v.name), slog.Any("error", err))
			} else {
				s.logger.Info("Logged out", slog.String("user", v.name))
			}
		}
	}
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.auth.secureCookies || c.Request().TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	return c.Redirect(http.StatusSeeOther, "/login")
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
