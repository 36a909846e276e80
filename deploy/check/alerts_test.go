package check

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/promqltest"
)

// alertRules loads the rules of alerts.yml by alert name.
func alertRules(t *testing.T) map[string]rulefmt.Rule {
	t.Helper()
	groups, errs := rulefmt.ParseFile(rules, false, model.UTF8Validation, promParser, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	out := map[string]rulefmt.Rule{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			out[r.Alert] = r
		}
	}
	return out
}

// firing evaluates an alert as Prometheus would, every minute from the
// first sample: it fires at the end if its expression has returned
// something at every evaluation for its for: duration.
func firing(t *testing.T, r rulefmt.Rule, series string, end time.Duration) bool {
	t.Helper()
	storage := promqltest.LoadedStorage(t, "load 1m\n"+series)
	engine := promqltest.NewTestEngine(t, false, 5*time.Minute, 1e6)
	since := -1 * time.Minute // the last evaluation that returned nothing
	for at := time.Duration(0); at <= end; at += time.Minute {
		q, err := engine.NewInstantQuery(context.Background(), storage, nil, r.Expr, time.Unix(0, 0).Add(at))
		if err != nil {
			t.Fatal(err)
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		v, err := res.Vector()
		if err != nil {
			t.Fatal(err)
		}
		q.Close()
		if len(v) == 0 {
			since = at
		}
	}
	return since < end && end-since-time.Minute >= time.Duration(r.For)
}

// The alerts whose expressions are not plain thresholds fire when they
// should, and only then.
func TestAlertsFire(t *testing.T) {
	rs := alertRules(t)
	for _, c := range []struct {
		alert, name, series string
		end                 time.Duration
		want                bool
	}{
		{"WallboardDown", "down", `up{job="wallboard",instance="a"} 1 1 0 0 0 0`, 5 * time.Minute, true},
		{"WallboardDown", "up again", `up{job="wallboard",instance="a"} 1 0 0 0 1 1`, 5 * time.Minute, false},
		{"WallboardDown", "another job", `up{job="other",instance="a"} 0x10`, 10 * time.Minute, false},

		{"WallboardEventLogUnreachable", "NaN lag", `wallboard_log_consumer_lag{instance="a"} 3 NaN NaN NaN NaN NaN`, 5 * time.Minute, true},
		{"WallboardEventLogUnreachable", "a lag", `wallboard_log_consumer_lag{instance="a"} 3 500 500 500 500 500`, 5 * time.Minute, false},

		{"WallboardNoEvents", "clients, no events", `wallboard_ws_clients{job="wallboard",instance="a"} 5x60
			wallboard_events_total{job="wallboard",instance="a",transport="webhook",type="call",outcome="accepted"} 10x60`, time.Hour, true},
		{"WallboardNoEvents", "clients, never an event", `wallboard_ws_clients{job="wallboard",instance="a"} 5x60`, time.Hour, true},
		{"WallboardNoEvents", "clients, events on another node", `wallboard_ws_clients{job="wallboard",instance="a"} 5x60
			wallboard_ws_clients{job="wallboard",instance="b"} 0x60
			wallboard_events_total{job="wallboard",instance="b",transport="webhook",type="call",outcome="accepted"} 0+1x60`, time.Hour, false},
		{"WallboardNoEvents", "no clients", `wallboard_ws_clients{job="wallboard",instance="a"} 0x60`, time.Hour, false},
		{"WallboardNoEvents", "not yet 45 minutes", `wallboard_ws_clients{job="wallboard",instance="a"} 5x60
			wallboard_events_total{job="wallboard",instance="a",transport="webhook",type="call",outcome="accepted"} 0+1x20 20x40`, time.Hour, false},

		{"WallboardSnapshotTooOld", "saved long ago", `wallboard_snapshot_timestamp_seconds{instance="a"} 60x40`, 40 * time.Minute, true},
		{"WallboardSnapshotTooOld", "saved every minute", `wallboard_snapshot_timestamp_seconds{instance="a"} 0+60x40`, 40 * time.Minute, false},
		{"WallboardSnapshotTooOld", "none saved yet", `wallboard_snapshot_timestamp_seconds{instance="a"} 0x40`, 40 * time.Minute, false},

		{"WallboardAppendLatencyHigh", "slow", `wallboard_append_seconds_bucket{instance="a",le="0.1024"} 0x20
			wallboard_append_seconds_bucket{instance="a",le="0.4096"} 0+10x20
			wallboard_append_seconds_bucket{instance="a",le="+Inf"} 0+10x20`, 20 * time.Minute, true},
		{"WallboardAppendLatencyHigh", "fast", `wallboard_append_seconds_bucket{instance="a",le="0.0016"} 0+10x20
			wallboard_append_seconds_bucket{instance="a",le="0.4096"} 0+10x20
			wallboard_append_seconds_bucket{instance="a",le="+Inf"} 0+10x20`, 20 * time.Minute, false},

		{"WallboardAppendFailing", "refused", `wallboard_events_total{instance="a",transport="webhook",type="call",outcome="unavailable"} 0+5x10`, 10 * time.Minute, true},
		{"WallboardAppendFailing", "recovered", `wallboard_events_total{instance="a",transport="webhook",type="call",outcome="unavailable"} 0+5x3 15x10`, 13 * time.Minute, false},

		{"WallboardLogEntriesMissing", "missed", `wallboard_log_entries_missing_total{instance="a"} 0 0 0 4 4 4 4`, 6 * time.Minute, true},
		{"WallboardLogEntriesMissing", "none", `wallboard_log_entries_missing_total{instance="a"} 0x10`, 10 * time.Minute, false},
	} {
		t.Run(c.alert+"/"+c.name, func(t *testing.T) {
			r, ok := rs[c.alert]
			if !ok {
				t.Fatalf("no alert %s in %s", c.alert, rules)
			}
			if got := firing(t, r, c.series, c.end); got != c.want {
				t.Errorf("%s fires: %v, want %v\n%s", c.alert, got, c.want, r.Expr)
			}
		})
	}
}
