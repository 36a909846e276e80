package eventlog

import (
	"sync"
)

// feedLen is how many of the latest appends the feed holds, and
// feedMaxBody the largest body it holds (a webhook is about 1 KB), so that
// it never keeps more than 64 MiB. A consumer further behind than the feed
// holds, or due an entry with a larger body, reads from the server.
const (
	feedLen     = 4096
	feedMaxBody = 16 << 10
)

// feed hands the entries this process appends to its consumers straight
// from the writer, once they are durable, instead of through a JetStream
// consumer: the server stores them, but does not also deliver each one back
// over the connection, parse it again and wait for its acknowledgement.
// Only an embedded log has one: its server accepts no other connection, so
// the entries after Open are appended by this process, through the writer.
// An entry the feed does not hold (older than it, too large, stored by a
// write whose answer was lost, found after a storage recovery, or published
// past the writer through [Log.JetStream] in a test) is read from the
// server, so the feed only ever saves work. Consumers share the entries it
// holds: fn must not modify an Entry's Body or Header.
type feed struct {
	mu      sync.Mutex
	entries [feedLen]Entry // by Seq % feedLen
	known   uint64         // the highest seq known to be stored
	moved   chan struct{}  // closed and replaced when known moves
}

func newFeed() *feed { return &feed{moved: make(chan struct{})} }

// add holds e, which is durable, and wakes the consumers.
func (f *feed) add(e Entry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries[e.Seq%feedLen] = e
	f.know(e.Seq)
}

// stored records that the log holds seq (a duplicate's earlier entry) and
// wakes the consumers if that is news.
func (f *feed) stored(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.know(seq)
}

// know is stored with f.mu held.
func (f *feed) know(seq uint64) {
	if seq <= f.known {
		return
	}
	f.known = seq
	close(f.moved)
	f.moved = make(chan struct{})
}

// get returns the entry at seq when the feed holds it. Otherwise it reports
// whether the entry is known to be stored (read it from the server) or not
// yet (wait on moved).
func (f *feed) get(seq uint64) (e Entry, ok, stored bool, moved <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.entries[seq%feedLen]; e.Seq == seq && seq > 0 {
		return e, true, true, nil
	}
	return Entry{}, false, seq <= f.known, f.moved
}

// holds reports whether the feed holds the entry at seq with room to
// spare: a consumer reading from the server goes on until then, rather
// than switch to the feed at an entry about to be overwritten and back.
func (f *feed) holds(seq uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.entries[seq%feedLen]
	return e.Seq == seq && seq > 0 && f.known-seq < feedLen/2
}
