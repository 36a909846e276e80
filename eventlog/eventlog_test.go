package eventlog_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

func TestAppendThenConsumeInOrder(t *testing.T) {
	before := time.Now().Add(-time.Second)
	l := openEmbedded(t, t.TempDir())
	want := fixtures(t)
	mustAppend(t, l, 1, want...)

	got := consumeN(t, l, 0, len(want))
	checkEntries(t, got, 1, want)
	for i, e := range got {
		if e.Header["Fixture"] != want[i].Header["Fixture"] || len(e.Header) != 1 {
			t.Errorf("entry %d header = %v, want %v", e.Seq, e.Header, want[i].Header)
		}
		if e.Time.Before(before) || e.Time.After(time.Now().Add(time.Second)) {
			t.Errorf("entry %d time = %v, want about now", e.Seq, e.Time)
		}
	}
	mustLastSeq(t, l, uint64(len(want)))
}

func TestAppendDuplicateIsNotStoredTwice(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("dup", 3)
	mustAppend(t, l, 1, ms[0], ms[1])

	seq, dup, err := l.Append(t.Context(), ms[0])
	if err != nil || seq != 1 || !dup {
		t.Fatalf("re-Append(first) = seq %d, duplicate %v, %v; want seq 1, duplicate", seq, dup, err)
	}
	mustAppend(t, l, 3, ms[2])

	checkEntries(t, consumeN(t, l, 0, 3), 1, ms)
	mustLastSeq(t, l, 3)
}

func TestConsumeResumesAfterSeq(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("resume", 6)
	mustAppend(t, l, 1, ms[:5]...)

	got := consumeN(t, l, 3, 2)
	checkEntries(t, got, 4, ms[3:5])

	// A consumer that has seen everything waits for, and gets, the next one.
	mustAppend(t, l, 6, ms[5])
	checkEntries(t, consumeN(t, l, 5, 1), 6, ms[5:])
}

func TestConsumeFollowsLiveAppends(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("live", 5)

	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	entries := make(chan eventlog.Entry)
	done := make(chan error, 1)
	go func() {
		done <- l.Consume(ctx, 0, func(e eventlog.Entry) error {
			select {
			case entries <- e:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()

	var got []eventlog.Entry
	for i, m := range ms {
		mustAppend(t, l, uint64(i+1), m)
		select {
		case e := <-entries:
			got = append(got, e)
		case err := <-done:
			t.Fatalf("Consume returned early: %v", err)
		case <-ctx.Done():
			t.Fatalf("entry %d not delivered: %v", i+1, ctx.Err())
		}
	}
	checkEntries(t, got, 1, ms)

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Consume after cancel = %v, want context.Canceled", err)
	}
}

func TestConsumeReturnsCallbackError(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	mustAppend(t, l, 1, numbered("fail", 3)...)
	errApply := errors.New("apply failed")

	var seen []uint64
	err := l.Consume(t.Context(), 0, func(e eventlog.Entry) error {
		seen = append(seen, e.Seq)
		if e.Seq == 2 {
			return errApply
		}
		return nil
	})
	if !errors.Is(err, errApply) {
		t.Fatalf("Consume = %v, want it to wrap %v", err, errApply)
	}
	if len(seen) != 2 {
		t.Errorf("fn saw seqs %v, want [1 2]", seen)
	}
}

func TestReopenKeepsEntriesAndDedupe(t *testing.T) {
	for name, opts := range map[string]eventlog.Options{
		"default sync": {},
		"sync always":  {SyncAlways: true},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Dir = t.TempDir()
			ms := numbered("reopen", 4)

			first, err := eventlog.Open(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			mustAppend(t, first, 1, ms[:3]...)
			if err := first.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}

			l := mustOpen(t, opts)
			mustLastSeq(t, l, 3)
			seq, dup, err := l.Append(t.Context(), ms[1])
			if err != nil || seq != 2 || !dup {
				t.Fatalf("re-Append after reopen = seq %d, duplicate %v, %v; want seq 2, duplicate", seq, dup, err)
			}
			mustAppend(t, l, 4, ms[3])
			checkEntries(t, consumeN(t, l, 0, 4), 1, ms)
		})
	}
}

func TestAppendRejectsInvalidMessages(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	for name, m := range map[string]eventlog.Message{
		"no ID":           {Body: []byte("{}")},
		"reserved header": {ID: "x", Body: []byte("{}"), Header: map[string]string{"Nats-Expected-Stream": "OTHER"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := l.Append(t.Context(), m); err == nil {
				t.Error("Append succeeded, want an error")
			}
		})
	}
	mustLastSeq(t, l, 0)
}

func TestOpenRejectsInvalidOptions(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		opts    eventlog.Options
		mention string
	}{
		{"embedded without Dir", eventlog.Options{}, "Dir"},
		{"embedded with replicas", eventlog.Options{Dir: dir, Replicas: 3}, "Replicas"},
		{"window beyond age", eventlog.Options{Dir: dir, DuplicateWindow: time.Hour, MaxAge: time.Minute}, "DuplicateWindow"},
		{"cert without key", eventlog.Options{URL: "nats://127.0.0.1:1", TLSCert: "c.pem"}, "TLSKey"},
		{"negative age", eventlog.Options{Dir: dir, MaxAge: -time.Hour}, "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := eventlog.Open(t.Context(), tc.opts)
			if err == nil {
				l.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("Open error %q does not mention %s", err, tc.mention)
			}
		})
	}
}

func TestEmbeddedStatsAndClose(t *testing.T) {
	var logged bytes.Buffer
	l := mustOpen(t, eventlog.Options{
		Dir:    t.TempDir(),
		Logger: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err := l.Ready(t.Context()); err != nil {
		t.Errorf("Ready() = %v, want nil", err)
	}
	if s := l.Stats(); !s.Embedded || !s.Connected || s.Disconnects != 0 {
		t.Errorf("Stats() = %+v, want embedded, connected, no disconnects", s)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if s := l.Stats(); s.Connected || s.Disconnects != 0 {
		t.Errorf("Stats() after Close = %+v, want not connected, no disconnects", s)
	}
	// Close has returned, so the connection's callbacks have all run.
	if logged.Len() != 0 {
		t.Errorf("an orderly open and close logged warnings:\n%s", logged.String())
	}
	if err := l.Ready(t.Context()); err == nil {
		t.Error("Ready() after Close = nil, want an error")
	}
}

func TestCloseEndsConsume(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("close", 1)
	mustAppend(t, l, 1, ms...)

	delivered := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- l.Consume(t.Context(), 0, func(eventlog.Entry) error {
			close(delivered)
			return nil
		})
	}()
	select { // Consume is now following the log.
	case <-delivered:
	case err := <-done:
		t.Fatalf("Consume returned before delivering: %v", err)
	}

	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("Consume after Close = %v, want an error other than cancellation", err)
	}
}

func TestConsumeRejectsPositionBeyondEnd(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	mustAppend(t, l, 1, numbered("beyond", 3)...)

	err := l.Consume(t.Context(), 4, func(e eventlog.Entry) error {
		t.Errorf("fn called with seq %d", e.Seq)
		return nil
	})
	if !errors.Is(err, eventlog.ErrBeyondEnd) {
		t.Errorf("Consume(after 4) on a 3-entry log = %v, want ErrBeyondEnd", err)
	}
}
