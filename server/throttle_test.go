package server

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestThrottleWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		th := newThrottle(throttleLimits{window: time.Minute}, newMemoryTable(10))
		k := []throttleKey{{"k", 2}}
		for i := range 2 {
			if wait, err := th.attempt(ctx, k, time.Now()); wait != 0 || err != nil {
				t.Fatalf("attempt %d: wait %v, %v", i+1, wait, err)
			}
		}
		if wait, _ := th.attempt(ctx, k, time.Now()); wait != time.Minute {
			t.Fatalf("third attempt: wait %v; want the rest of the window, 1m", wait)
		}
		if wait, _ := th.attempt(ctx, []throttleKey{{"other", 2}}, time.Now()); wait != 0 {
			t.Fatal("another key is blocked")
		}
		time.Sleep(time.Minute)
		if wait, _ := th.attempt(ctx, k, time.Now()); wait != 0 {
			t.Fatalf("still blocked for %s after the window", wait)
		}
		if err := th.forget(ctx, k[0]); err != nil {
			t.Fatal(err)
		}
		if _, _, err := th.table.get(ctx, "k"); err == nil {
			t.Fatal("forget left the count")
		}
	})
}

// TestThrottleRefusalCostsNoOtherSlot: an attempt refused by one of its
// keys is counted against none of the others.
func TestThrottleRefusalCostsNoOtherSlot(t *testing.T) {
	ctx := context.Background()
	th := newThrottle(throttleLimits{window: time.Hour}, newMemoryTable(10))
	now := time.Now()
	spent := []throttleKey{{"spent", 1}}
	if wait, _ := th.attempt(ctx, spent, now); wait != 0 {
		t.Fatal("first attempt refused")
	}
	for range 5 {
		if wait, _ := th.attempt(ctx, []throttleKey{{"fresh", 2}, {"spent", 1}}, now); wait == 0 {
			t.Fatal("an attempt against a spent key got through")
		}
	}
	if f, _, _ := th.load(ctx, "fresh"); f.N != 0 {
		t.Errorf("refused attempts counted %d against the fresh key; want 0", f.N)
	}
}

func TestMemoryTableForgetsTheOldestWriteFirst(t *testing.T) {
	ctx := context.Background()
	m := newMemoryTable(3)
	for _, k := range []string{"a", "b", "c", "a", "d"} {
		if err := m.put(ctx, k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, _, err := m.get(ctx, k); (err == nil) != want {
			t.Errorf("key %s kept = %v; want %v", k, err == nil, want)
		}
	}
	if m.len() != 3 {
		t.Errorf("%d keys; want the bound of 3", m.len())
	}
	// Revisions guard concurrent counts.
	_, rev, _ := m.get(ctx, "a")
	if err := m.set(ctx, "a", []byte("x"), rev); err != nil {
		t.Fatal(err)
	}
	if err := m.set(ctx, "a", []byte("y"), rev); err == nil {
		t.Error("a write at a stale revision succeeded")
	}
	if err := m.set(ctx, "e", []byte("e"), 0); err != nil {
		t.Fatal(err)
	}
	if err := m.set(ctx, "e", []byte("e"), 0); err == nil {
		t.Error("creating an existing key succeeded")
	}
}

func TestThrottleCountsConcurrentAttempts(t *testing.T) {
	th := newThrottle(throttleLimits{window: time.Minute}, newMemoryTable(10))
	var passed atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if wait, err := th.attempt(context.Background(), []throttleKey{{"k", 5}, {"j", 50}}, time.Now()); wait == 0 && err == nil {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := passed.Load(); n != 5 {
		t.Fatalf("%d concurrent attempts got through, want the limit of 5", n)
	}
}

func TestClientNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                "192.0.2.7",
		"::ffff:192.0.2.7":         "192.0.2.7",
		"2001:db8:1:2:aaaa::1":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":          "2001:db8:1:3::/64",
		"not an address":           "not an address",
	} {
		if got := clientNetwork(in); got != want {
			t.Errorf("clientNetwork(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestLoginThrottleScopes: failures are limited per client network and
// email, per client network across emails (IPv6 by /64), and per email
// across client networks; each answer is 429 only for what is spent.
func TestLoginThrottleScopes(t *testing.T) {
	cfg := authConfig()
	cfg.LoginFailures, cfg.LoginFailuresPerClient, cfg.LoginFailuresPerAccount = 2, 3, 4
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	ts := newAuthServer(t, cfg)
	try := func(from, email, pw string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", from)
		res, _ := do(t, client(t), req)
		return res.StatusCode
	}
	steps := []struct {
		from, email, pw string
		want            int
		why             string
	}{
		{"192.0.2.1", agentEmail, "x", 401, ""},
		{"192.0.2.1", agentEmail, "x", 401, ""},
		{"192.0.2.1", agentEmail, password, 429, "2 failures for this client and email"},
		{"192.0.2.1", superEmail, "x", 401, "another email from the same client"},
		{"192.0.2.1", adminEmail, password, 429, "3 failures from this client, whatever the email"},
		{"192.0.2.2", adminEmail, password, 303, "another client"},

		{"2001:db8:7:7::1", "nobody1@a.example.test", "x", 401, ""},
		{"2001:db8:7:7::2", "nobody2@a.example.test", "x", 401, ""},
		{"2001:db8:7:7:ffff::3", "nobody3@a.example.test", "x", 401, ""},
		{"2001:db8:7:7::4", superEmail, password, 429, "3 failures from this /64"},
		{"2001:db8:7:8::4", superEmail, password, 303, "another /64"},

		{"198.51.100.1", "target@a.example.test", "x", 401, ""},
		{"198.51.100.2", "target@a.example.test", "x", 401, ""},
		{"198.51.100.3", "target@a.example.test", "x", 401, ""},
		{"198.51.100.4", "target@a.example.test", "x", 401, ""},
		{"198.51.100.5", "target@a.example.test", "x", 429, "4 failures for this email, from any client"},
	}
	for i, st := range steps {
		if got := try(st.from, st.email, st.pw); got != st.want {
			t.Errorf("step %d (%s as %s): %d; want %d %s", i+1, st.from, st.email, got, st.want, st.why)
		}
	}
}

// TestLoginCostsOneHashPerSlot: 40 concurrent attempts with 5 slots check
// exactly 5 passwords (every 401 is one check; a 429 is none).
func TestLoginCostsOneHashPerSlot(t *testing.T) {
	cfg := authConfig()
	cfg.LoginFailures = 5
	ts := newAuthServer(t, cfg)
	var checked, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			switch login(t, client(t), ts.URL, agentEmail, fmt.Sprint("guess", i)).StatusCode {
			case http.StatusUnauthorized:
				checked.Add(1)
			case http.StatusTooManyRequests:
				refused.Add(1)
			}
		})
	}
	wg.Wait()
	if checked.Load() != 5 || refused.Load() != 35 {
		t.Fatalf("%d passwords checked, %d refused; want 5 and 35", checked.Load(), refused.Load())
	}
}
