package eventlog_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/eventlog/natstest"
)

// rawJetStream connects a plain client to url, for inspecting or tampering
// with what the log stored.
func rawJetStream(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestExternalServer(t *testing.T) {
	srv := natstest.RunServer(t)
	l := mustOpen(t, eventlog.Options{URL: srv.URL(), Stream: "EXT", Subject: "ext.events"})
	ms := numbered("ext", 3)
	mustAppend(t, l, 1, ms...)
	checkEntries(t, consumeN(t, l, 0, 3), 1, ms)

	if s := l.Stats(); s.Embedded || !s.Connected {
		t.Errorf("Stats() = %+v, want external, connected", s)
	}

	// The configured names are used, and snapshots replace each other
	// rather than accumulating: the latest, plus one archived for replay
	// (one an hour).
	js := rawJetStream(t, srv.URL())
	info, err := js.Stream(t.Context(), "EXT")
	if err != nil || info.CachedInfo().State.Msgs != 3 {
		t.Fatalf("stream EXT = %+v, %v; want 3 messages", info, err)
	}
	for seq := range uint64(4) {
		if err := l.SaveSnapshot(t.Context(), seq, []byte("snapshot")); err != nil {
			t.Fatal(err)
		}
	}
	obs, err := js.ObjectStore(t.Context(), "EXT_SNAPSHOTS")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := obs.List(t.Context())
	if err != nil || len(objs) != 2 || objs[0].Name == objs[1].Name {
		t.Fatalf("snapshot bucket holds %d objects (%v), want the latest and one archive", len(objs), err)
	}
	st, err := obs.Status(t.Context())
	// Two small chunks plus their metadata records.
	if err != nil || st.Size() > 2048 {
		t.Errorf("snapshot bucket size = %d bytes (%v), want old snapshots purged", st.Size(), err)
	}
}

func TestConsumeReportsGap(t *testing.T) {
	srv := natstest.RunServer(t)
	l := mustOpen(t, eventlog.Options{URL: srv.URL()})
	ms := numbered("gap", 3)
	mustAppend(t, l, 1, ms...)
	s, err := rawJetStream(t, srv.URL()).Stream(t.Context(), eventlog.DefaultStream)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMsg(t.Context(), 2); err != nil {
		t.Fatal(err)
	}

	var seen []uint64
	err = l.Consume(t.Context(), 0, func(e eventlog.Entry) error {
		seen = append(seen, e.Seq)
		return nil
	})
	if !errors.Is(err, eventlog.ErrGap) || len(seen) != 1 {
		t.Errorf("Consume over a deleted entry = %v after seqs %v, want ErrGap after [1]", err, seen)
	}

	// Resuming after the hole is fine.
	checkEntries(t, consumeN(t, l, 2, 1), 3, ms[2:])
}

func TestReadyFollowsServerRestart(t *testing.T) {
	srv := natstest.RunServer(t)
	l := mustOpen(t, eventlog.Options{URL: srv.URL()})
	ms := numbered("restart", 3)
	mustAppend(t, l, 1, ms[0])
	if err := l.Ready(t.Context()); err != nil {
		t.Fatalf("Ready() with server up = %v", err)
	}

	srv.Stop()
	eventually(t, "Ready() fails with server down", func(ctx context.Context) error {
		if l.Ready(ctx) == nil {
			return errors.New("still ready")
		}
		return nil
	})
	if l.Stats().Connected {
		t.Error("Stats().Connected with server down")
	}
	// An append that cannot be acknowledged fails (the ingress answers 503).
	// It may still be stored later, from the client's reconnect buffer.
	short, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	_, _, err := l.Append(short, ms[1])
	cancel()
	if err == nil {
		t.Fatal("Append with server down succeeded")
	}

	srv.Restart()
	eventually(t, "Ready() after restart", l.Ready)
	s := l.Stats()
	if !s.Connected || s.Disconnects < 1 || s.Reconnects < 1 {
		t.Errorf("Stats() after restart = %+v, want connected after a disconnect and a reconnect", s)
	}

	// The PBX's retry of the failed append is stored exactly once.
	if _, _, err := l.Append(t.Context(), ms[1]); err != nil {
		t.Fatalf("retried Append: %v", err)
	}
	mustAppend(t, l, 3, ms[2])
	checkEntries(t, consumeN(t, l, 0, 3), 1, ms)
}

// TestClusterFailover appends through one node and consumes through another
// while a node dies: the consumer sees every entry exactly once, in order.
func TestClusterFailover(t *testing.T) {
	c := natstest.RunCluster(t, 3)
	urls := c.URLs()
	writer := mustOpen(t, eventlog.Options{URL: urls[0], Replicas: 3})
	// The reader knows only node 1; it learns the others from the cluster.
	reader := mustOpen(t, eventlog.Options{URL: urls[1], Replicas: 3})

	ms := numbered("cluster", 20)
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	var (
		mu  sync.Mutex
		got []eventlog.Entry
	)
	consumed := make(chan error, 1)
	go func() {
		consumed <- reader.Consume(ctx, 0, func(e eventlog.Entry) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, e)
			if len(got) == len(ms) {
				return errEnough
			}
			return nil
		})
	}()

	mustAppend(t, writer, 1, ms[:10]...)
	eventually(t, "first half consumed", func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if len(got) < 10 {
			return errors.New("not yet")
		}
		return nil
	})

	c.Servers[1].Stop()
	for i, m := range ms[10:] {
		// While the stream elects a new leader, appends may fail; the
		// ingress's answer makes the PBX retry, and dedupe absorbs retries
		// of appends that were stored after all.
		eventually(t, "append during failover", func(ctx context.Context) error {
			seq, _, err := writer.Append(ctx, m)
			if err == nil && seq != uint64(11+i) {
				t.Fatalf("Append(%d) stored at seq %d", 11+i, seq)
			}
			return err
		})
	}

	if err := <-consumed; !errors.Is(err, errEnough) {
		t.Fatalf("Consume through the failover: %v", err)
	}
	checkEntries(t, got, 1, ms)
	mustLastSeq(t, writer, uint64(len(ms)))
	if s := reader.Stats(); s.Disconnects < 1 || s.Reconnects < 1 {
		t.Errorf("reader Stats() = %+v, want it to have failed over to another node", s)
	}
}
