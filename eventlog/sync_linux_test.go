package eventlog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTailFollowsTheNewestBlock(t *testing.T) {
	dir := t.TempDir()
	msgs := filepath.Join(dir, "jetstream", "$G", "streams", "S", "msgs")
	if err := os.MkdirAll(msgs, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(msgs, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("3.blk")
	write("12.blk")
	write("index.db")
	tl := newTail(dir, "S", nil)
	defer tl.close()
	if err := tl.syncFiles(); err != nil || tl.index != 12 {
		t.Fatalf("first flush: index %d, %v; want 12", tl.index, err)
	}
	write("13.blk")
	write("14.blk")
	if err := tl.syncFiles(); err != nil || tl.index != 14 {
		t.Fatalf("after two new blocks: index %d, %v; want 14", tl.index, err)
	}
	// The newest block expired and the server went on in a later one.
	for _, n := range []string{"3.blk", "12.blk", "13.blk", "14.blk"} {
		os.Remove(filepath.Join(msgs, n))
	}
	write("20.blk")
	if err := tl.syncFiles(); err != nil || tl.index != 20 {
		t.Fatalf("after expiry: index %d, %v; want 20", tl.index, err)
	}
	os.Remove(filepath.Join(msgs, "20.blk"))
	if err := tl.syncFiles(); err == nil {
		t.Fatal("no block left: want an error (sync then falls back to syncfs)")
	}
	if err := tl.sync(dir); err != nil {
		t.Fatalf("fallback to syncfs: %v", err)
	}
}

func TestGroupSyncFlushesTheStreamsBlock(t *testing.T) {
	l, err := Open(t.Context(), Options{Dir: t.TempDir(), SyncAlways: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, id := range []string{"a", "b", "c"} {
		if _, _, err := l.Append(context.Background(), Message{ID: id, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if l.tail.blk == nil || !strings.HasSuffix(l.tail.blk.Name(), filepath.Join("streams", DefaultStream, "msgs", "1.blk")) {
		t.Fatalf("the writer does not flush the stream's block file (it fell back to syncfs)")
	}
}
