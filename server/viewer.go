package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/hub"
	"github.com/wallboard/wallboard/views"
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
	// acknowledge: a display link allowed to acknowledge alerts; sound:
	// one whose page arms its alert sound (see config.Display).
	acknowledge, sound bool
	// session and expires identify a viewerUser's session, for
	// revocation, and say when it ends.
	session string
	expires time.Time
	// grant names the configuration entry the viewer was let in by, and
	// everything about it that decides what it sees: a reload that
	// removes or changes that entry closes the viewer's sockets (see
	// grants).
	grant string
}

// mayView reports whether v may ask for view: agents see the agent view
// only, display links the board only; everyone else may see both.
func (v viewer) mayView(view string) bool {
	if view == ViewIntegrations {
		return v.mayInspect()
	}
	switch {
	case v.kind == viewerUser && v.role == config.RoleAgent:
		return view == views.ViewAgent
	case v.kind == viewerDisplay:
		return view == views.ViewBoard
	}
	return view == views.ViewAgent || view == views.ViewBoard
}

// audience is what v sees in view. A view v may not see is replaced by the
// one it may (so no path can render the board for an agent). The open
// viewer keeps the audiences of an unauthenticated board: the board in
// full, the agent view masked.
func (v viewer) audience(view string) views.Audience {
	switch {
	case v.kind == viewerDisplay:
		view = views.ViewBoard
	case v.kind == viewerUser && v.role == config.RoleAgent:
		view = views.ViewAgent
	}
	if v.kind == viewerOpen {
		if view == views.ViewAgent {
			return agentAudience
		}
		return boardAudience
	}
	return views.Audience{View: view, Company: v.company, Masked: v.masked}
}

func tokenViewer() viewer {
	return viewer{kind: viewerToken, name: "api token", role: config.RoleAdmin, grant: "token"}
}

func userViewer(u config.User) viewer {
	return viewer{kind: viewerUser, name: u.Email, role: u.Role, company: u.Company, masked: u.Role == config.RoleAgent, lang: views.MatchLanguage(u.Lang),
		grant: grantOf("user", u.Email, string(u.Role), u.Company, u.Lang, u.PasswordHash)}
}

func displayViewer(d config.Display) viewer {
	return viewer{kind: viewerDisplay, name: d.Name, company: d.Company, masked: d.IsMasked(), lang: views.MatchLanguage(d.Lang),
		acknowledge: d.Acknowledge, sound: d.Sound,
		grant: grantOf("display", d.Token, d.Name, d.Company, strconv.FormatBool(d.IsMasked()), d.Lang, strconv.FormatBool(d.Acknowledge))}
}

// openGrant is the grant of the open viewer: valid while no credential is
// configured.
const openGrant = "open"

// grantOf names a configuration entry by a hash of its parts (a display
// token or a password hash is never kept in the clear here).
func grantOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// viewers lists every viewer the configuration allows, for the set of
// audiences the pipeline renders.
func (cr *credentials) viewers() []viewer {
	if !cr.enabled() {
		return []viewer{{kind: viewerOpen, grant: openGrant}}
	}
	var vs []viewer
	if cr.hasToken {
		vs = append(vs, tokenViewer())
	}
	for _, acc := range cr.accounts {
		vs = append(vs, userViewer(acc.user))
	}
	for _, d := range cr.displays {
		vs = append(vs, displayViewer(d))
	}
	if cr.sso != nil {
		for _, g := range cr.sso.cfg.Groups {
			vs = append(vs, groupViewer("", g))
		}
	}
	return vs
}

// audiences is the set of audiences the configuration allows, each once, in
// a stable order. It is bounded by the configuration: requests cannot add to
// it.
func (a *auth) audiences() []views.Audience { return a.creds.Load().audiences() }

func (cr *credentials) audiences() []views.Audience {
	seen := map[string]views.Audience{}
	for _, v := range cr.viewers() {
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
				if page && !errors.Is(err, errBadToken) && s.auth.hasLogin() {
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

// socketViewer checks a WebSocket request's view= against what its viewer
// may see (403 otherwise), and ties the socket's life to the viewer's
// session: it is closed with hub.CloseEnded when the session is revoked, on
// any node, or expires, and when a reload removes or changes the
// configuration entry that let the viewer in (grants). It runs after requireViewer.
func (s *Server) socketViewer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v := viewerOf(c)
		if view := c.QueryParam("view"); view != "" && !v.mayView(view) {
			return errorJSON(c, http.StatusForbidden, "This view is not open to you.")
		}
		parent, endSession := context.Background(), func() {}
		if v.session != "" {
			parent, endSession = s.auth.revoked.lifetime(v.session, v.expires)
		}
		life, endGrant := s.grants.lifetime(parent, v.grant)
		end := func() { endGrant(); endSession() }
		c.SetRequest(hub.WithLifetime(c.Request(), life))
		// The lifetime ends with the connection once the upgrade has
		// hijacked it, or now if there was no upgrade.
		w := &lifetimeWriter{ResponseWriter: c.Response().Writer, end: end}
		c.Response().Writer = w
		err := next(c)
		if !w.hijacked.Load() {
			end()
		}
		return err
	}
}

// viewerOf is the viewer requireViewer stored.
func viewerOf(c echo.Context) viewer {
	v, _ := c.Get(ctxViewer).(viewer)
	return v
}

// homePage is where a viewer lands after login: agents on their view,
// everyone else on the board.
func homePage(v viewer) string {
	if v.role == config.RoleAgent {
		return "/agent"
	}
	return "/"
}
