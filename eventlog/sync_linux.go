package eventlog

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// canSyncDir reports whether syncDir is available: the log then flushes
// each group of appends itself (see append.go).
const canSyncDir = true

// syncDir flushes every written file of the file system holding dir to
// disk, with one syncfs(2): the block files the embedded server wrote, and
// the directory entries of new ones.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
