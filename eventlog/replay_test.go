package eventlog_test

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

func TestReadReadsARangeAndStops(t *testing.T) {
	l := openEmbedded(t, t.TempDir())
	ms := numbered("read", 10)
	mustAppend(t, l, 1, ms...)
	ctx := t.Context()

	var got []eventlog.Entry
	if err := l.Read(ctx, 3, func(e eventlog.Entry) bool {
		got = append(got, e)
		return true
	}); err != nil {
		t.Fatalf("Read: %v", err)
	}
	checkEntries(t, got, 4, ms[3:]) // Read returns at the end instead of following

	got = nil
	if err := l.Read(ctx, 0, func(e eventlog.Entry) bool {
		if e.Seq > 2 {
			return false
		}
		got = append(got, e)
		return true
	}); err != nil {
		t.Fatalf("Read with a stop: %v", err)
	}
	checkEntries(t, got, 1, ms[:2])

	if err := l.Read(ctx, 10, func(eventlog.Entry) bool { t.Error("an entry after the end"); return true }); err != nil {
		t.Fatalf("Read at the end: %v", err)
	}
}

func TestSnapshotsAreArchivedForReplay(t *testing.T) {
	l := mustOpen(t, eventlog.Options{Dir: t.TempDir(), ArchiveEvery: time.Nanosecond})
	ctx := t.Context()
	mustAppend(t, l, 1, numbered("arch", 3)...)
	for seq := uint64(1); seq <= 3; seq++ {
		time.Sleep(time.Millisecond) // entries stored a little apart
		if err := l.SaveSnapshot(ctx, seq, []byte{byte(seq)}); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", seq, err)
		}
	}
	archives, err := l.Archives(ctx)
	if err != nil {
		t.Fatalf("Archives: %v", err)
	}
	if len(archives) != 3 {
		t.Fatalf("archives = %+v, want one per saved snapshot (seqs 1, 2, 3)", archives)
	}
	for i, a := range archives {
		if a.Seq != uint64(i+1) || a.Time.IsZero() {
			t.Errorf("archive %d = %+v, want seq %d with its entry's time", i, a, i+1)
		}
		data, err := l.LoadArchive(ctx, a.Seq)
		if err != nil || len(data) != 1 || data[0] != byte(a.Seq) {
			t.Errorf("LoadArchive(%d) = %v, %v; want the bytes saved at that seq", a.Seq, data, err)
		}
	}
	// The latest snapshot is not an archive, and stays what it was.
	if seq, data, err := l.LoadSnapshot(ctx); err != nil || seq != 3 || data[0] != 3 {
		t.Errorf("LoadSnapshot = %d, %v, %v; want the snapshot of seq 3", seq, data, err)
	}
}

func TestArchivesAreKeptOnePerInterval(t *testing.T) {
	l := mustOpen(t, eventlog.Options{Dir: t.TempDir()}) // the default: one an hour
	ctx := t.Context()
	mustAppend(t, l, 1, numbered("hourly", 3)...)
	for seq := uint64(1); seq <= 3; seq++ {
		if err := l.SaveSnapshot(ctx, seq, []byte("state")); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", seq, err)
		}
	}
	archives, err := l.Archives(ctx)
	if err != nil {
		t.Fatalf("Archives: %v", err)
	}
	if len(archives) != 1 || archives[0].Seq != 1 {
		t.Fatalf("archives = %+v, want only the first (the others are less than an hour later)", archives)
	}
}
