package server

import (
	"context"
	"math"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/hub"
	"github.com/wallboard/wallboard/wildix"
)

// metrics are the server's Prometheus collectors, on a registry of its own
// (never the global one, so that several servers can live in one test).
type metrics struct {
	registry *prometheus.Registry

	events         *prometheus.CounterVec
	appendSeconds  prometheus.Histogram
	applySeconds   prometheus.Histogram
	boardSeq       prometheus.Gauge
	logSeq         prometheus.Gauge
	consumeErrors  prometheus.Counter
	snapshotErrors prometheus.Counter
	lostEntries    prometheus.Counter
	snapshotTime   prometheus.Gauge
	snapshotBytes  prometheus.Gauge
	logins         *prometheus.CounterVec
	reloads        *prometheus.CounterVec
	// connsRefused counts connections closed at accept, over a cap.
	connsRefused atomic.Uint64
}

func newMetrics(h *hub.Hub) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wallboard_events_total",
			Help: "Events received, by transport (webhook, sqs), Wildix event type and outcome.",
		}, []string{"transport", "type", "outcome"}),
		appendSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "wallboard_append_seconds",
			Help:    "Time to store one event durably in the event log.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		applySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "wallboard_apply_seconds",
			Help:    "Time to apply one log entry to the board.",
			Buckets: prometheus.ExponentialBuckets(0.000005, 2, 16),
		}),
		boardSeq: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wallboard_board_seq",
			Help: "State changes applied to the board (the seq of /api/v1/state).",
		}),
		logSeq: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wallboard_log_applied_seq",
			Help: "Sequence of the last event-log entry applied to this node's board.",
		}),
		consumeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wallboard_log_entries_skipped_total",
			Help: "Log entries that could not be decoded and were skipped.",
		}),
		lostEntries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wallboard_log_entries_missing_total",
			Help: "Log entries this node never applied because the log no longer held them (expired or lost).",
		}),
		snapshotErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wallboard_snapshot_errors_total",
			Help: "Board snapshots that could not be saved or loaded.",
		}),
		snapshotTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wallboard_snapshot_timestamp_seconds",
			Help: "Unix time of the last saved board snapshot.",
		}),
		snapshotBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wallboard_snapshot_bytes",
			Help: "Size of the last saved board snapshot.",
		}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wallboard_logins_total",
			Help: "Login attempts, by outcome (ok, failed, throttled; single sign-on: sso_ok, sso_refused, sso_unavailable).",
		}, []string{"outcome"}),
		reloads: newReloadCounter(),
	}
	reg.MustRegister(m.reloads,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.events, m.appendSeconds, m.applySeconds, m.boardSeq, m.logSeq,
		m.consumeErrors, m.lostEntries, m.snapshotErrors, m.snapshotTime, m.snapshotBytes, m.logins,
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "wallboard_connections_refused_total",
			Help: "Connections closed as soon as accepted: over the cap in total or per client address.",
		}, func() float64 { return float64(m.connsRefused.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "wallboard_ws_clients",
			Help: "WebSocket clients connected now.",
		}, func() float64 { return float64(h.Stats().Clients) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "wallboard_ws_evictions_total",
			Help: "WebSocket clients closed with 1013 because they could not keep up.",
		}, func() float64 { return float64(h.Stats().Evictions) }),
	)
	return m
}

// watchLag exports how far this node's board is behind the log: entries
// stored (by any node) but not yet applied here.
func (m *metrics) watchLag(log EventLog, st *state) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wallboard_log_consumer_lag",
		Help: "Event-log entries stored but not yet applied to this node's board.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		last, err := log.LastSeq(ctx)
		if err != nil {
			return math.NaN()
		}
		st.waitMu.Lock()
		applied := st.applied
		st.waitMu.Unlock()
		return float64(last) - float64(min(applied, last))
	}))
}

// typeLabel bounds the label's values: a hostile sender must not create a
// time series per made-up event type.
func (m *metrics) typeLabel(eventType string) string {
	if wildix.Known(eventType) {
		return eventType
	}
	return "other"
}

func (m *metrics) countEvent(transport, typ, outcome string) {
	if typ == "" {
		typ = "none"
	}
	m.events.WithLabelValues(transport, typ, outcome).Inc()
}

// boardCollector exports what the board corrected or refused (its
// Counters), read under the state's read lock at each scrape so that the
// apply path pays nothing for it.
type boardCollector struct {
	st        *state
	timeFixes *prometheus.Desc
	limitHits *prometheus.Desc
}

// watchBoard registers the board's counters:
// wallboard_event_time_fixes_total{reason} (events whose own time was not
// believed, by board.TimeFix) and wallboard_board_limit_hits_total{limit}
// (entities a company's board.Limits stopped, by board.Limit).
func (m *metrics) watchBoard(st *state) {
	m.registry.MustRegister(&boardCollector{
		st: st,
		timeFixes: prometheus.NewDesc("wallboard_event_time_fixes_total",
			"Events whose own time was not believed, by reason: missing, seconds (converted), before_2000 and future (the receive time used instead), refused (ignored).",
			[]string{"reason"}, nil),
		limitHits: prometheus.NewDesc("wallboard_board_limit_hits_total",
			"Times a per-company limit stopped the board creating an entity (tombstones: evicted the oldest), by limit.",
			[]string{"limit"}, nil),
	})
}

// queueCollector exports each queue's live figures, read at each scrape:
// one series per (company, queue), bounded by the board's per-company
// queue limit.
type queueCollector struct {
	st                                  *state
	now                                 func() time.Time
	waiting, longest, sl, abandon, free *prometheus.Desc
}

// watchQueues registers wallboard_queue_waiting,
// wallboard_queue_longest_wait_seconds, wallboard_queue_service_level_percent,
// wallboard_queue_abandon_rate_percent and wallboard_queue_free_agents.
func (m *metrics) watchQueues(st *state) {
	labels := []string{"company", "queue"}
	m.registry.MustRegister(&queueCollector{
		st:  st,
		now: time.Now,
		waiting: prometheus.NewDesc("wallboard_queue_waiting",
			"Callers waiting in the queue now.", labels, nil),
		longest: prometheus.NewDesc("wallboard_queue_longest_wait_seconds",
			"How long the queue's longest-waiting caller has waited; 0 when nobody waits.", labels, nil),
		sl: prometheus.NewDesc("wallboard_queue_service_level_percent",
			"Today's service level by the queue's formula; absent before the queue's first answered or abandoned call.", labels, nil),
		abandon: prometheus.NewDesc("wallboard_queue_abandon_rate_percent",
			"Today's abandon rate, short abandons left out; absent before the queue's first answered or abandoned call.", labels, nil),
		free: prometheus.NewDesc("wallboard_queue_free_agents",
			"The queue's members whose tile is available now.", labels, nil),
	})
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.waiting
	ch <- c.longest
	ch <- c.sl
	ch <- c.abandon
	ch <- c.free
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	var qs []board.QueueStats
	c.st.read(func(b *board.Board, _ uint64) { qs = b.Queues() })
	now := c.now()
	for _, q := range qs {
		labels := []string{q.Company, q.Name}
		ch <- prometheus.MustNewConstMetric(c.waiting, prometheus.GaugeValue, float64(q.Waiting), labels...)
		var longest float64
		if !q.OldestWait.IsZero() {
			longest = max(0, now.Sub(q.OldestWait).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(c.longest, prometheus.GaugeValue, longest, labels...)
		if sl, ok := q.ServiceLevel(q.Formula.Basis); ok {
			ch <- prometheus.MustNewConstMetric(c.sl, prometheus.GaugeValue, sl, labels...)
		}
		if ab, ok := q.AbandonRate(); ok {
			ch <- prometheus.MustNewConstMetric(c.abandon, prometheus.GaugeValue, ab, labels...)
		}
		ch <- prometheus.MustNewConstMetric(c.free, prometheus.GaugeValue, float64(q.Free), labels...)
	}
}

func (c *boardCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.timeFixes
	ch <- c.limitHits
}

func (c *boardCollector) Collect(ch chan<- prometheus.Metric) {
	var counters board.Counters
	c.st.read(func(b *board.Board, _ uint64) { counters = b.Counters() })
	for _, fix := range []board.TimeFix{board.TimeMissing, board.TimeSeconds, board.TimeTooOld, board.TimeFuture, board.TimeRefused} {
		ch <- prometheus.MustNewConstMetric(c.timeFixes, prometheus.CounterValue, float64(counters.TimeFixes[fix]), string(fix))
	}
	for _, l := range []board.Limit{board.LimitUsers, board.LimitCalls, board.LimitConferences, board.LimitTombstones,
		board.LimitQueueMembers, board.LimitDevices, board.LimitQueues, board.LimitCompleted, board.LimitParticipants} {
		ch <- prometheus.MustNewConstMetric(c.limitHits, prometheus.CounterValue, float64(counters.LimitHits[l]), string(l))
	}
}
