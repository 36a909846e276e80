package eventlog_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

// waitTimeout bounds every wait in these tests. It is generous: it only
// matters when a test is failing, and then it turns a hang into a failure.
const waitTimeout = 30 * time.Second

// attemptTimeout bounds one attempt of an eventually check.
const attemptTimeout = 2 * time.Second

// errEnough stops a Consume call once a test has what it wants.
var errEnough = errors.New("enough entries")

// openEmbedded opens an embedded log in dir and closes it when the test ends.
func openEmbedded(tb testing.TB, dir string) *eventlog.Log {
	tb.Helper()
	return mustOpen(tb, eventlog.Options{Dir: dir})
}

func mustOpen(tb testing.TB, opts eventlog.Options) *eventlog.Log {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), waitTimeout)
	defer cancel()
	l, err := eventlog.Open(ctx, opts)
	if err != nil {
		tb.Fatalf("Open(%+v): %v", opts, err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// message builds a Message whose ID is the hex SHA-256 of its body, as the
// ingress computes it.
func message(body string) eventlog.Message {
	sum := sha256.Sum256([]byte(body))
	return eventlog.Message{ID: hex.EncodeToString(sum[:]), Body: []byte(body)}
}

// numbered returns n distinct messages.
func numbered(prefix string, n int) []eventlog.Message {
	ms := make([]eventlog.Message, n)
	for i := range ms {
		ms[i] = message(fmt.Sprintf(`{"type":"presence:user","n":"%s-%d"}`, prefix, i))
	}
	return ms
}

// fixtures returns the webhook bodies in testdata as messages, in name order.
func fixtures(t *testing.T) []eventlog.Message {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures in testdata: %v", err)
	}
	slices.Sort(names)
	ms := make([]eventlog.Message, len(names))
	for i, name := range names {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		ms[i] = message(string(body))
		ms[i].Header = map[string]string{"Fixture": filepath.Base(name)}
	}
	return ms
}

// mustAppend appends ms and fails the test unless they are stored as new
// entries with consecutive seqs starting at firstSeq.
func mustAppend(tb testing.TB, l *eventlog.Log, firstSeq uint64, ms ...eventlog.Message) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), waitTimeout)
	defer cancel()
	for i, m := range ms {
		seq, dup, err := l.Append(ctx, m)
		if err != nil {
			tb.Fatalf("Append(%s): %v", m.ID, err)
		}
		if want := firstSeq + uint64(i); seq != want || dup {
			tb.Fatalf("Append(%s) = seq %d, duplicate %v; want seq %d, new", m.ID, seq, dup, want)
		}
	}
}

// consumeN consumes after `after` until n entries arrived and returns them.
func consumeN(tb testing.TB, l *eventlog.Log, after uint64, n int) []eventlog.Entry {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), waitTimeout)
	defer cancel()
	var got []eventlog.Entry
	err := l.Consume(ctx, after, func(e eventlog.Entry) error {
		got = append(got, e)
		if len(got) == n {
			return errEnough
		}
		return nil
	})
	if !errors.Is(err, errEnough) {
		tb.Fatalf("Consume(after %d) stopped after %d of %d entries: %v", after, len(got), n, err)
	}
	return got
}

// checkEntries fails the test unless got holds exactly want, in order, with
// consecutive seqs starting at firstSeq.
func checkEntries(tb testing.TB, got []eventlog.Entry, firstSeq uint64, want []eventlog.Message) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i, e := range got {
		w := want[i]
		if e.Seq != firstSeq+uint64(i) || e.ID != w.ID || string(e.Body) != string(w.Body) {
			tb.Errorf("entry %d = seq %d id %s body %q; want seq %d id %s body %q",
				i, e.Seq, e.ID, e.Body, firstSeq+uint64(i), w.ID, w.Body)
		}
	}
}

// eventually calls check until it returns nil, failing the test when
// waitTimeout passes first. Each call gets a context with a short deadline,
// as a readiness probe or an HTTP handler would.
func eventually(tb testing.TB, what string, check func(ctx context.Context) error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), waitTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, attemptTimeout)
		err := check(attempt)
		cancelAttempt()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("%s: still failing after %v: %v", what, waitTimeout, err)
		case <-tick.C:
		}
	}
}

func mustLastSeq(tb testing.TB, l *eventlog.Log, want uint64) {
	tb.Helper()
	got, err := l.LastSeq(tb.Context())
	if err != nil || got != want {
		tb.Fatalf("LastSeq() = %d, %v; want %d", got, err, want)
	}
}
