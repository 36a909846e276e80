package server_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix"
)

// fullDiskLog is a log whose storage cannot write, as eventlog reports it.
type fullDiskLog struct{ server.EventLog }

var errFull = fmt.Errorf("eventlog: append: %w", &eventlog.StorageError{Cause: "no space left on device", Since: clock})

func (fullDiskLog) Append(context.Context, eventlog.Message) (uint64, bool, error) {
	return 0, false, errFull
}

func (fullDiskLog) Ready(context.Context) error {
	return fmt.Errorf("eventlog: not ready: %w", errFull)
}

// TestFullDiskAnswers503WithTheReason: webhooks get a prompt 503 and
// /readyz names the storage as the cause.
func TestFullDiskAnswers503WithTheReason(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer elog.Close()
	srv, err := server.New(server.Config{Secrets: [][]byte{[]byte(testSecret)}}, fullDiskLog{elog}, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case <-srv.CaughtUp():
	case <-time.After(10 * time.Second):
		t.Fatal("server did not catch up")
	}

	body := telephonyEvent(testCompany, "1001", "talking", ms(0))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/wildix", bytes.NewReader(body))
	req.Header.Set("X-Signature", wildix.Sign([]byte(testSecret), body))
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("webhook status = %d, want 503", rec.Code)
	}

	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "disk is full") {
		t.Fatalf("/readyz = %d %s, want 503 naming the disk", rec.Code, rec.Body)
	}
}
