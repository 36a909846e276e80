package eventlog_test

import (
	"bytes"
	"math/rand/v2"
	"testing"
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
