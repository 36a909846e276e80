package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wallboard/wallboard/views"
	"github.com/wallboard/wallboard/wildix"
)

// Live configuration.
//
// What a configuration file can change while the server runs — webhook
// secrets and integrations, people, display links, queue thresholds — is
// held behind one swap point, Reload: the ingress reads its part from the
// live pointer, auth its credentials from auth.creds, the pipeline and the
// WebSocket endpoint the audiences from audienceViews. Each is replaced
// whole, so a request sees the old configuration or the new one, never a
// mix within one part. Open browsers keep their sockets, except those let
// in by a user or display link the reload removed or changed: those are
// closed with hub.CloseEnded (4401), as a logout closes them.
//
// Every node reloads from its own copy of the file: nodes converge on the
// same configuration when they are given the same file (the operator's
// deployment copies it to each; SIGHUP or the file's change applies it).
// Nothing of it goes through the event log, so a node with another file
// serves other people and secrets, but the board — built only from the log
// — is the same on every node.

// live is the part of the configuration Reload replaces that is not
// credentials.
type live struct {
	secrets      *wildix.Keys               // accepted for any company
	integrations map[string]liveIntegration // by ID
	thresholds   []views.QueueThreshold
}

// liveIntegration is an integration with its secrets prepared.
type liveIntegration struct {
	Integration
	keys *wildix.Keys
}

// newLive checks and indexes the reloadable, non-credential part of cfg.
func newLive(cfg Config) (*live, error) {
	integrations := make(map[string]liveIntegration, len(cfg.Integrations))
	for _, in := range cfg.Integrations {
		if in.ID == "" || in.Company == "" || len(in.Secrets) == 0 {
			return nil, fmt.Errorf("integration %q: an ID, a company and a secret are required", in.ID)
		}
		if _, dup := integrations[in.ID]; dup {
			return nil, fmt.Errorf("integration %q is configured twice", in.ID)
		}
		integrations[in.ID] = liveIntegration{Integration: in, keys: wildix.NewKeys(in.Secrets)}
	}
	return &live{secrets: wildix.NewKeys(cfg.Secrets), integrations: integrations, thresholds: queueThresholds(cfg.QueueThresholds)}, nil
}

// Reload outcomes, the "result" label of wallboard_config_reloads_total.
const (
	reloadApplied = "applied"
	reloadRefused = "refused"
)

// ErrReloadRefused wraps the reason a configuration was not applied.
var ErrReloadRefused = errors.New("configuration refused")

// Reload applies the reloadable part of cfg (Secrets, Integrations, Users,
// Displays, APIToken, QueueThresholds) without a restart: it checks all of
// it first, as New does, and changes nothing if any of it is wrong
// (ErrReloadRefused). The other fields of cfg are ignored; they take effect
// at the next start. Sockets of viewers the new configuration no longer
// lets in, or lets see something else, are closed with 4401; every other
// socket stays open. Then the hooks of OnReload run.
//
// RecordReload counts the outcome in wallboard_config_reloads_total; a
// caller that refuses a file before calling Reload (it does not parse)
// records that itself.
func (s *Server) Reload(ctx context.Context, cfg Config) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	err := s.reload(ctx, cfg)
	if err != nil {
		s.RecordReload(err)
		return fmt.Errorf("%w: %w", ErrReloadRefused, err)
	}
	s.RecordReload(nil)
	return nil
}

func (s *Server) reload(ctx context.Context, cfg Config) error {
	if err := checkLanguages(cfg); err != nil {
		return err
	}
	l, err := newLive(cfg)
	if err != nil {
		return err
	}
	cr, err := newCredentials(cfg, s.auth.sessionKey, s.auth.creds.Load())
	if err != nil {
		return err
	}
	// Audiences first, so that a viewer the new credentials admit finds
	// its audience known; then the credentials; then the sockets of those
	// they no longer admit are closed.
	s.live.Store(l)
	s.views.setAudiences(unionAudiences(cr.audiences(), s.views.audiences()))
	s.auth.creds.Store(cr)
	s.views.setAudiences(cr.audiences())
	valid := map[string]bool{}
	for _, v := range cr.viewers() {
		valid[v.grant] = true
	}
	closed := s.grants.set(valid)
	s.wantQueueSettings(cfg.QueueThresholds)
	s.logger.Info("Configuration reloaded", slog.Int("integrations", len(l.integrations)), slog.Int("users", len(cr.accounts)),
		slog.Int("displays", len(cr.displays)), slog.Int("queue_thresholds", len(l.thresholds)), slog.Int("sockets_closed", closed))
	s.afterReload(ctx)
	return nil
}

// unionAudiences is a and b, each audience once (a first).
func unionAudiences(a, b []views.Audience) []views.Audience {
	seen := map[string]bool{}
	var out []views.Audience
	for _, aud := range append(append([]views.Audience(nil), a...), b...) {
		if !seen[aud.Key()] {
			seen[aud.Key()] = true
			out = append(out, aud)
		}
	}
	return out
}

// RecordReload counts a reload attempt in wallboard_config_reloads_total:
// applied when err is nil, else refused.
func (s *Server) RecordReload(err error) {
	if err != nil {
		s.metrics.reloads.WithLabelValues(reloadRefused).Inc()
		return
	}
	s.metrics.reloads.WithLabelValues(reloadApplied).Inc()
}

// OnReload adds fn to what runs after every applied reload, in order, with
// the reload's context: the hook for features whose state follows the
// configuration (such as publishing queue settings through the log, so
// that every node's board agrees on them).
func (s *Server) OnReload(fn func(ctx context.Context)) {
	s.reloadHooksMu.Lock()
	defer s.reloadHooksMu.Unlock()
	s.reloadHooks = append(s.reloadHooks, fn)
}

// afterReload runs the hooks of OnReload once a reload is applied.
func (s *Server) afterReload(ctx context.Context) {
	s.reloadHooksMu.Lock()
	hooks := append([]func(context.Context){}, s.reloadHooks...)
	s.reloadHooksMu.Unlock()
	for _, fn := range hooks {
		fn(ctx)
	}
}

// grants tie each open socket to the configuration entry that let its
// viewer in (viewer.grant), so that a reload removing the entry closes it.
type grants struct {
	mu      sync.Mutex
	valid   map[string]bool // nil: every grant (before the first reload)
	sockets map[string]map[*socketLife]struct{}
}

func newGrants() *grants {
	return &grants{sockets: map[string]map[*socketLife]struct{}{}}
}

// lifetime returns the context of a socket let in by grant: it ends with
// parent, when end is called (the socket closed), or when a reload drops
// grant. A grant already dropped ends it at once.
func (g *grants) lifetime(parent context.Context, grant string) (ctx context.Context, end func()) {
	ctx, cancel := context.WithCancel(parent)
	sl := &socketLife{cancel: cancel}
	g.mu.Lock()
	if g.valid != nil && !g.valid[grant] {
		cancel()
	}
	if g.sockets[grant] == nil {
		g.sockets[grant] = map[*socketLife]struct{}{}
	}
	g.sockets[grant][sl] = struct{}{}
	g.mu.Unlock()
	context.AfterFunc(ctx, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.sockets[grant], sl)
		if len(g.sockets[grant]) == 0 {
			delete(g.sockets, grant)
		}
	})
	return ctx, cancel
}

// set makes valid the grants in force and ends the sockets of every other,
// returning how many it ended.
func (g *grants) set(valid map[string]bool) (ended int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.valid = valid
	for grant, socks := range g.sockets {
		if valid[grant] {
			continue
		}
		for sl := range socks {
			sl.cancel()
			ended++
		}
	}
	return ended
}

func newReloadCounter() *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wallboard_config_reloads_total",
		Help: "Reloads of the configuration file, by result: applied, or refused (the running configuration stays).",
	}, []string{"result"})
	c.WithLabelValues(reloadApplied)
	c.WithLabelValues(reloadRefused)
	return c
}
