package server

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/static"
	"github.com/wallboard/wallboard/views"
)

// handleBoard is GET /: the supervisors' wall board. Agents are sent to
// their own view.
func (s *Server) handleBoard(c echo.Context) error {
	v := viewerOf(c)
	if home := homePage(v); home != "/" {
		return c.Redirect(http.StatusSeeOther, home)
	}
	if wantsReplay(c) {
		return s.renderReplay(c, v)
	}
	return s.renderPage(c, audienceOf(c, v, views.ViewBoard), c.QueryString())
}

// handleQueues is GET /queues: the queue wall, for those who see the
// board. Agents are sent to their own view.
func (s *Server) handleQueues(c echo.Context) error {
	v := viewerOf(c)
	if home := homePage(v); home != "/" {
		return c.Redirect(http.StatusSeeOther, home)
	}
	return s.renderLayout(c, audienceOf(c, v, views.ViewBoard), c.QueryString(), views.LayoutQueues)
}

// handleAgent is GET /agent: colleagues' status for agents.
func (s *Server) handleAgent(c echo.Context) error {
	return s.renderPage(c, audienceOf(c, viewerOf(c), views.ViewAgent), c.QueryString())
}

// handleDisplay is GET /display/<token>: the read-only board of a display
// link, for a TV. The token is the credential: the page's WebSocket carries
// it as display=. What the link configures beyond that (groups, the TV's
// page rotation, exceptions first) becomes URL parameters, added to the URL
// when it has none of its own, so that the TV's reloads keep them.
func (s *Server) handleDisplay(c echo.Context) error {
	token := c.Param("token")
	d, ok := s.auth.display(token)
	if !ok {
		return errorJSON(c, http.StatusNotFound, "This display link does not exist or was revoked.")
	}
	q := c.QueryParams()
	if defaults := displayDefaults(d); len(defaults) > 0 {
		added := false
		for k, v := range defaults {
			if len(q[k]) == 0 {
				q[k], added = v, true
			}
		}
		if added {
			return c.Redirect(http.StatusSeeOther, "/display/"+url.PathEscape(token)+"?"+q.Encode())
		}
	}
	q.Set("display", token)
	layout := ""
	if d.View == "queues" {
		layout = views.LayoutQueues
	}
	c.Set(ctxViewer, displayViewer(d)) // the page's viewer (renderPage)
	return s.renderLayout(c, audienceOf(c, displayViewer(d), views.ViewBoard), q.Encode(), layout)
}

// displayDefaults are the URL parameters a display link configures: group=
// for its groups, rotate= (seconds per TV page) and sort=exceptions.
func displayDefaults(d config.Display) url.Values {
	v := url.Values{}
	if len(d.Groups) > 0 {
		v["group"] = d.Groups
	}
	if d.Rotate > 0 {
		v.Set("rotate", strconv.Itoa(int(d.Rotate/time.Second)))
	}
	if d.ExceptionsFirst {
		v.Set("sort", "exceptions")
	}
	return v
}

// renderPage renders the page of aud. rawQuery is what the page's WebSocket
// URL carries (filters, a display token).
func (s *Server) renderPage(c echo.Context, aud views.Audience, rawQuery string) error {
	return s.renderLayout(c, aud, rawQuery, "")
}

// renderLayout renders aud's page in layout (see views.Page.Layout).
func (s *Server) renderLayout(c echo.Context, aud views.Audience, rawQuery, layout string) error {
	view, _, err := s.views.current(aud)
	if err != nil {
		return fmt.Errorf("build the view of %s: %w", aud.Key(), err)
	}
	page := s.pageFor(c, aud, rawQuery)
	page.Layout = layout
	return s.writePage(c, aud, view, page)
}

// pageFor is what the page of aud needs besides its view.
func (s *Server) pageFor(c echo.Context, aud views.Audience, rawQuery string) views.Page {
	window := c.QueryParam("window")
	if window != "30" && window != "60" {
		window = "15"
	}
	page := views.Page{
		Window:     window,
		Title:      "Wallboard",
		Socket:     views.SocketURL(aud.View, rawQuery),
		Stylesheet: static.Path("app.css"),
		Icon:       static.Path("favicon.svg"),
		Script:     static.Path("app.js"),
		Search:     c.QueryParam("q"),
		LoggedIn:   viewerOf(c).kind == viewerUser,
	}
	if v := viewerOf(c); aud.View == views.ViewBoard {
		page.Acknowledge, page.Sound = v.mayAcknowledge(), v.sound
		page.MayReplay = mayReplay(v) && s.replay != nil
	}
	if aud.View == views.ViewBoard {
		page.QueueThresholds = views.ThresholdsFor(s.live.Load().thresholds, aud)
	}
	return page
}

// writePage answers with view's page.
func (s *Server) writePage(c echo.Context, aud views.Audience, view *views.View, page views.Page) error {
	component, err := view.Page(page)
	if err != nil {
		return fmt.Errorf("render the page of %s: %w", aud.Key(), err)
	}
	return writeHTML(c.Request().Context(), c, component)
}

// writeHTML answers with component, rendered in ctx, never cached.
func writeHTML(ctx context.Context, c echo.Context, component templ.Component) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return component.Render(ctx, c.Response())
}

// Languages. A viewer reads the language of their account or display link
// (lang: in the configuration file) when it has one; otherwise the
// request's lang= query, then its Accept-Language header, then English. The
// page's WebSocket carries the page's query and the browser's header, so
// it chooses the same language as its page.

// requestLanguage is the language of a request made by v.
func requestLanguage(c echo.Context, v viewer) string {
	return cmp.Or(views.MatchLanguage(v.lang, c.QueryParam("lang"), c.Request().Header.Get("Accept-Language")), views.Languages[0])
}

// audienceOf is v's audience of view in the language of request c.
func audienceOf(c echo.Context, v viewer, view string) views.Audience {
	aud := v.audience(view)
	aud.Lang = requestLanguage(c, v)
	return aud
}

// withLanguage puts the request's language (before any viewer is known:
// lang=, then Accept-Language) into its context, for pages rendered
// outside an audience, such as the login form.
func withLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		c.SetRequest(r.WithContext(views.WithLanguage(r.Context(), requestLanguage(c, viewer{}))))
		return next(c)
	}
}

// checkLanguages fails when an account or a display link names a language
// the board does not speak.
func checkLanguages(cfg Config) error {
	bad := func(what, name, lang string) error {
		return fmt.Errorf("%s %s: lang %q is not one of %s", what, name, lang, strings.Join(views.Languages[:], ", "))
	}
	for _, u := range cfg.Users {
		if u.Lang != "" && views.MatchLanguage(u.Lang) == "" {
			return bad("user", u.Email, u.Lang)
		}
	}
	for _, d := range cfg.Displays {
		if d.Lang != "" && views.MatchLanguage(d.Lang) == "" {
			return bad("display", d.Name, d.Lang)
		}
	}
	return nil
}

// queueThresholds converts the configuration's queue thresholds for the
// views.
func queueThresholds(qs []config.Queue) []views.QueueThreshold {
	out := make([]views.QueueThreshold, len(qs))
	for i, q := range qs {
		out[i] = views.QueueThreshold{
			Company: q.Company, Name: q.Name,
			AmberWaiting: q.AmberWaiting, RedWaiting: q.RedWaiting,
			AmberWait: q.AmberWait, RedWait: q.RedWait,
			AmberServiceLevel: q.AmberServiceLevel, RedServiceLevel: q.RedServiceLevel,
			AmberAbandonRate: q.AmberAbandonRate, RedAbandonRate: q.RedAbandonRate,
		}
	}
	return out
}

// handleWS is GET /ws: the first frame is the viewer's full current view,
// then its changes in order. The viewer (see requireViewer) decides the
// audience; view= only chooses between the board and the agent view. A
// client address may hold at most Config.MaxSocketsPerClient sockets; more
// get 429.
func (s *Server) handleWS(c echo.Context) error {
	view := views.ViewBoard
	if c.QueryParam("view") == views.ViewAgent {
		view = views.ViewAgent
	}
	var topic string
	if c.QueryParam("view") == ViewIntegrations {
		// socketViewer let only those who may inspect through.
		v := viewerOf(c)
		topic = s.inspectorTopic(v, requestLanguage(c, v))
	} else {
		aud := audienceOf(c, viewerOf(c), view)
		if !s.views.known(aud) {
			// Every viewer's audiences are known (auth.audiences); this is a
			// bug, not a request to refuse quietly.
			return fmt.Errorf("audience %s is not configured", aud.Key())
		}
		topic = aud.Key()
	}
	ip := c.RealIP()
	if !s.sockets.acquire(ip) {
		return errorJSON(c, http.StatusTooManyRequests, "Too many WebSockets from this address.")
	}
	release := sync.OnceFunc(func() { s.sockets.release(ip) })
	w := &hijackNotifier{ResponseWriter: c.Response(), onClose: release}
	err := s.hub.Serve(w, c.Request(), topic)
	if err != nil {
		release()
		// The hub has answered the request (403, 503 or a failed upgrade).
		s.logger.Debug("WebSocket refused", slog.String("remote", ip), slog.Any("error", err))
	}
	return nil
}

// clientLimit counts what each client address holds open.
type clientLimit struct {
	max  int
	mu   sync.Mutex
	open map[string]int
}

func newClientLimit(maxPerClient int) *clientLimit {
	return &clientLimit{max: maxPerClient, open: map[string]int{}}
}

// acquire takes one place for client, or reports false when it has none
// left.
func (l *clientLimit) acquire(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[client] >= l.max {
		return false
	}
	l.open[client]++
	return true
}

// release gives back a place acquire took.
func (l *clientLimit) release(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[client] <= 1 {
		delete(l.open, client)
		return
	}
	l.open[client]--
}

// hijackNotifier calls onClose when the connection it hands to the
// WebSocket upgrade is closed, however the socket ends.
type hijackNotifier struct {
	http.ResponseWriter
	onClose func()
}

// Hijack implements http.Hijacker for the upgrade.
func (w *hijackNotifier) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return &notifyConn{Conn: conn, onClose: w.onClose}, rw, nil
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *hijackNotifier) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// notifyConn is a connection that calls onClose (once, by contract of the
// caller) when closed.
type notifyConn struct {
	net.Conn
	onClose func()
}

func (c *notifyConn) Close() error {
	err := c.Conn.Close()
	c.onClose()
	return err
}
