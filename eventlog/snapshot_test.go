package eventlog_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wallboard/wallboard/eventlog"
)

func TestSnapshots(t *testing.T) {
	dir := t.TempDir()
	l := openEmbedded(t, dir)
	ctx := t.Context()

	load := func(wantSeq uint64, want []byte) {
		t.Helper()
		seq, data, err := l.LoadSnapshot(ctx)
		if err != nil || seq != wantSeq || !bytes.Equal(data, want) {
			t.Fatalf("LoadSnapshot() = seq %d, %d bytes, %v; want seq %d, %d bytes", seq, len(data), err, wantSeq, len(want))
		}
	}
	save := func(seq uint64, data []byte) {
		t.Helper()
		if err := l.SaveSnapshot(ctx, seq, data); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", seq, err)
		}
	}

	load(0, nil) // none saved yet

	small := []byte(`{"seq":10,"users":[]}`)
	save(10, small)
	load(10, small)

	// Larger than the server's 1 MB message limit.
	large := make([]byte, 3<<20)
	rand.NewChaCha8([32]byte{1}).Read(large)
	save(20, large)
	load(20, large)

	// A node that is behind cannot replace a newer snapshot.
	save(15, []byte("stale"))
	load(20, large)

	latest := []byte(`{"seq":30}`)
	save(30, latest)
	load(30, latest)

	// Snapshots are durable.
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openEmbedded(t, dir)
	load(30, latest)
}

// TestDamagedSnapshotIsAnError: a snapshot missing a chunk, or a snapshot
// bucket deleted from under the log, make LoadSnapshot fail (the caller
// then replays the log) rather than return partial data or hang; the next
// SaveSnapshot stores a whole snapshot again.
func TestDamagedSnapshotIsAnError(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, js jetstream.JetStream)
	}{
		{"chunk missing", func(t *testing.T, js jetstream.JetStream) {
			s, err := js.Stream(t.Context(), "OBJ_"+eventlog.DefaultStream+"_SNAPSHOTS")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteMsg(t.Context(), s.CachedInfo().State.FirstSeq+1); err != nil {
				t.Fatal(err)
			}
		}},
		{"bucket deleted", func(t *testing.T, js jetstream.JetStream) {
			if err := js.DeleteObjectStore(t.Context(), eventlog.DefaultStream+"_SNAPSHOTS"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := openEmbedded(t, t.TempDir())
			big := bytes.Repeat([]byte("0123456789abcdef"), 40_000) // several chunks
			if err := l.SaveSnapshot(t.Context(), 7, big); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, l.JetStream())

			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			seq, data, err := l.LoadSnapshot(ctx)
			if err == nil || data != nil {
				t.Fatalf("LoadSnapshot = %d, %d bytes, %v; want an error", seq, len(data), err)
			}
			if ctx.Err() != nil {
				t.Fatalf("LoadSnapshot waited for its deadline: %v", err)
			}

			if err := l.SaveSnapshot(t.Context(), 8, big); err != nil {
				t.Fatalf("SaveSnapshot after damage: %v", err)
			}
			seq, data, err = l.LoadSnapshot(t.Context())
			if err != nil || seq != 8 || !bytes.Equal(data, big) {
				t.Fatalf("LoadSnapshot after a new save = %d, %d bytes, %v; want 8 and the new snapshot", seq, len(data), err)
			}
		})
	}
}
