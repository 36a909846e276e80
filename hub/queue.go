package hub

// idleSlots is how many slots an emptied queue keeps for the next message;
// a queue that grew past it in a burst gives its slots back once emptied, so
// an idle client holds at most idleSlots slots.
const idleSlots = 8

// queue is a FIFO of outgoing messages. Unlike a buffered channel, whose
// buffer is allocated whole at creation and held for good, it holds only as
// many slots as its longest recent run of messages. Its zero value is an
// empty queue. It is not safe for concurrent use.
type queue struct {
	buf  []outgoing // buf[head:] are the queued messages, oldest first
	head int        // slots before head have been popped and cleared
}

// len returns the number of queued messages.
func (q *queue) len() int { return len(q.buf) - q.head }

// push adds m at the back of the queue.
func (q *queue) push(m outgoing) {
	if len(q.buf) == cap(q.buf) && q.head > 0 {
		// Reuse the popped slots at the front rather than grow.
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:]) // the moved messages' old slots
		q.buf = q.buf[:n]
		q.head = 0
	}
	q.buf = append(q.buf, m)
}

// pop removes and returns the message at the front of the queue, or reports
// false if the queue is empty.
func (q *queue) pop() (outgoing, bool) {
	if q.len() == 0 {
		return outgoing{}, false
	}
	m := q.buf[q.head]
	q.buf[q.head] = outgoing{} // the queue no longer keeps the message alive
	q.head++
	if q.len() == 0 {
		q.head = 0
		if cap(q.buf) > idleSlots {
			q.buf = nil
		} else {
			q.buf = q.buf[:0]
		}
	}
	return m, true
}
