package server_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
)

// recordingHandler keeps the messages of the records it handles.
type recordingHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Level.String()+" "+r.Message)
	return nil
}

func (h *recordingHandler) saw(prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

// brokenSnapshotLog is a log whose snapshot cannot be loaded.
type brokenSnapshotLog struct {
	server.EventLog
	err error
}

func (l brokenSnapshotLog) LoadSnapshot(context.Context) (uint64, []byte, error) {
	return 0, nil, l.err
}

// versionField is the snapshot format's version, whatever it is today.
var versionField = regexp.MustCompile(`"Version":[0-9]+,`)

// TestUnusableSnapshotReplaysTheLog: whatever is wrong with the stored
// snapshot, the server starts, warns, and rebuilds the board from the log.
func TestUnusableSnapshotReplaysTheLog(t *testing.T) {
	tests := []struct {
		name string
		// spoil replaces the good snapshot (stored at seq) in l, or wraps l.
		spoil func(t *testing.T, l *eventlog.Log, seq uint64, good []byte) server.EventLog
	}{
		{"corrupted bytes", func(t *testing.T, l *eventlog.Log, seq uint64, good []byte) server.EventLog {
			save(t, l, seq, []byte("\x00\xff{not a snapshot"))
			return l
		}},
		{"truncated", func(t *testing.T, l *eventlog.Log, seq uint64, good []byte) server.EventLog {
			save(t, l, seq, good[:len(good)/2])
			return l
		}},
		{"another format version", func(t *testing.T, l *eventlog.Log, seq uint64, good []byte) server.EventLog {
			future := versionField.ReplaceAll(good, []byte(`"Version":99,`))
			if bytes.Equal(future, good) {
				t.Fatalf("snapshot has no version field: %.80s", good)
			}
			save(t, l, seq, future)
			return l
		}},
		{"missing store", func(t *testing.T, l *eventlog.Log, seq uint64, good []byte) server.EventLog {
			return brokenSnapshotLog{l, fmt.Errorf("eventlog: load snapshot: %w", jetstream.ErrBucketNotFound)}
		}},
		{"unreadable object", func(t *testing.T, l *eventlog.Log, seq uint64, good []byte) server.EventLog {
			return brokenSnapshotLog{l, fmt.Errorf("eventlog: load snapshot at seq %d: %w", seq, jetstream.ErrDigestMismatch)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			h := newHarness(t, dir)
			h.post(presenceEvent("1001", "dnd", "Lunch", ms(0)), testSecret)
			h.post(telephonyEvent(testCompany, "1002", "talking", ms(time.Second)), testSecret)
			before := h.state("")
			h.stop() // saves the final snapshot

			rec := &recordingHandler{}
			logger := slog.New(rec)
			l, err := eventlog.Open(t.Context(), eventlog.Options{Dir: dir, Logger: logger})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			seq, good, err := l.LoadSnapshot(t.Context())
			if err != nil || good == nil {
				t.Fatalf("LoadSnapshot = %d, %d bytes, %v; want the saved snapshot", seq, len(good), err)
			}
			srv, err := server.New(server.Config{Secrets: [][]byte{[]byte(testSecret)}}, tt.spoil(t, l, seq, good), logger)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- srv.Run(ctx) }()
			select {
			case <-srv.CaughtUp():
			case err := <-done:
				cancel()
				t.Fatalf("server did not start: %v", err)
			case <-time.After(10 * time.Second):
				cancel()
				t.Fatal("server did not catch up with the log")
			}
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("run: %v", err)
				}
			}()
			hs := httptest.NewServer(srv.Handler())
			defer hs.Close()
			after := (&harness{t: t, http: hs}).state("")
			if after.Seq != before.Seq || after.telephony("1002") != "talking" || len(after.Users) != len(before.Users) {
				t.Fatalf("after replay = %+v, want %+v", after, before)
			}
			if !rec.saw("WARN Snapshot unusable") {
				t.Fatalf("no warning about the snapshot; logged %q", rec.msgs)
			}
		})
	}
}

func save(t *testing.T, l *eventlog.Log, seq uint64, data []byte) {
	t.Helper()
	if err := l.SaveSnapshot(t.Context(), seq, data); err != nil {
		t.Fatal(err)
	}
}
