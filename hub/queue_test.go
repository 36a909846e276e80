package hub

import "testing"

// TestQueue_fifoThroughCompactionAndShrink pushes and pops in runs that make
// the queue reuse popped slots, grow, and give slots back once emptied.
func TestQueue_fifoThroughCompactionAndShrink(t *testing.T) {
	var q queue
	pushed, popped := 0, 0
	push := func(n int) {
		for range n {
			q.push(outgoing{size: pushed})
			pushed++
		}
	}
	pop := func(n int) {
		t.Helper()
		for range n {
			m, ok := q.pop()
			if !ok {
				t.Fatalf("pop %d: queue empty with %d pushed", popped, pushed)
			}
			if m.size != popped {
				t.Fatalf("pop %d: got message %d", popped, m.size)
			}
			popped++
		}
	}
	for _, run := range []struct{ push, pop int }{
		{3, 2}, {5, 4}, {1, 0}, {2, 3}, // under idleSlots: the slots are kept
		{3 * idleSlots, idleSlots}, {idleSlots, 3 * idleSlots}, // a burst
		{1, 3}, // empty again
	} {
		push(run.push)
		pop(run.pop)
		if got, want := q.len(), pushed-popped; got != want {
			t.Fatalf("after %d pushed and %d popped: len = %d, want %d", pushed, popped, got, want)
		}
		for i, m := range q.buf[:q.head] {
			if m.pm != nil || m.size != 0 {
				t.Fatalf("popped slot %d still holds %+v", i, m)
			}
		}
	}
	if _, ok := q.pop(); ok {
		t.Fatal("pop from an empty queue reported a message")
	}
	if c := cap(q.buf); c > idleSlots {
		t.Errorf("emptied queue keeps %d slots, want at most %d", c, idleSlots)
	}
}

// TestQueue_compactionClearsMovedSlots checks that moving messages to the
// front of the buffer leaves no copy behind to keep them alive.
func TestQueue_compactionClearsMovedSlots(t *testing.T) {
	var q queue
	for i := range 4 {
		q.push(outgoing{size: i + 1})
	}
	q.pop()
	q.pop()
	for q.len() < cap(q.buf)-q.head { // fill the buffer's tail
		q.push(outgoing{size: 9})
	}
	q.push(outgoing{size: 10}) // compacts before growing
	if q.head != 0 {
		t.Fatalf("head = %d after compaction, want 0", q.head)
	}
	for i, m := range q.buf[q.len():cap(q.buf)] {
		if m.size != 0 {
			t.Errorf("slot %d past the end holds %+v", q.len()+i, m)
		}
	}
}
