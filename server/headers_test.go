package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

// TestViewersAnswersAreNotStored: what a viewer was shown stays out of
// every cache, errors and redirects included.
func TestViewersAnswersAreNotStored(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	bearer := "Bearer " + apiToken
	for _, tt := range []struct{ path, header, value string }{
		{"/api/v1/state", "Authorization", bearer},
		{"/api/v1/state", "", ""},
		{"/", "Authorization", bearer},
		{"/", "", ""},
		{"/agent", "Authorization", bearer},
		{"/display/" + displayToken, "", ""},
		{"/display/not-a-token", "", ""},
		{"/login", "", ""},
	} {
		res, _ := get(t, client(t), ts.URL+tt.path, tt.header, tt.value)
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s (%s) = %d with Cache-Control %q; want no-store", tt.path, tt.header, res.StatusCode, got)
		}
	}
}

func TestMetricsAccess(t *testing.T) {
	const token = "metrics-t0ken-0123456789abcdef"
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elog.Close() })
	for _, tt := range []struct {
		name     string
		cfg      func(*Config)
		auth     string
		want     int
		separate int // the status of MetricsHandler
	}{
		{"open", func(*Config) {}, "", http.StatusOK, http.StatusOK},
		{"token, none sent", func(c *Config) { c.MetricsToken = token }, "", http.StatusUnauthorized, http.StatusUnauthorized},
		{"token, wrong one", func(c *Config) { c.MetricsToken = token }, "Bearer " + token + "x", http.StatusUnauthorized, http.StatusUnauthorized},
		{"token, the API token", func(c *Config) { c.MetricsToken = token }, "Bearer " + apiToken, http.StatusUnauthorized, http.StatusUnauthorized},
		{"token sent", func(c *Config) { c.MetricsToken = token }, "Bearer " + token, http.StatusOK, http.StatusOK},
		{"separate listener", func(c *Config) { c.SeparateMetrics = true }, "", http.StatusNotFound, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := authConfig()
			tt.cfg(&cfg)
			s, err := New(cfg, elog, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range []struct {
				handler http.Handler
				want    int
			}{{s.Handler(), tt.want}, {s.MetricsHandler(), tt.separate}} {
				req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
				if tt.auth != "" {
					req.Header.Set("Authorization", tt.auth)
				}
				w := httptest.NewRecorder()
				h.handler.ServeHTTP(w, req)
				if w.Code != h.want {
					t.Errorf("GET /metrics = %d; want %d", w.Code, h.want)
				}
				if w.Code == http.StatusOK && !strings.Contains(w.Body.String(), "wallboard_connections_refused_total") {
					t.Errorf("metrics without wallboard_connections_refused_total:\n%.300s", w.Body.String())
				}
			}
		})
	}
}

func TestLogLimiter(t *testing.T) {
	l := newLogLimiter(10 * time.Second)
	now := time.Now()
	if ok, held := l.allow("a", now); !ok || held != 0 {
		t.Fatalf("first line: %v, %d held", ok, held)
	}
	for i := range 5 {
		if ok, _ := l.allow("a", now.Add(time.Duration(i)*time.Second)); ok {
			t.Fatalf("line %d within the interval let through", i+2)
		}
	}
	if ok, _ := l.allow("b", now); !ok {
		t.Error("another key is held back")
	}
	if ok, held := l.allow("a", now.Add(10*time.Second)); !ok || held != 5 {
		t.Errorf("after the interval: %v, %d held; want the line, reporting 5 held back", ok, held)
	}
}
