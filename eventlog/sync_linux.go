package eventlog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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

// tail flushes what a write adds to the log: the stream's newest message
// block, the block before it and the directory when the server started a
// new one, and, at most once a second, the mark. That is everything a
// single-replica file stream writes for an append (its index files are
// rebuilt from the blocks), and flushing those files alone, unlike syncfs,
// does not wait for what other programs have written to the same file
// system. When a file it expects is missing it falls back to syncfs.
type tail struct {
	dir   string   // the stream's message blocks
	index uint64   // the newest block's index, 0 before the first flush
	blk   *os.File // the newest block, nil before the first flush
	mark  *os.File // nil: none
	// markSynced is when the mark was last flushed; see markSyncEvery.
	markSynced time.Time
}

// markSyncEvery is how often the mark is flushed with the blocks. The
// writer writes the mark (to the operating system) once each write's
// entries are on disk, so the mark never names entries the blocks may not
// hold; it is flushed at most once a second, alongside a write's blocks
// (what it holds then is already on disk), and on Close. Flushing it with
// every write cost about as much CPU as the block's own flush and delayed
// every answer; all that bought was that, after a power cut, a disk that
// lost entries it had reported flushed would be caught for the last second
// too.
const markSyncEvery = time.Second

func newTail(dir, stream string, mark *mark) *tail {
	t := &tail{dir: filepath.Join(dir, "jetstream", "$G", "streams", stream, "msgs")}
	if mark != nil {
		t.mark = mark.f
	}
	return t
}

// sync flushes the files; where they are not as expected, the file system.
func (t *tail) sync(dir string) error {
	if err := t.syncFiles(); err != nil {
		t.close()
		return syncDir(dir)
	}
	return nil
}

func (t *tail) syncFiles() error {
	var markErr chan error
	if t.mark != nil && time.Since(t.markSynced) >= markSyncEvery {
		markErr = make(chan error, 1)
		go func() { markErr <- unix.Fdatasync(int(t.mark.Fd())) }()
	}
	err := t.syncBlocks()
	if markErr != nil {
		merr := <-markErr
		if merr == nil {
			t.markSynced = time.Now()
		}
		err = errors.Join(err, merr)
	}
	return err
}

func (t *tail) syncBlocks() error {
	newBlock := false
	if t.blk == nil || t.gone() {
		if err := t.openNewest(); err != nil {
			return err
		}
		newBlock = true
	}
	// A block the server started since the last flush: the one before it
	// holds the first appends of this write.
	for {
		next, err := os.Open(filepath.Join(t.dir, strconv.FormatUint(t.index+1, 10)+".blk"))
		if err != nil {
			break
		}
		err = unix.Fdatasync(int(t.blk.Fd()))
		t.blk.Close()
		t.blk, t.index, newBlock = next, t.index+1, true
		if err != nil {
			return err
		}
	}
	if err := unix.Fdatasync(int(t.blk.Fd())); err != nil {
		return err
	}
	if newBlock {
		d, err := os.Open(t.dir)
		if err != nil {
			return err
		}
		err = d.Sync()
		d.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// gone reports whether the open block was removed (expired).
func (t *tail) gone() bool {
	var st unix.Stat_t
	return unix.Fstat(int(t.blk.Fd()), &st) != nil || st.Nlink == 0
}

// openNewest opens the block with the highest index.
func (t *tail) openNewest() error {
	t.close()
	entries, err := os.ReadDir(t.dir)
	if err != nil {
		return err
	}
	var newest uint64
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".blk")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(name, 10, 64); err == nil && n > newest {
			newest = n
		}
	}
	if newest == 0 {
		return errors.New("no message block")
	}
	f, err := os.Open(filepath.Join(t.dir, strconv.FormatUint(newest, 10)+".blk"))
	if err != nil {
		return err
	}
	t.blk, t.index = f, newest
	return nil
}

func (t *tail) close() {
	if t.blk != nil {
		t.blk.Close()
		t.blk = nil
	}
}
