// Package server is the HTTP face of the wallboard: echo routes, the webhook
// ingress, pages, the WebSocket endpoint, the JSON API, health and metrics,
// and the pipeline that turns log entries into board changes and pushes.
//
// echo stays inside this package, so that moving to another major version
// touches nothing else.
package server

import (
	"cmp"
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/hub"
	"github.com/wallboard/wallboard/static"
	"github.com/wallboard/wallboard/views"
)

// Config is what the server needs to know. Zero durations and sizes take the
// defaults documented on each field.
type Config struct {
	// Secrets are the webhook signing secrets accepted for any company, any
	// of which may sign an event (several during a rotation). With none and
	// no Integrations, every webhook is refused: events come through
	// another transport (SQS).
	Secrets [][]byte
	// Integrations bind webhook secrets to companies: an integration's
	// secrets verify only events carrying its ID, and those events must
	// carry its company (else 403). Secrets above verify any company.
	Integrations []Integration
	// PublicURL is the origin browsers use (https://board.example.com); the
	// WebSocket Origin check and the login form's cross-site check accept it
	// besides the request's own host. When it is https, cookies are Secure
	// and responses carry HSTS.
	PublicURL string

	// Users log in at /login; Displays are read-only links for TVs; the
	// APIToken is accepted as "Authorization: Bearer" on /api and /ws. With
	// none of the three, the board is open to anyone who can reach it.
	Users    []config.User
	Displays []config.Display
	APIToken string
	// OIDC, when set, lets people sign in with that OpenID provider
	// (sso.go); it needs PublicURL and SessionKey. PasswordLoginOff turns
	// off logging in with the Users' passwords.
	OIDC             *config.OIDC
	PasswordLoginOff bool
	// QueueThresholds are the configuration file's queues: their alert
	// thresholds replace the board's defaults (each page carries those of
	// the queues its viewer may see), and their formulas and members are
	// recorded in the log at start (see PublishQueueSettings).
	QueueThresholds []config.Queue
	// SessionKey signs session cookies (at least 32 bytes; required with
	// Users). Sessions survive restarts as long as the key does.
	SessionKey []byte
	SessionTTL time.Duration // how long a login lasts; default 12h
	// Failed logins within LoginWindow (default 15m) that get 429 until
	// the window ends: LoginFailures per client network and email
	// (default 5), LoginFailuresPerClient per client network whatever the
	// email (default 20), LoginFailuresPerAccount per email whatever the
	// client (default 50). See throttle.go.
	LoginFailures           int
	LoginFailuresPerClient  int
	LoginFailuresPerAccount int
	LoginWindow             time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; without any, the client is the TCP peer.
	TrustedProxies []netip.Prefix
	// MaxSocketsPerClient caps the WebSockets open from one client address;
	// default 256 (an office behind one NAT address has many browsers).
	MaxSocketsPerClient int
	// MaxConns caps the connections open at once (default 8192; keep it
	// well below the process's open-file limit), and MaxConnsPerClient
	// those from one client address (default 512; trusted proxies are
	// exempt). See LimitListener.
	MaxConns          int
	MaxConnsPerClient int

	// MetricsToken, when set, is required on /metrics as
	// "Authorization: Bearer". SeparateMetrics removes /metrics from
	// Handler, for serving MetricsHandler on a listener of its own.
	MetricsToken    string
	SeparateMetrics bool

	// ReadTimeout bounds reading a request, headers and body; default 10s
	// (a webhook is ~1 KB). WebSockets are not bound by it once upgraded.
	ReadTimeout time.Duration

	BodyLimit int64         // webhook body limit; default 1 MiB
	ApplyWait time.Duration // how long a webhook waits for the local board to apply it; default 2s

	TickPeriod       time.Duration // how often time passes on the board (via the log); default 15s
	HeartbeatPeriod  time.Duration // how often browsers hear from an idle server; default 15s
	SnapshotEvery    int           // save a snapshot after this many log entries; default 5000
	SnapshotInterval time.Duration // or after this long; default 1m
	HistoryRetention time.Duration // how long each day's figures are kept; default DefaultHistoryRetention

	Board board.Options
	Hub   hub.Options
}

func (c *Config) setDefaults() {
	if c.BodyLimit <= 0 {
		c.BodyLimit = 1 << 20
	}
	if c.ApplyWait <= 0 {
		c.ApplyWait = 2 * time.Second
	}
	if c.TickPeriod <= 0 {
		c.TickPeriod = 15 * time.Second
	}
	if c.HeartbeatPeriod <= 0 {
		c.HeartbeatPeriod = 15 * time.Second
	}
	if c.SnapshotEvery <= 0 {
		c.SnapshotEvery = 5000
	}
	if c.SnapshotInterval <= 0 {
		c.SnapshotInterval = time.Minute
	}
	if c.HistoryRetention <= 0 {
		c.HistoryRetention = DefaultHistoryRetention
	}
	if c.MaxSocketsPerClient <= 0 {
		c.MaxSocketsPerClient = 256
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.MaxConns <= 0 {
		c.MaxConns = defaultMaxConns
	}
	if c.MaxConnsPerClient <= 0 {
		c.MaxConnsPerClient = defaultMaxConnsPerClient
	}
}

// Integration is one Wildix webhook integration bound to a company.
type Integration struct {
	ID      string   // the integrationId its events carry
	Company string   // the company its events must carry
	Secrets [][]byte // its signing secrets, any of which verifies
}

// Audiences of an open (unauthenticated) board: the supervisors' board sees
// numbers in full, the agents' view masks external numbers. With
// authentication, each viewer's audience comes from the configuration.
var (
	boardAudience = views.Audience{View: views.ViewBoard}
	agentAudience = views.Audience{View: views.ViewAgent, Masked: true}
)

// Server serves the wallboard. Create it with New, mount Handler, call Run,
// and Shutdown when done.
type Server struct {
	cfg     Config
	logger  *slog.Logger
	log     EventLog
	state   *state
	hub     *hub.Hub
	metrics *metrics
	echo    *echo.Echo
	pipe    *pipeline
	door    *doorEvents
	auth    *auth
	views   *audienceViews
	replay  *replayer // nil when the log keeps no history (see historyLog)
	history *history
	// live is the reloadable configuration the ingress and pages read
	// (see Reload); grants tie sockets to the entries that let them in.
	live          atomic.Pointer[live]
	grants        *grants
	reloadMu      sync.Mutex
	reloadHooksMu sync.Mutex
	reloadHooks   []func(context.Context)
	// queueWant holds the queue settings the configuration last asked
	// for, until publishQueueSettings has recorded them (latest wins).
	queueWant chan []config.Queue
	sockets   *clientLimit
	inspector *inspector
	// bodyLimits is what each route ("METHOD /path") may read of a body;
	// every other route reads none (see limitBodies).
	bodyLimits map[string]int64
	// rejections limits the log lines of refused webhooks.
	rejections *logLimiter

	checksMu sync.Mutex
	checks   []readyCheck
}

// readyCheck is one more condition for /readyz.
type readyCheck struct {
	name  string
	check func() error
}

// AddReadyCheck makes /readyz answer 503 while check fails, e.g. while an
// SQS consumer cannot reach its queue.
func (s *Server) AddReadyCheck(name string, check func() error) {
	s.checksMu.Lock()
	defer s.checksMu.Unlock()
	s.checks = append(s.checks, readyCheck{name, check})
}

// MetricsRegistry is the registry /metrics serves, for collectors of other
// components (the SQS consumers).
func (s *Server) MetricsRegistry() *prometheus.Registry { return s.metrics.registry }

// New builds a server that stores events in log. It fails when the
// credentials in cfg are unusable, or when the tables the nodes share
// (revoked sessions, login failures; kept next to the log) cannot be
// opened.
func New(cfg Config, log EventLog, logger *slog.Logger) (*Server, error) {
	cfg.setDefaults()
	if err := checkLanguages(cfg); err != nil {
		return nil, err
	}
	a, err := newAuth(cfg, sharedTables(log))
	if err != nil {
		return nil, err
	}
	l, err := newLive(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Hub.CheckOrigin == nil {
		var allowed []string
		if cfg.PublicURL != "" {
			allowed = append(allowed, cfg.PublicURL)
		}
		cfg.Hub.CheckOrigin = hub.SameOrigin(allowed...)
	}
	st := newState(board.New(cfg.Board))
	audiences := a.audiences()
	// A first frame may take at most a quarter of a client's queue, so
	// that the changes behind it fit too (see views.View.Frames).
	av := newAudienceViews(st, audiences, cmp.Or(cfg.Hub.QueueBytes, hub.DefaultQueueBytes)/4,
		logger.With(slog.String("component", "views")))
	var srv *Server
	cfg.Hub.Want = func(topic string) {
		if isInspectorTopic(topic) {
			go srv.primeInspector(topic)
			return
		}
		av.want(topic)
	}
	h := hub.New(logger.With(slog.String("component", "hub")), cfg.Hub)
	av.prime = h.Prime
	av.yield = h.Yield
	s := &Server{
		cfg:     cfg,
		logger:  logger,
		log:     log,
		state:   st,
		hub:     h,
		metrics: newMetrics(h),
		auth:    a,
		views:   av,

		grants:    newGrants(),
		queueWant: make(chan []config.Queue, 1),
		inspector: newInspector(),
		sockets:   newClientLimit(cfg.MaxSocketsPerClient),
		bodyLimits: map[string]int64{
			http.MethodPost + " /webhooks/wildix": cfg.BodyLimit,
			http.MethodPost + " /login":           formLimit,
			http.MethodPost + " /logout":          formLimit,
			http.MethodPost + " /alerts":          formLimit,
		},
		rejections: newLogLimiter(rejectionLogInterval),
	}
	if hl, ok := log.(historyLog); ok {
		s.replay = newReplayer(hl, cfg.Board)
	}
	srv = s
	s.live.Store(l)
	s.wantQueueSettings(cfg.QueueThresholds)
	s.metrics.watchLag(log, s.state)
	s.metrics.watchBoard(s.state)
	s.history = newHistory(logger.With(slog.String("component", "history")))
	s.metrics.watchQueues(s.state)
	s.door = newDoorEvents()
	s.pipe = &pipeline{
		log:              log,
		state:            s.state,
		door:             s.door,
		history:          s.history,
		hub:              h,
		audiences:        audiences,
		views:            av,
		metrics:          s.metrics,
		logger:           logger.With(slog.String("component", "pipeline")),
		snapshotEvery:    cfg.SnapshotEvery,
		snapshotInterval: cfg.SnapshotInterval,
		caughtUpCh:       make(chan struct{}),
		snapshots:        make(chan snapshot, 1),
	}
	s.echo = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Run restores the latest snapshot, then consumes the log, lets time pass
// and keeps browsers' freshness indicators fed, until ctx ends or the log
// fails.
func (s *Server) Run(ctx context.Context) error {
	if err := s.pipe.restore(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.history.run(ctx, sharedTables(s.log), s.cfg.HistoryRetention)
	go ticker(ctx, s.log, s.cfg.TickPeriod, s.logger)
	go s.publishQueueSettings(ctx)
	go s.heartbeat(ctx)
	go s.pushInspector(ctx)
	go s.auth.revoked.watch(ctx, s.logger)
	if err := s.pipe.run(ctx); err != nil {
		return fmt.Errorf("consume event log: %w", err)
	}
	return nil
}

// CaughtUp is closed once the board reflects the log as it stood at start.
func (s *Server) CaughtUp() <-chan struct{} { return s.pipe.caughtUpCh }

// Shutdown closes every WebSocket with 1012 (so browsers reconnect to the
// next instance) and saves a final snapshot. Call it after Run has returned
// and the HTTP server has stopped accepting requests.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.hub.Shutdown(ctx)
	s.pipe.saveSnapshot(ctx)
	return err
}

// heartbeat tells idle browsers the server is alive, so that a silent
// socket (a TV woken from sleep on a dead connection) is noticed and
// replaced.
func (s *Server) heartbeat(ctx context.Context) {
	t := time.NewTicker(s.cfg.HeartbeatPeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.hub.Broadcast(views.Heartbeat(now))
		}
	}
}

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.logger.Error("Panic while serving a request", slog.String("path", c.Path()), slog.Any("error", err), slog.String("stack", string(stack)))
			return err
		},
	}))
	e.IPExtractor = echo.ExtractIPDirect()
	if len(s.cfg.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, p := range s.cfg.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(netipToIPNet(p)))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	e.Use(s.securityHeaders, s.limitBodies, withLanguage)

	e.POST("/webhooks/wildix", s.handleWebhook)
	e.GET("/login", s.handleLoginForm)
	e.POST("/login", s.handleLogin)
	e.GET(ssoStatePath, s.handleSSOStart)
	e.GET(ssoStatePath+"/callback", s.handleSSOCallback)
	e.POST("/logout", s.handleLogout)
	// Pages and the API are compressed for clients that accept gzip (a
	// 2,000-person board is about 1.3 MB of HTML, 60 KB gzipped); the
	// WebSocket compresses its own frames (permessage-deflate).
	gz := middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1 << 10})
	page, api := s.requireViewer(true), s.requireViewer(false)
	e.GET("/display/:token", s.handleDisplay, noStore, gz)
	e.GET("/", s.handleBoard, noStore, page, gz)
	e.GET("/agent", s.handleAgent, noStore, page, gz)
	e.GET("/queues", s.handleQueues, noStore, page, gz)
	e.GET("/ws", s.handleWS, api, s.socketViewer)
	e.GET("/api/v1/state", s.handleState, noStore, api, gz)
	e.GET("/api/v1/replay", s.handleReplay, noStore, api, gz)
	e.GET("/history", s.handleHistory, noStore, page, gz)
	e.GET("/api/v1/history", s.handleHistoryAPI, noStore, api, gz)
	e.GET("/api/v1/lastweek", s.handleLastWeek, noStore, api, gz)
	e.POST("/alerts", s.handleAlert, noStore, api)
	e.GET("/admin/integrations", s.handleIntegrations, noStore, page, requireAdmin, gz)
	e.GET("/api/v1/integrations", s.handleIntegrationsAPI, noStore, api, requireAdmin, gz)
	e.GET("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
	if !s.cfg.SeparateMetrics {
		e.GET("/metrics", echo.WrapHandler(s.MetricsHandler()))
	}
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	// Browsers ask for /favicon.ico whatever the page links.
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, static.Path("favicon.svg"))
	})
	return e
}

// MetricsHandler serves the Prometheus metrics, requiring
// Config.MetricsToken as a bearer token when one is set.
func (s *Server) MetricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
	if s.cfg.MetricsToken == "" {
		return h
	}
	want := hashOf(s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok || !hmac.Equal(hashOf(token), want) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wallboard metrics"`)
			w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"Send the metrics token as a Bearer token."}` + "\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// noStore keeps what a viewer was shown out of every cache: answers carry a
// viewer's data (the API, pages), errors and redirects included.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// securityHeaders sets the headers every response carries. The pages load
// only their own script and style (no inline script), and may not be framed.
// Under TLS, or when the public URL is https (TLS ends at a proxy), browsers
// are told to use https only (HSTS).
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		if c.Request().TLS != nil || s.auth.secureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		return next(c)
	}
}

// errorBody is every error answer: a sentence for a human.
type errorBody struct {
	Error string `json:"error"`
}

func errorJSON(c echo.Context, status int, msg string) error {
	return c.JSON(status, errorBody{Error: msg})
}

// handleError answers errors that handlers returned instead of writing.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// Too late to answer (a page failed while rendering); say so here,
		// where nobody else will.
		var he *echo.HTTPError
		if !errors.As(err, &he) {
			s.logger.Error("Request failed after the answer began", slog.String("method", c.Request().Method), slog.String("path", c.Path()), slog.Any("error", err))
		}
		return
	}
	status, msg := http.StatusInternalServerError, "Something went wrong on the server."
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		msg = http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		}
	} else {
		s.logger.Error("Request failed", slog.String("method", c.Request().Method), slog.String("path", c.Path()), slog.Any("error", err))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = errorJSON(c, status, msg)
}

func (s *Server) handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady is 200 when events can be stored and the board has caught up
// with the log.
func (s *Server) handleReady(c echo.Context) error {
	select {
	case <-s.pipe.caughtUpCh:
	default:
		return errorJSON(c, http.StatusServiceUnavailable, "Replaying the event log.")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.log.Ready(ctx); err != nil {
		if errors.Is(err, eventlog.ErrStorage) {
			return errorJSON(c, http.StatusServiceUnavailable, "The event log cannot store events: its disk is full or failing. It resumes by itself once it can write.")
		}
		return errorJSON(c, http.StatusServiceUnavailable, "The event log is unavailable.")
	}
	s.checksMu.Lock()
	checks := slices.Clone(s.checks)
	s.checksMu.Unlock()
	for _, rc := range checks {
		if err := rc.check(); err != nil {
			return errorJSON(c, http.StatusServiceUnavailable, "Not ready: "+rc.name+".")
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// netipToIPNet converts a prefix for echo's trust options.
func netipToIPNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}
