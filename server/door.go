package server

import (
	"sync"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
)

// doorEvents hands the events Accept decoded and translated to this node's
// pipeline, so that a body is decoded once: the pipeline decodes only
// entries stored elsewhere (other nodes, or before this process started)
// or whose hand-over missed.
//
// An entry is keyed by its log message ID, which is the SHA-256 of its body,
// and carries the receive time written with it: the pipeline takes it only
// for an entry with the same ID and the same receive time header, so that
// it applies exactly what decoding the stored entry would give — a retry
// racing the stored original (another receive time) is decoded again.
type doorEvents struct {
	mu      sync.Mutex
	entries map[string]doorEntry
}

type doorEntry struct {
	received string // the Wallboard-Received header stored with the body
	typ      string
	events   []board.Event
}

func newDoorEvents() *doorEvents {
	return &doorEvents{entries: make(map[string]doorEntry)}
}

// put offers the events of the message about to be appended with id.
func (d *doorEvents) put(id string, e doorEntry) {
	d.mu.Lock()
	d.entries[id] = e
	d.mu.Unlock()
}

// drop withdraws what put offered, once its append is answered and the
// pipeline has applied it or will decode it.
func (d *doorEvents) drop(id, received string) {
	d.mu.Lock()
	if e, ok := d.entries[id]; ok && e.received == received {
		delete(d.entries, id)
	}
	d.mu.Unlock()
}

// take returns the events offered for the log entry e, if any.
func (d *doorEvents) take(e eventlog.Entry) (doorEntry, bool) {
	if d == nil {
		return doorEntry{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	de, ok := d.entries[e.ID]
	if !ok || de.received != e.Header[headerReceived] {
		return doorEntry{}, false
	}
	delete(d.entries, e.ID)
	return de, true
}
