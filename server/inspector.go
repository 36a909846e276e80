package server

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/static"
	"github.com/wallboard/wallboard/views"
)

// The integration inspector: what this node's ingress received, for the
// admin connecting Wildix (GET /admin/integrations, GET
// /api/v1/integrations, and live frames on /ws?view=integrations).
//
// It is per node and in memory: each node shows what it received since it
// started (behind a load balancer, each webhook reaches one node). Memory
// is bounded: counts by minute over the last day per integration (at most
// maxChannels integrations are told apart; more are counted together), and
// rings of the last inspectorRing refusals and accepted events. Nothing
// kept is a body: refusals keep a reason, a remote address and a time;
// accepted events a masked summary (views.EventWho).

const (
	inspectorRing = 50
	maxChannels   = 64
	dayMinutes    = 24 * 60
	// inspectorPushEvery coalesces the inspector's live frames: at most one
	// per topic in this time, however many events arrive.
	inspectorPushEvery = 500 * time.Millisecond
	// inspectorRefresh redraws the live part without events, so that the
	// last hour and day roll on.
	inspectorRefresh = 30 * time.Second
	// ViewIntegrations is the view= of the inspector's WebSocket.
	ViewIntegrations = "integrations"
)

// ingressRecord is one event at the door, as the inspector keeps it.
type ingressRecord struct {
	at                              time.Time
	transport, integration, company string
	typ, outcome                    string
	// rejected: a refusal, kept with its status, reason and remote
	// address; accepted: taken, kept with a masked summary (who) and the
	// event's own time.
	rejected, accepted bool
	status             int
	reason, remote     string
	who                string
	eventTime          time.Time
}

// rejectionOutcome is the outcome of a webhook refused for reason.
func rejectionOutcome(reason string) string {
	switch reason {
	case "too_large":
		return outcomeTooLarge
	case "wrong_company":
		return outcomeWrongTenant
	case "not_json", "bad_request":
		return outcomeBadRequest
	}
	return outcomeBadSig
}

type chanKey struct{ transport, id string }

type countKey struct{ typ, outcome string }

// minuteCounts are the counts of one minute.
type minuteCounts struct {
	minute int64
	counts map[countKey]int
}

type channel struct {
	company     string
	first, last time.Time
	minutes     [dayMinutes]minuteCounts
}

// SQSWatch is an SQS consumer whose state the inspector shows.
type SQSWatch struct {
	URL, Integration, Company string
	Stats                     func() SQSStats
	Ready                     func() error
}

// SQSStats are an SQS consumer's counters.
type SQSStats struct {
	Received, Handled, BadSignature, Rejected, Errors uint64
	OldestMessageAge                                  time.Duration
}

type inspector struct {
	mu         sync.Mutex
	channels   map[chanKey]*channel
	rejections []views.Rejection     // ring, oldest overwritten
	accepted   []views.AcceptedEvent // ring
	nextRej    int
	nextAcc    int
	sqs        []SQSWatch

	version atomic.Uint64
	changed chan struct{} // capacity 1
	topics  sync.Map      // topic → inspectorTopic, registered by handleWS
}

type inspectorTopic struct{ company, lang string }

func newInspector() *inspector {
	return &inspector{channels: map[chanKey]*channel{}, changed: make(chan struct{}, 1)}
}

// record keeps r.
func (in *inspector) record(r ingressRecord) {
	in.mu.Lock()
	k := chanKey{r.transport, r.integration}
	ch := in.channels[k]
	if ch == nil {
		if len(in.channels) >= maxChannels {
			k = chanKey{r.transport, "other"}
			ch = in.channels[k]
		}
		if ch == nil {
			ch = &channel{company: r.company}
			in.channels[k] = ch
		}
	}
	if ch.first.IsZero() {
		ch.first = r.at
	}
	ch.last = r.at
	m := r.at.Unix() / 60
	b := &ch.minutes[m%dayMinutes]
	if b.minute != m || b.counts == nil {
		b.minute, b.counts = m, map[countKey]int{}
	}
	b.counts[countKey{cmp.Or(r.typ, "none"), r.outcome}]++
	if r.rejected {
		rej := views.Rejection{At: r.at, Transport: r.transport, Status: r.status, Reason: r.reason, Remote: r.remote}
		if len(in.rejections) < inspectorRing {
			in.rejections = append(in.rejections, rej)
		} else {
			in.rejections[in.nextRej] = rej
		}
		in.nextRej = (in.nextRej + 1) % inspectorRing
	}
	if r.accepted {
		a := views.AcceptedEvent{At: r.at, Transport: r.transport, Integration: r.integration, Type: r.typ, Company: r.company, Who: r.who, Verdict: r.outcome}
		if !r.eventTime.IsZero() {
			et := r.eventTime.UTC()
			skew := r.eventTime.Sub(r.at).Seconds()
			a.EventTime, a.SkewSeconds = &et, &skew
		}
		if len(in.accepted) < inspectorRing {
			in.accepted = append(in.accepted, a)
		} else {
			in.accepted[in.nextAcc] = a
		}
		in.nextAcc = (in.nextAcc + 1) % inspectorRing
	}
	in.mu.Unlock()
	in.version.Add(1)
	select {
	case in.changed <- struct{}{}:
	default:
	}
}

// newest returns a ring's items newest first; next is where the next one
// goes.
func newest[T any](ring []T, next int) []T {
	out := make([]T, 0, len(ring))
	for i := range ring {
		out = append(out, ring[(next-1-i+2*len(ring))%len(ring)])
	}
	return out
}

// configured is an integration the inspector lists even before it hears
// of it.
type configuredChannel struct {
	key     chanKey
	company string
}

// model is what company ("" = every company, refusals included) may see,
// at now.
func (in *inspector) model(now time.Time, company string, configured []configuredChannel) views.Integrations {
	in.mu.Lock()
	defer in.mu.Unlock()
	m := views.Integrations{GeneratedAt: now.UTC()}
	shows := func(c string) bool { return company == "" || c == company }
	seen := map[chanKey]bool{}
	nowMin := now.Unix() / 60
	dayTypes := map[string]map[string]bool{} // category → types
	add := func(k chanKey, comp string, isConfigured bool) {
		if seen[k] || !shows(comp) {
			return
		}
		seen[k] = true
		c := views.IngressChannel{Transport: k.transport, ID: k.id, Company: comp, Configured: isConfigured}
		if ch := in.channels[k]; ch != nil {
			if !ch.first.IsZero() {
				f, l := ch.first.UTC(), ch.last.UTC()
				c.FirstEventAt, c.LastEventAt = &f, &l
			}
			hour, day := map[countKey]int{}, map[countKey]int{}
			for i := range ch.minutes {
				b := &ch.minutes[i]
				if b.counts == nil || nowMin-b.minute >= dayMinutes || b.minute > nowMin {
					continue
				}
				for ck, n := range b.counts {
					day[ck] += n
					if nowMin-b.minute < 60 {
						hour[ck] += n
					}
				}
			}
			c.LastHour, c.LastDay = sortedCounts(hour), sortedCounts(day)
			for ck := range day {
				if cat := views.CategoryOf(ck.typ); cat != "" {
					if dayTypes[cat] == nil {
						dayTypes[cat] = map[string]bool{}
					}
					dayTypes[cat][ck.typ] = true
				}
			}
		}
		m.Integrations = append(m.Integrations, c)
	}
	for _, c := range configured {
		add(c.key, c.company, true)
	}
	keys := make([]chanKey, 0, len(in.channels))
	for k := range in.channels {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b chanKey) int { return cmp.Or(cmp.Compare(a.transport, b.transport), cmp.Compare(a.id, b.id)) })
	for _, k := range keys {
		if k.id == "" && company != "" {
			continue // refusals name no company: for admins of every company
		}
		add(k, in.channels[k].company, false)
	}
	for _, cat := range views.CategoryKeys {
		types := slices.Sorted(func(yield func(string) bool) {
			for t := range dayTypes[cat] {
				if !yield(t) {
					return
				}
			}
		})
		m.Categories = append(m.Categories, views.Category{Key: cat, Seen: len(types) > 0, Types: types})
	}
	if company == "" {
		m.Rejections = newest(in.rejections, in.nextRej)
	}
	for _, a := range newest(in.accepted, in.nextAcc) {
		if shows(a.Company) {
			m.Accepted = append(m.Accepted, a)
		}
	}
	for _, q := range in.sqs {
		if !shows(q.Company) {
			continue
		}
		st := q.Stats()
		m.SQSQueues = append(m.SQSQueues, views.SQSQueue{
			URL: q.URL, Integration: q.Integration, Company: q.Company,
			Received: st.Received, Handled: st.Handled, BadSignature: st.BadSignature, Rejected: st.Rejected, Errors: st.Errors,
			OldestAgeSeconds: st.OldestMessageAge.Seconds(), Ready: q.Ready == nil || q.Ready() == nil,
		})
	}
	return m
}

func sortedCounts(m map[countKey]int) []views.OutcomeCount {
	out := make([]views.OutcomeCount, 0, len(m))
	for k, n := range m {
		out = append(out, views.OutcomeCount{Type: k.typ, Outcome: k.outcome, Count: n})
	}
	slices.SortFunc(out, func(a, b views.OutcomeCount) int {
		return cmp.Or(cmp.Compare(a.Outcome, b.Outcome), cmp.Compare(a.Type, b.Type))
	})
	return out
}

// WatchSQS shows an SQS consumer's state on the inspector, and lists its
// integration there.
func (s *Server) WatchSQS(w SQSWatch) {
	s.inspector.mu.Lock()
	defer s.inspector.mu.Unlock()
	s.inspector.sqs = append(s.inspector.sqs, w)
}

// integrationsModel is the inspector as v may see it.
func (s *Server) integrationsModel(ctx context.Context, v viewer, webhookURL string) views.Integrations {
	var configured []configuredChannel
	for _, in := range s.live.Load().integrations {
		configured = append(configured, configuredChannel{chanKey{TransportWebhook, in.ID}, in.Company})
	}
	s.inspector.mu.Lock()
	for _, q := range s.inspector.sqs {
		if q.Integration != "" {
			configured = append(configured, configuredChannel{chanKey{TransportSQS, q.Integration}, q.Company})
		}
	}
	s.inspector.mu.Unlock()
	slices.SortFunc(configured, func(a, b configuredChannel) int {
		return cmp.Or(cmp.Compare(a.key.transport, b.key.transport), cmp.Compare(a.key.id, b.key.id))
	})
	m := s.inspector.model(time.Now(), v.company, configured)
	m.WebhookURL = webhookURL
	if lag, ok := s.consumerLag(ctx); ok {
		m.ConsumerLag = &lag
	}
	return m
}

// consumerLag is how many log entries this node has yet to apply.
func (s *Server) consumerLag(ctx context.Context) (uint64, bool) {
	if s.log == nil {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	last, err := s.log.LastSeq(ctx)
	if err != nil {
		return 0, false
	}
	s.state.waitMu.Lock()
	applied := s.state.applied
	s.state.waitMu.Unlock()
	return last - min(applied, last), true
}

// mayInspect reports whether v may see the inspector: admins (their
// company's part when bound to one), the API token, and anyone on an open
// board.
func (v viewer) mayInspect() bool {
	switch v.kind {
	case viewerOpen, viewerToken:
		return true
	case viewerUser:
		return v.role == config.RoleAdmin
	}
	return false
}

// requireAdmin refuses (403) viewers who may not see the inspector; it
// runs after requireViewer.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !viewerOf(c).mayInspect() {
			return errorJSON(c, http.StatusForbidden, "This page is for admins.")
		}
		return next(c)
	}
}

// webhookURL is where WMS must post: under the public URL, else this
// request's origin.
func (s *Server) webhookURL(c echo.Context) string {
	base := s.cfg.PublicURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return strings.TrimSuffix(base, "/") + "/webhooks/wildix"
}

// handleIntegrations is GET /admin/integrations.
func (s *Server) handleIntegrations(c echo.Context) error {
	v := viewerOf(c)
	lang := requestLanguage(c, v)
	m := s.integrationsModel(c.Request().Context(), v, s.webhookURL(c))
	q := c.Request().URL.Query()
	q.Set("view", ViewIntegrations)
	q.Set("lang", lang)
	page := views.IntegrationsPage{
		Title:      "Wallboard",
		Socket:     "/ws?" + q.Encode(),
		Stylesheet: static.Path("app.css"),
		Script:     static.Path("inspector.js"),
		LoggedIn:   v.kind == viewerUser,
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(http.StatusOK)
	ctx := views.WithLanguage(c.Request().Context(), lang)
	return m.Page(page).Render(ctx, c.Response())
}

// handleIntegrationsAPI is GET /api/v1/integrations.
func (s *Server) handleIntegrationsAPI(c echo.Context) error {
	return c.JSON(http.StatusOK, s.integrationsModel(c.Request().Context(), viewerOf(c), s.webhookURL(c)))
}

// serveInspectorSocket subscribes a WebSocket to the inspector's frames
// for v in lang.
func (s *Server) inspectorTopic(v viewer, lang string) string {
	topic := "integrations|" + v.company + "|" + lang
	s.inspector.topics.LoadOrStore(topic, inspectorTopic{company: v.company, lang: lang})
	return topic
}

// isInspectorTopic reports whether topic is one of the inspector's.
func isInspectorTopic(topic string) bool { return strings.HasPrefix(topic, "integrations|") }

// primeInspector makes topic's first frame the inspector as it is now.
func (s *Server) primeInspector(topic string) {
	t, ok := s.inspector.topics.Load(topic)
	if !ok {
		return
	}
	it := t.(inspectorTopic)
	seq := s.inspector.version.Load()
	frame, err := views.IntegrationsFrame(s.integrationsModel(context.Background(), viewer{kind: viewerToken, company: it.company}, ""), it.lang)
	if err == nil {
		err = s.hub.Prime(topic, seq, [][]byte{frame})
	}
	if err != nil {
		s.logger.Error("Cannot render the inspector", slog.String("topic", topic), slog.Any("error", err))
	}
}

// pushInspector sends the inspector's watched topics a new frame whenever
// it changed, at most every inspectorPushEvery, and every
// inspectorRefresh, until ctx ends.
func (s *Server) pushInspector(ctx context.Context) {
	refresh := time.NewTicker(inspectorRefresh)
	defer refresh.Stop()
	var sent uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.inspector.changed:
		case <-refresh.C:
			s.inspector.version.Add(1)
		}
		seq := s.inspector.version.Load()
		if seq == sent {
			continue
		}
		sent = seq
		s.inspector.topics.Range(func(k, t any) bool {
			topic := k.(string)
			if !s.hub.Watched(topic) {
				return true
			}
			it := t.(inspectorTopic)
			frame, err := views.IntegrationsFrame(s.integrationsModel(ctx, viewer{kind: viewerToken, company: it.company}, ""), it.lang)
			if err != nil {
				s.logger.Error("Cannot render the inspector", slog.String("topic", topic), slog.Any("error", err))
				return true
			}
			s.hub.Publish(topic, seq, frame)
			_ = s.hub.Prime(topic, seq, [][]byte{frame})
			return true
		})
		select {
		case <-ctx.Done():
			return
		case <-time.After(inspectorPushEvery):
		}
	}
}

// remoteKey is the context key of a webhook's remote address, for the
// inspector's refusals.
type remoteKey struct{}

func withRemote(ctx context.Context, remote string) context.Context {
	return context.WithValue(ctx, remoteKey{}, remote)
}

func remoteOf(ctx context.Context) string {
	r, _ := ctx.Value(remoteKey{}).(string)
	return r
}
