package pbxsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// noBackoff retries at once, keeping the tests fast.
var noBackoff = []time.Duration{0, 0, 0}

// webhook is a test receiver answering the statuses in order (the last
// one for every further request) and counting requests.
func webhook(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		w.WriteHeader(statuses[min(i, len(statuses)-1)])
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestPosterSignsTheBody(t *testing.T) {
	secret := []byte("s3cr3t-for-tests")
	body := []byte(`{"id":"it_w100001_201","type":"presence:user","data":{}}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, secret)
		mac.Write(got)
		want := hex.EncodeToString(mac.Sum(nil))
		switch {
		case r.Method != http.MethodPost:
			t.Errorf("method %s, want POST", r.Method)
		case r.Header.Get("Content-Type") != "application/json":
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		case string(got) != string(body):
			t.Errorf("body %s, want %s", got, body)
		case r.Header.Get("X-Signature") != want:
			t.Errorf("x-signature %q, want %q", r.Header.Get("X-Signature"), want)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	if err := Poster(srv.Client(), srv.URL, secret)(t.Context(), body); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func TestPosterRetriesServerErrors(t *testing.T) {
	srv, requests := webhook(t, http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusOK)
	if err := poster(srv.Client(), srv.URL, []byte("k"), noBackoff)(t.Context(), []byte(`{}`)); err != nil {
		t.Fatalf("send: %v", err)
	}
	if got := requests.Load(); got != 3 {
		t.Errorf("%d requests, want 3 (two 503s, then 200)", got)
	}
}

func TestPosterGivesUpAfterThreeRetries(t *testing.T) {
	srv, requests := webhook(t, http.StatusServiceUnavailable)
	err := poster(srv.Client(), srv.URL, []byte("k"), noBackoff)(t.Context(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("send = %v, want an error naming status 503", err)
	}
	if got := requests.Load(); got != 4 {
		t.Errorf("%d requests, want 4 (one and three retries)", got)
	}
}

func TestPosterDoesNotRetryClientErrors(t *testing.T) {
	srv, requests := webhook(t, http.StatusUnauthorized)
	err := poster(srv.Client(), srv.URL, []byte("k"), noBackoff)(t.Context(), []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "401 Unauthorized") {
		t.Fatalf("send = %v, want an error naming 401 Unauthorized", err)
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

func TestPosterReportsNetworkErrors(t *testing.T) {
	srv, _ := webhook(t, http.StatusOK)
	url, client := srv.URL, srv.Client()
	srv.Close()
	if err := poster(client, url, []byte("k"), noBackoff)(t.Context(), []byte(`{}`)); err == nil {
		t.Fatal("send to a closed server succeeded")
	}
}

func TestPosterStopsWaitingWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel() // the sender is shutting down while the receiver fails
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	err := poster(srv.Client(), srv.URL, []byte("k"), []time.Duration{time.Hour})(ctx, []byte(`{}`))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("send = %v, want context.Canceled", err)
	}
}
