package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfigPrecedence(t *testing.T) {
	env := envOf(map[string]string{"WALLBOARD_ADDR": ":9000", "WALLBOARD_WEBHOOK_SECRET": "a, b", "WALLBOARD_CALL_TTL": "30m"})

	cfg, err := parseSettings(nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9000" || cfg.DataDir != "./data" || cfg.CallTTL != 30*time.Minute {
		t.Fatalf("env over default: %+v", cfg)
	}
	if len(cfg.Secrets) != 2 || cfg.Secrets[0] != "a" || cfg.Secrets[1] != "b" {
		t.Fatalf("secrets = %q", cfg.Secrets)
	}

	cfg, err = parseSettings([]string{"-addr", ":9100", "-webhook-secret", "c"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9100" || len(cfg.Secrets) != 1 || cfg.Secrets[0] != "c" {
		t.Fatalf("flag over env: %+v", cfg)
	}
}

func TestParseConfigErrorsNameTheSetting(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no secret", nil, nil, "WALLBOARD_WEBHOOK_SECRET"},
		{"bad duration", nil, map[string]string{"WALLBOARD_WEBHOOK_SECRET": "s", "WALLBOARD_CALL_TTL": "soon"}, "WALLBOARD_CALL_TTL"},
		{"bad bool", nil, map[string]string{"WALLBOARD_DEMO": "perhaps"}, "WALLBOARD_DEMO"},
		{"bad zone", []string{"-timezone", "Mars/Olympus", "-demo"}, nil, "WALLBOARD_TIMEZONE"},
		{"short dedupe", []string{"-dedupe-window", "1m", "-demo"}, nil, "WALLBOARD_DEDUPE_WINDOW"},
		{"stray argument", []string{"-demo", "extra"}, nil, `"extra"`},
		{"no demo people", []string{"-demo", "-demo-users", "0"}, nil, "WALLBOARD_DEMO_USERS"},
		{"negative demo rate", []string{"-demo", "-demo-rate", "-1"}, nil, "WALLBOARD_DEMO_RATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSettings(tt.args, envOf(tt.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to name %s", err, tt.want)
			}
		})
	}
}

func TestUsageListsTheSubcommand(t *testing.T) {
	var out strings.Builder
	if _, err := parseSettings([]string{"-h"}, envOf(nil), &out); err == nil {
		t.Fatal("-h parsed without flag.ErrHelp")
	}
	if !strings.Contains(out.String(), "wallboard hash-password") {
		t.Errorf("-h does not list hash-password:\n%s", out.String())
	}
}

func TestBoardURL(t *testing.T) {
	tests := []struct {
		public, addr, want string
	}{
		{"", "[::]:8080", "http://localhost:8080/"},
		{"", "127.0.0.1:9000", "http://127.0.0.1:9000/"},
		{"https://board.example.com", "[::]:8080", "https://board.example.com/"},
	}
	for _, tt := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := boardURL(settings{PublicURL: tt.public}, addr, false); got != tt.want {
			t.Errorf("boardURL(%q, %s) = %q, want %q", tt.public, tt.addr, got, tt.want)
		}
	}
}

func TestDemoNeedsNoSecret(t *testing.T) {
	cfg, err := parseSettings([]string{"-demo", "-addr", "127.0.0.1:0"}, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Demo || cfg.Addr != "127.0.0.1:0" {
		t.Fatalf("cfg = %+v", cfg)
	}
}

// TestRunDemo starts the whole program with the simulated PBX and checks
// that events flow through the real ingress onto the board, then that it
// stops cleanly when its context ends.
func TestRunDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-demo", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir()}, envOf(nil), pw)
		pw.Close()
	}()

	addrRE := regexp.MustCompile(`msg=Listening addr=(\S+)`)
	lines := bufio.NewScanner(pr)
	var addr string
	for addr == "" && lines.Scan() {
		if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
		}
	}
	go io.Copy(io.Discard, pr) // keep the logger from blocking
	if addr == "" {
		t.Fatalf("no Listening line; run returned %v", <-done)
	}

	deadline := time.Now().Add(20 * time.Second)
	poll := time.NewTicker(100 * time.Millisecond)
	defer poll.Stop()
	for range poll.C {
		res, err := http.Get("http://" + addr + "/api/v1/state")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Count(string(b), `"extension"`) >= 40 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the demo did not put 40 users on the board")
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop after its context ended")
	}
}

// TestSecretFiles: every secret setting may be read from the file its
// _FILE variable names, and a value given directly wins.
func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := map[string]string{
		"WALLBOARD_WEBHOOK_SECRET_FILE":     file("webhook", "w1,w2"),
		"WALLBOARD_SQS_SIGNING_SECRET_FILE": file("sqs", "sqs-secret"),
		"WALLBOARD_API_TOKEN_FILE":          file("api", "api-token-0123456789"),
		"WALLBOARD_METRICS_TOKEN_FILE":      file("metrics", "metrics-token-0123456789"),
	}
	s, err := parseSettings(nil, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Secrets, ",") != "w1,w2" || s.SQSSigningSecret != "sqs-secret" || s.APIToken != "api-token-0123456789" || s.MetricsToken != "metrics-token-0123456789" {
		t.Errorf("from files: %q %q %q %q", s.Secrets, s.SQSSigningSecret, s.APIToken, s.MetricsToken)
	}
	env["WALLBOARD_API_TOKEN"] = "direct-token-0123456789"
	if s, _ = parseSettings([]string{"-webhook-secret", "flag"}, envOf(env), io.Discard); s.APIToken != "direct-token-0123456789" || strings.Join(s.Secrets, ",") != "flag" {
		t.Errorf("a value given directly loses to its file: %q %q", s.APIToken, s.Secrets)
	}
	env["WALLBOARD_METRICS_TOKEN_FILE"] = filepath.Join(dir, "missing")
	if _, err := parseSettings(nil, envOf(env), io.Discard); err == nil || !strings.Contains(err.Error(), "WALLBOARD_METRICS_TOKEN_FILE") {
		t.Errorf("a missing file: %v; want an error naming WALLBOARD_METRICS_TOKEN_FILE", err)
	}
	delete(env, "WALLBOARD_METRICS_TOKEN_FILE")
	env["WALLBOARD_METRICS_TOKEN"] = "short"
	if _, err := parseSettings(nil, envOf(env), io.Discard); err == nil || !strings.Contains(err.Error(), "WALLBOARD_METRICS_TOKEN") {
		t.Errorf("a short metrics token: %v; want an error naming it", err)
	}
}

func TestConnectionCapsAndMetricsAddress(t *testing.T) {
	s, err := parseSettings([]string{"-demo", "-metrics-addr", "127.0.0.1:9100"}, envOf(map[string]string{"WALLBOARD_MAX_CONNS": "100", "WALLBOARD_MAX_CONNS_PER_CLIENT": "10"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxConns != 100 || s.MaxConnsPerClient != 10 || s.MetricsAddr != "127.0.0.1:9100" {
		t.Errorf("settings = %+v", s)
	}
	if _, err := parseSettings([]string{"-demo", "-max-conns", "0"}, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "WALLBOARD_MAX_CONNS") {
		t.Errorf("no connections allowed: %v; want an error naming WALLBOARD_MAX_CONNS", err)
	}
}

// TestPrintConfigShowsEverySetting checks that -print-config names every
// flag (by its name, dashes as underscores) and shows no secret.
func TestPrintConfigShowsEverySetting(t *testing.T) {
	var usage bytes.Buffer
	_, _ = parseSettings([]string{"-h"}, envOf(nil), &usage)
	env := envOf(map[string]string{"WALLBOARD_WEBHOOK_SECRET": "a-webhook-secret-never-printed", "WALLBOARD_API_TOKEN": "an-api-token-never-printed"})
	cfg, err := parseSettings([]string{"-print-config"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := printConfig(&out, cfg); err != nil {
		t.Fatal(err)
	}
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(usage.String(), -1)
	if len(flags) < 30 {
		t.Fatalf("found %d flags in the usage, want every one:\n%s", len(flags), usage.String())
	}
	for _, f := range flags {
		if key := strings.ReplaceAll(f[1], "-", "_") + ":"; !strings.Contains(out.String(), "\n"+key) && !strings.HasPrefix(out.String(), key) {
			t.Errorf("-print-config lacks %s", key)
		}
	}
	for _, secret := range []string{"a-webhook-secret-never-printed", "an-api-token-never-printed"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("-print-config shows %s", secret)
		}
	}
}
