// Package check tests the operators' files of deploy/ against the metrics
// the server exports: the Prometheus alerting rules must load in
// Prometheus, and every query of the rules and of the Grafana dashboard
// must name only metrics listed in testdata/metrics.txt, which
// TestExportedMetrics of cmd/wallboard keeps equal to what the server
// really exports.
//
// It is a module of its own so that the main module does not depend on
// Prometheus itself.
package check

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// Metrics maps each exported series name to its metric type, as listed in
// a golden file of "name type" lines.
type Metrics map[string]string

// LoadMetrics reads a golden file of "name type" lines.
func LoadMetrics(path string) (Metrics, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := Metrics{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		name, typ, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"name type\", got %q", path, n, line)
		}
		m[name] = typ
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: no metrics", path)
	}
	return m, nil
}

// Known reports whether Prometheus would hold series of this name: an
// exported name, a histogram's or summary's _bucket, _sum or _count, or
// the scrape's own up.
func (m Metrics) Known(name string) bool {
	if name == "up" {
		return true
	}
	if _, ok := m[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, ok := strings.CutSuffix(name, suffix)
		if !ok {
			continue
		}
		switch m[base] {
		case "histogram":
			return true
		case "summary":
			return suffix != "_bucket"
		}
	}
	return false
}

var promParser = parser.NewParser(parser.Options{})

// CheckExpr parses a PromQL expression and returns an error for each
// selector naming a metric that is not known, or selecting by something
// other than one exact metric name.
func (m Metrics) CheckExpr(expr string) []error {
	e, err := promParser.ParseExpr(expr)
	if err != nil {
		return []error{fmt.Errorf("%q: %w", expr, err)}
	}
	var errs []error
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		if name == "" {
			for _, lm := range vs.LabelMatchers {
				if lm.Name == model.MetricNameLabel && lm.Type == labels.MatchEqual {
					name = lm.Value
				}
			}
		}
		switch {
		case name == "":
			errs = append(errs, fmt.Errorf("%q: the selector %s names no single metric", expr, vs))
		case !m.Known(name):
			errs = append(errs, fmt.Errorf("%q: the server exports no metric %s", expr, name))
		}
		return nil
	})
	return errs
}

// Severities are the values the rules' severity label may take.
var Severities = []string{"critical", "warning", "info"}

// CheckRules loads a rules file with Prometheus's own parser (which also
// checks every expression and template) and checks that each alert waits
// (for:), has a severity, a summary and a description, and queries only
// known metrics. It returns the number of alerts.
func CheckRules(path string, m Metrics) (int, []error) {
	groups, errs := rulefmt.ParseFile(path, false, model.UTF8Validation, promParser, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(errs) > 0 {
		return 0, errs
	}
	n := 0
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			what := r.Alert
			if what == "" {
				what = r.Record
			}
			for _, err := range m.CheckExpr(r.Expr) {
				errs = append(errs, fmt.Errorf("%s: %s: %w", path, what, err))
			}
			if r.Alert == "" {
				continue
			}
			n++
			if r.For <= 0 {
				errs = append(errs, fmt.Errorf("%s: %s: no for", path, what))
			}
			if !slices.Contains(Severities, r.Labels["severity"]) {
				errs = append(errs, fmt.Errorf("%s: %s: severity %q, want one of %v", path, what, r.Labels["severity"], Severities))
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					errs = append(errs, fmt.Errorf("%s: %s: no %s annotation", path, what, a))
				}
			}
		}
	}
	if n == 0 {
		errs = append(errs, fmt.Errorf("%s: no alerts", path))
	}
	return n, errs
}

// grafanaIntervals are Grafana's built-in interval variables, which are
// not PromQL: they are replaced by a duration before parsing. Other
// variables ($job) may appear only inside label matchers' strings.
var grafanaIntervals = regexp.MustCompile(`\$(__rate_interval|__interval|__range)\b|\$\{(__rate_interval|__interval|__range)\}`)

// labelValues is a Grafana template query label_values(selector, label).
var labelValues = regexp.MustCompile(`^\s*label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$`)

type panel struct {
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Datasource json.RawMessage `json:"datasource"`
	Targets    []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

type dashboard struct {
	Title         string  `json:"title"`
	UID           string  `json:"uid"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

// CheckDashboard checks a Grafana dashboard: valid JSON with a title and a
// uid; each panel (rows apart) with a title, a datasource and queries, each
// query valid PromQL naming known metrics; each label_values variable on a
// known metric. It returns the number of queries.
func CheckDashboard(path string, m Metrics) (int, []error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, []error{err}
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		return 0, []error{fmt.Errorf("%s: %w", path, err)}
	}
	var errs []error
	if d.Title == "" || d.UID == "" || d.SchemaVersion == 0 {
		errs = append(errs, fmt.Errorf("%s: want a title, a uid and a schemaVersion", path))
	}
	queries := 0
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if p.Type == "row" {
				if p.Title == "" {
					errs = append(errs, fmt.Errorf("%s: a row has no title", path))
				}
				walk(p.Panels)
				continue
			}
			where := fmt.Sprintf("%s: panel %q", path, p.Title)
			if p.Title == "" {
				errs = append(errs, fmt.Errorf("%s: a %s panel has no title", path, p.Type))
			}
			if len(p.Datasource) == 0 || string(p.Datasource) == "null" {
				errs = append(errs, fmt.Errorf("%s: no datasource", where))
			}
			if len(p.Targets) == 0 {
				errs = append(errs, fmt.Errorf("%s: no queries", where))
			}
			for _, t := range p.Targets {
				queries++
				if strings.TrimSpace(t.Expr) == "" {
					errs = append(errs, fmt.Errorf("%s: query %s is empty", where, t.RefID))
					continue
				}
				for _, err := range m.CheckExpr(grafanaIntervals.ReplaceAllString(t.Expr, "5m")) {
					errs = append(errs, fmt.Errorf("%s: %w", where, err))
				}
			}
		}
	}
	walk(d.Panels)
	if queries == 0 {
		errs = append(errs, fmt.Errorf("%s: no queries", path))
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			// The older form: the query as a plain string.
			if err := json.Unmarshal(v.Query, &q.Query); err != nil {
				errs = append(errs, fmt.Errorf("%s: variable %s: %w", path, v.Name, err))
				continue
			}
		}
		sel := labelValues.FindStringSubmatch(q.Query)
		if sel == nil {
			errs = append(errs, fmt.Errorf("%s: variable %s: %q is not label_values(selector, label)", path, v.Name, q.Query))
			continue
		}
		for _, err := range m.CheckExpr(sel[1]) {
			errs = append(errs, fmt.Errorf("%s: variable %s: %w", path, v.Name, err))
		}
	}
	return queries, errs
}
