package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const secret = "test-secret"

// receiver is a webhook that checks every signature and counts valid events.
type receiver struct {
	mu    sync.Mutex
	valid int
	bad   int
}

func newReceiver(t *testing.T) (*receiver, string) {
	t.Helper()
	r := &receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		ok := req.Header.Get("x-signature") == hex.EncodeToString(mac.Sum(nil)) && json.Valid(body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if !ok {
			r.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.valid++
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func (r *receiver) counts() (valid, bad int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.valid, r.bad
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestRunSendsCountSignedEvents(t *testing.T) {
	for _, mode := range [][]string{{"-fast"}, {"-fast", "-concurrency", "1"}, {}} {
		name := "paced"
		if len(mode) > 0 {
			name = strings.Join(mode, " ")
		}
		t.Run(name, func(t *testing.T) {
			rcv, url := newReceiver(t)
			var out bytes.Buffer
			args := append([]string{"-url", url, "-secret", secret, "-count", "20"}, mode...)
			if err := run(t.Context(), args, env(nil), &out); err != nil {
				t.Fatalf("run: %v\n%s", err, &out)
			}
			if valid, bad := rcv.counts(); valid != 20 || bad != 0 {
				t.Errorf("receiver got %d valid and %d badly signed events, want 20 and 0", valid, bad)
			}
			if !strings.HasPrefix(out.String(), "sent 20, failed 0 in ") {
				t.Errorf("summary %q", out.String())
			}
		})
	}
}

func TestRunReadsTheEnvironment(t *testing.T) {
	rcv, url := newReceiver(t)
	vars := map[string]string{"PBXSIM_URL": url, "PBXSIM_SECRET": secret, "PBXSIM_COUNT": "5", "PBXSIM_FAST": "true"}
	if err := run(t.Context(), nil, env(vars), io.Discard); err != nil {
		t.Fatalf("run: %v", err)
	}
	if valid, _ := rcv.counts(); valid != 5 {
		t.Errorf("sent %d events, want PBXSIM_COUNT=5", valid)
	}

	// A flag beats its variable.
	if err := run(t.Context(), []string{"-count", "3"}, env(vars), io.Discard); err != nil {
		t.Fatalf("run: %v", err)
	}
	if valid, _ := rcv.counts(); valid != 5+3 {
		t.Errorf("sent %d events in total, want 8 (-count 3 over PBXSIM_COUNT=5)", valid)
	}
}

func TestRunFailsOnAWrongSecret(t *testing.T) {
	_, url := newReceiver(t)
	var out bytes.Buffer
	err := run(t.Context(), []string{"-url", url, "-secret", "wrong", "-count", "2", "-fast"}, env(nil), &out)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("run = %v, want an error naming status 401", err)
	}
	if !strings.HasPrefix(out.String(), "sent 0, failed 2 ") {
		t.Errorf("summary %q", out.String())
	}
}

func TestRunRejectsBadSettings(t *testing.T) {
	ok := []string{"-url", "http://127.0.0.1:1/webhooks/wildix", "-secret", "s"}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", append(ok, "-nope"), nil, "nope"},
		{"no url", []string{"-secret", "s"}, nil, "-url"},
		{"not a url", []string{"-url", "localhost:8080", "-secret", "s"}, nil, "http"},
		{"no secret", []string{"-url", "http://127.0.0.1:1/"}, nil, "-secret"},
		{"bad number", append(ok, "-users", "many"), nil, "users"},
		{"too few users", append(ok, "-users", "1"), nil, "-users"},
		{"negative rate", append(ok, "-rate", "-1"), nil, "-rate"},
		{"no senders", append(ok, "-concurrency", "0"), nil, "-concurrency"},
		{"negative count", append(ok, "-count", "-5"), nil, "-count"},
		{"bad variable", ok, map[string]string{"PBXSIM_DURATION": "soon"}, "PBXSIM_DURATION"},
		{"argument", append(ok, "extra"), nil, "extra"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(t.Context(), tc.args, env(tc.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRunPrintsUsageOnHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-h"}, env(nil), &out); err != nil {
		t.Fatalf("run -h: %v", err)
	}
	for _, want := range []string{"load generator", "-concurrency", "PBXSIM_"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, &out)
		}
	}
}
