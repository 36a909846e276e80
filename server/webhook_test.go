package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix"
)

// TestSignedJSONAnyContentType: the signature and the body decide, not the
// label: a signed JSON body is accepted whatever its Content-Type; a body
// labelled otherwise that is unsigned or not JSON gets 415.
func TestSignedJSONAnyContentType(t *testing.T) {
	h := newHarness(t, t.TempDir())
	tests := []struct {
		name, contentType string
		body              []byte
		signed            bool
		want              int
	}{
		{"text/plain", "text/plain", telephonyEvent(testCompany, "1001", "talking", ms(1)), true, http.StatusOK},
		{"text/plain with a charset", "text/plain; charset=utf-8", telephonyEvent(testCompany, "1002", "talking", ms(2)), true, http.StatusOK},
		{"a form", "application/x-www-form-urlencoded", telephonyEvent(testCompany, "1003", "talking", ms(3)), true, http.StatusOK},
		{"octet stream", "application/octet-stream", telephonyEvent(testCompany, "1004", "talking", ms(4)), true, http.StatusOK},
		{"malformed", "application/json; ===", telephonyEvent(testCompany, "1005", "talking", ms(5)), true, http.StatusOK},
		{"unsigned text/plain", "text/plain", telephonyEvent(testCompany, "1006", "talking", ms(6)), false, http.StatusUnsupportedMediaType},
		{"signed text that is not JSON", "text/plain", []byte("type=presence:telephony"), true, http.StatusUnsupportedMediaType},
		{"unsigned JSON", "application/json", telephonyEvent(testCompany, "1007", "talking", ms(7)), false, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/webhooks/wildix", bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			if tt.signed {
				req.Header.Set("X-Signature", wildix.Sign([]byte(testSecret), tt.body))
			}
			res, err := h.http.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("%s = %d %s; want %d", tt.contentType, res.StatusCode, b, tt.want)
			}
		})
	}
	if got := len(h.state("").Users); got != 5 {
		t.Errorf("%d users on the board; want the 5 accepted", got)
	}
}

// syncBuffer is a log destination tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRefusedWebhooksAreLoggedOnce: each refusal is logged at info with its
// reason and the remote address, never the body, and a flood of them makes
// one line per reason.
func TestRefusedWebhooksAreLoggedOnce(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elog.Close() })
	srv, err := server.New(server.Config{Secrets: [][]byte{[]byte(testSecret)}, BodyLimit: 4096}, elog, logger)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	const marker = "a-body-the-logs-must-not-hold"
	body := []byte(`{"type":"presence:user","company":"` + marker + `"}`)
	post := func(body []byte, contentType, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhooks/wildix", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if sig != "" {
			req.Header.Set("X-Signature", sig)
		}
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for range 50 {
		if got := post(body, "application/json", wildix.Sign([]byte("wrong"), body)); got != http.StatusUnauthorized {
			t.Fatalf("bad signature = %d", got)
		}
	}
	post(body, "application/json", "")
	post(bytes.Repeat([]byte(marker), 200), "application/json", "")
	post(body, "text/plain", "")

	out := logs.String()
	if strings.Contains(out, marker) {
		t.Errorf("a body reached the log:\n%s", out)
	}
	for reason, status := range map[string]string{"bad_signature": "401", "no_signature": "401", "too_large": "413", "not_json": "415"} {
		want := "level=INFO msg=\"Webhook refused\" status=" + status + " reason=" + reason + " remote=127.0.0.1"
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%d lines %q; want 1 in:\n%s", n, want, out)
		}
	}
}

// TestWebhookCutShortChangesNothing: a webhook whose body ends before the
// length it declares (the sender went away mid-request) is refused and
// stores nothing, even when the part that arrived is a whole, signed event.
func TestWebhookCutShortChangesNothing(t *testing.T) {
	h := newHarness(t, t.TempDir())
	body := telephonyEvent(testCompany, "1001", "talking", ms(1))
	conn, err := net.Dial("tcp", h.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second)) // a hang guard
	fmt.Fprintf(conn, "POST /webhooks/wildix HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Signature: %s\r\nContent-Length: %d\r\n\r\n%s",
		h.http.Listener.Addr(), wildix.Sign([]byte(testSecret), body), len(body)+10, body)
	conn.(*net.TCPConn).CloseWrite()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a body cut short = %d %s; want 400", res.StatusCode, b)
	}
	if seq, err := h.log.LastSeq(t.Context()); err != nil || seq != 0 {
		t.Errorf("the log holds %d entries (%v); want none", seq, err)
	}
}
