package eventlog_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wallboard/wallboard/eventlog"
)

// follow consumes l from after in the background and returns the entries
// it delivers; Consume must end only when the test does.
func follow(t *testing.T, l *eventlog.Log, after uint64) <-chan eventlog.Entry {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	entries := make(chan eventlog.Entry, 64)
	done := make(chan error, 1)
	go func() {
		done <- l.Consume(ctx, after, func(e eventlog.Entry) error {
			select {
			case entries <- e:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Consume = %v, want it to end only when canceled", err)
		}
	})
	return entries
}

// next waits for the next entry, for at most within.
func next(t *testing.T, entries <-chan eventlog.Entry, within time.Duration) eventlog.Entry {
	t.Helper()
	select {
	case e := <-entries:
		return e
	case <-time.After(within):
		t.Fatalf("no entry within %v", within)
		return eventlog.Entry{}
	}
}

// TestConsumeTakesOwnAppendsFromTheWriter: on an embedded log, what this
// process appends reaches Consume from the writer, with its header, and no
// JetStream consumer is created for it.
func TestConsumeTakesOwnAppendsFromTheWriter(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("own", 6)
	ms[2].Header = map[string]string{"Wallboard-Received": "2026-12-03T12:00:00Z"}
	mustAppend(t, l, 1, ms[:3]...)
	entries := follow(t, l, 0)
	mustAppend(t, l, 4, ms[3:]...)
	var got []eventlog.Entry
	for range ms {
		got = append(got, next(t, entries, waitTimeout))
	}
	checkEntries(t, got, 1, ms)
	if h := got[2].Header["Wallboard-Received"]; h != "2026-12-03T12:00:00Z" {
		t.Errorf("header = %q, want the appended one", h)
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	stream, err := l.JetStream().Stream(ctx, eventlog.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Consumers != 0 {
		t.Errorf("%d JetStream consumers, want 0: the entries should come from the writer", info.State.Consumers)
	}
}

// TestConsumeReadsWhatTheWriterDidNotSee: an entry in the stream that did
// not go through Append (as one whose answer was lost, or one a storage
// recovery found) is still delivered, in order: at once when a later append
// shows it is there, and within a few seconds when none comes.
func TestConsumeReadsWhatTheWriterDidNotSee(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("unseen", 4)
	mustAppend(t, l, 1, ms[0])
	entries := follow(t, l, 0)
	if e := next(t, entries, waitTimeout); e.Seq != 1 {
		t.Fatalf("first entry seq %d, want 1", e.Seq)
	}
	publishBehind := func(m eventlog.Message) {
		t.Helper()
		msg := nats.NewMsg(eventlog.DefaultSubject)
		msg.Data = m.Body
		msg.Header.Set(nats.MsgIdHdr, m.ID)
		if _, err := l.JetStream().PublishMsg(t.Context(), msg); err != nil {
			t.Fatal(err)
		}
	}
	publishBehind(ms[1])
	mustAppend(t, l, 3, ms[2])
	for _, want := range []uint64{2, 3} {
		if e := next(t, entries, waitTimeout); e.Seq != want || e.ID != ms[want-1].ID {
			t.Fatalf("entry seq %d id %s, want seq %d id %s", e.Seq, e.ID, want, ms[want-1].ID)
		}
	}
	publishBehind(ms[3])
	if e := next(t, entries, 5*time.Second); e.Seq != 4 || e.ID != ms[3].ID {
		t.Fatalf("entry seq %d id %s, want seq 4 id %s", e.Seq, e.ID, ms[3].ID)
	}
}

// TestConsumeAfterReopenReadsTheServerAtOnce: what the log held before Open
// is read from the server straight away, not after the feed's periodic
// check, and what is appended next follows from the writer.
func TestConsumeAfterReopenReadsTheServerAtOnce(t *testing.T) {
	dir := t.TempDir()
	ms := numbered("reopen", 5)
	first := openEmbedded(t, dir)
	mustAppend(t, first, 1, ms[:3]...)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	l := openEmbedded(t, dir)
	l.SetFeedCheck(time.Hour)
	entries := follow(t, l, 0)
	var got []eventlog.Entry
	for range 3 {
		got = append(got, next(t, entries, 10*time.Second))
	}
	mustAppend(t, l, 4, ms[3:]...)
	for range 2 {
		got = append(got, next(t, entries, 10*time.Second))
	}
	checkEntries(t, got, 1, ms)
}

// TestConsumeFromTheWriterWithFsync: with an fsync before every answer (the
// default of the command), the writer hands over what it flushed, and a
// body too large for the feed is read from the server, in its place.
func TestConsumeFromTheWriterWithFsync(t *testing.T) {
	l := mustOpen(t, eventlog.Options{Dir: t.TempDir(), SyncAlways: true})
	l.SetFeedCheck(time.Hour)
	ms := numbered("fsync", 4)
	large := `{"type":"presence:user","pad":"` + string(bytes.Repeat([]byte("x"), 32<<10)) + `"}`
	ms[2] = message(large)
	entries := follow(t, l, 0)
	mustAppend(t, l, 1, ms...)
	var got []eventlog.Entry
	for range ms {
		got = append(got, next(t, entries, 10*time.Second))
	}
	checkEntries(t, got, 1, ms)
	if s := l.Stats(); s.Syncs == 0 {
		t.Errorf("Stats().Syncs = 0: the writes were not flushed by the log")
	}
}
