package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	golden        = "testdata/metrics.txt"
	rules         = "../prometheus/alerts.yml"
	dashboardFile = "../grafana/wallboard.json"
)

func metrics(t *testing.T) Metrics {
	t.Helper()
	m, err := LoadMetrics(golden)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAlertingRules(t *testing.T) {
	n, errs := CheckRules(rules, metrics(t))
	for _, err := range errs {
		t.Error(err)
	}
	t.Logf("%d alerts", n)
}

func TestDashboard(t *testing.T) {
	n, errs := CheckDashboard(dashboardFile, metrics(t))
	for _, err := range errs {
		t.Error(err)
	}
	t.Logf("%d queries", n)
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErrors fails unless errs has one error per substring, in order.
func wantErrors(t *testing.T, errs []error, want ...string) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v, want %d: %q", len(errs), errs, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d = %v; want it to say %q", i, errs[i], w)
		}
	}
}

// The checks catch what they are there for.
func TestRulesCheckCatches(t *testing.T) {
	m := Metrics{"wallboard_ws_clients": "gauge", "wallboard_append_seconds": "histogram", "go_gc_duration_seconds": "summary"}
	rule := func(expr, extra string) string {
		return "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: '" + strings.ReplaceAll(expr, "'", "''") + "'\n" + extra
	}
	const ok = "        for: 5m\n        labels:\n          severity: warning\n        annotations:\n          summary: s\n          description: d\n"
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"known", rule(`wallboard_ws_clients > 0 and histogram_quantile(0.99, rate(wallboard_append_seconds_bucket[5m])) > 1 and rate(go_gc_duration_seconds_count[5m]) > 0 and up == 0`, ok), nil},
		{"unknown metric", rule(`wallboard_ws_client > 0`, ok), []string{"no metric wallboard_ws_client"}},
		{"bucket of a summary", rule(`go_gc_duration_seconds_bucket > 0`, ok), []string{"no metric go_gc_duration_seconds_bucket"}},
		{"suffix of a gauge", rule(`wallboard_ws_clients_count > 0`, ok), []string{"no metric wallboard_ws_clients_count"}},
		{"no name", rule(`{job="wallboard"} > 0`, ok), []string{"names no single metric"}},
		{"name by regexp", rule(`{__name__=~"wallboard_.+"} > 0`, ok), []string{"names no single metric"}},
		{"bad PromQL", rule(`rate(wallboard_ws_clients[5m]`, ok), []string{"could not parse expression"}},
		{"bad template", rule(`wallboard_ws_clients > 0`, strings.Replace(ok, "summary: s", "summary: \"{{ $labels.x \"", 1)), []string{"summary"}},
		{"unknown field", rule(`wallboard_ws_clients > 0`, ok+"        severity: critical\n"), []string{"severity not found"}},
		{"no for, severity, annotations", rule(`wallboard_ws_clients > 0`, "        labels:\n          team: x\n"), []string{"no for", "severity", "no summary", "no description"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errs := CheckRules(write(t, "rules.yml", c.file), m)
			wantErrors(t, errs, c.want...)
		})
	}
}

func TestDashboardCheckCatches(t *testing.T) {
	m := Metrics{"wallboard_ws_clients": "gauge"}
	const ds = `"datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}`
	dash := func(panels, vars string) string {
		return `{"title": "t", "uid": "u", "schemaVersion": 39, "panels": [` + panels + `], "templating": {"list": [` + vars + `]}}`
	}
	const goodVar = `{"name": "job", "type": "query", "query": {"query": "label_values(wallboard_ws_clients, job)"}}`
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"known", dash(`{"type": "row", "title": "r"}, {"type": "timeseries", "title": "p", `+ds+`, "targets": [{"refId": "A", "expr": "sum(rate(wallboard_ws_clients{job=~\"$job\"}[$__rate_interval]))"}]}`, goodVar), nil},
		{"not JSON", `{"title": "t",`, []string{"unexpected end of JSON"}},
		{"unknown metric", dash(`{"type": "stat", "title": "p", `+ds+`, "targets": [{"refId": "A", "expr": "wallboard_clients"}]}`, goodVar), []string{"no metric wallboard_clients"}},
		{"in a collapsed row", dash(`{"type": "row", "title": "r", "panels": [{"type": "stat", "title": "p", `+ds+`, "targets": [{"refId": "A", "expr": "wallboard_clients"}]}]}`, goodVar), []string{"no metric wallboard_clients"}},
		{"no title, no datasource", dash(`{"type": "stat", "targets": [{"refId": "A", "expr": "wallboard_ws_clients"}]}`, goodVar), []string{"has no title", "no datasource"}},
		{"bad PromQL", dash(`{"type": "stat", "title": "p", `+ds+`, "targets": [{"refId": "A", "expr": "sum(wallboard_ws_clients"}]}`, goodVar), []string{"unclosed left parenthesis"}},
		{"variable on an unknown metric", dash(`{"type": "stat", "title": "p", `+ds+`, "targets": [{"refId": "A", "expr": "wallboard_ws_clients"}]}`, `{"name": "job", "type": "query", "query": "label_values(wallboard_clients, job)"}`), []string{"variable job: \"wallboard_clients\": the server exports no metric"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errs := CheckDashboard(write(t, "d.json", c.file), m)
			wantErrors(t, errs, c.want...)
		})
	}
}
