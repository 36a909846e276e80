//go:build linux

package eventlog_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/wallboard/wallboard/eventlog"
)

// mountTmpfs mounts a tmpfs of size on a fresh directory, unmounted when
// the test ends. It skips the test where mounting is not allowed.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk writes a file in dir until the file system is full, and returns
// a function that deletes it.
func fillDisk(t *testing.T, dir string) (free func()) {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for i := 0; ; i++ {
		if i > 1024 {
			t.Fatal("the file system did not fill up")
		}
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, unix.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			break
		}
	}
	f.Close()
	return func() {
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiskFullRecovers: while the disk is full, appends fail promptly with
// ErrStorage and Ready says why; once space is freed, appends succeed again
// without reopening the log, and every acknowledged entry is still there,
// in order.
func TestDiskFullRecovers(t *testing.T) {
	for _, syncAlways := range []bool{true, false} {
		name := "sync always"
		if !syncAlways {
			name = "sync interval"
		}
		t.Run(name, func(t *testing.T) {
			dir := mountTmpfs(t, "32m")
			l := mustOpen(t, eventlog.Options{Dir: dir, SyncAlways: syncAlways})
			ctx := t.Context()
			msgs := numbered("full", 200)
			var acked []string
			appendOne := func(m eventlog.Message) error {
				actx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				_, _, err := l.Append(actx, m)
				if err == nil {
					acked = append(acked, m.ID)
				}
				return err
			}
			for _, m := range msgs[:10] {
				if err := appendOne(m); err != nil {
					t.Fatal(err)
				}
			}

			free := fillDisk(t, dir)
			// Appends may still fit in what the last block already holds;
			// one fails soon, and says the storage is the cause.
			next := 10
			var err error
			start := time.Now()
			for ; next < len(msgs) && err == nil; next++ {
				err = appendOne(msgs[next])
			}
			if !errors.Is(err, eventlog.ErrStorage) {
				t.Fatalf("append on a full disk = %v, want ErrStorage", err)
			}
			t.Logf("after %d appends on the full disk: %v", next-10, err)
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("the first failing append took %v", d)
			}
			start = time.Now()
			if err := appendOne(msgs[next]); !errors.Is(err, eventlog.ErrStorage) {
				t.Fatalf("second append on a full disk = %v, want ErrStorage", err)
			}
			if d := time.Since(start); d > 50*time.Millisecond {
				t.Fatalf("an append during the fault took %v, want an immediate error", d)
			}
			if err := l.Ready(ctx); !errors.Is(err, eventlog.ErrStorage) {
				t.Fatalf("Ready on a full disk = %v, want ErrStorage", err)
			}

			free()
			deadline := time.Now().Add(30 * time.Second)
			poll := time.NewTicker(50 * time.Millisecond)
			defer poll.Stop()
			for l.Ready(ctx) != nil {
				if time.Now().After(deadline) {
					t.Fatalf("not ready 30 s after space was freed: %v", l.Ready(ctx))
				}
				<-poll.C
			}
			for _, m := range msgs[next+1 : next+11] {
				if err := appendOne(m); err != nil {
					t.Fatalf("append after recovery: %v", err)
				}
			}

			// Every acknowledged entry is there, in order; entries whose
			// append failed may be there too (their retries deduplicate).
			last, err := l.LastSeq(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			cctx, cancel := context.WithTimeout(ctx, waitTimeout)
			defer cancel()
			err = l.Consume(cctx, 0, func(e eventlog.Entry) error {
				if slices.Contains(acked, e.ID) {
					got = append(got, e.ID)
				}
				if e.Seq == last {
					return errEnough
				}
				return nil
			})
			if !errors.Is(err, errEnough) {
				t.Fatalf("consume: %v", err)
			}
			if !slices.Equal(got, acked) {
				t.Fatalf("log holds %d of the %d acknowledged entries, or out of order", len(got), len(acked))
			}
		})
	}
}
