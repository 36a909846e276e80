package hub

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// closeNone, as a client's close code, closes the connection without a close
// frame: the connection is broken or silent, or gorilla has already sent one.
const closeNone = 0

// outgoing is a queued message.
type outgoing struct {
	pm   *websocket.PreparedMessage
	size int // payload bytes, counted against Options.QueueBytes

	first bool // one of the client's first messages (see priority)
	live  bool // counted in the hub's priority as a live message
}

// client is one WebSocket connection. Its writer goroutine (writePump) is the
// only one that writes to conn; its reader goroutine (readPump) only reads.
//
// Everything the writer has to do (a queued message, a pong or a ping due, a
// stop) is recorded under mu and announced by a token in wake, the one
// channel the writer waits on, so that an idle client holds as little as
// possible: no buffered channel sized for the longest queue, no ticker
// channel, one waiting receive.
type client struct {
	hub  *Hub
	conn *websocket.Conn

	// from is the seq of the first message the client was sent: it
	// already reflects every message published up to it. Guarded by its
	// topic's mu.
	from uint64

	// wake holds a token when the writer may have something to do. Whoever
	// records work leaves one; so does the writer when it takes a piece of
	// work and leaves more. The writer may wake to find nothing to do.
	wake chan struct{} // capacity 1

	mu        sync.Mutex
	queue     queue  // at most Options.QueueMessages messages
	queued    int    // payload bytes in queue and being written
	pongDue   bool   // the client pinged and awaits a pong
	pongData  string // the payload of the client's latest ping
	pingDue   bool   // a PingPeriod has passed since the last ping
	stopped   bool   // set once, by stop
	closeCode int    // the code stop was called with
	// caughtUp is set once the writer has taken every message queued
	// when the client subscribed (its first messages and the backlog):
	// from then on what it is sent is live (see priority).
	caughtUp bool

	readerDone chan struct{} // closed when readPump returns
	// unwatch stops watching the client's lifetime (see WithLifetime);
	// nil without one. Set before the pumps start.
	unwatch func() bool
}

func newClient(h *Hub, conn *websocket.Conn) *client {
	return &client{
		hub:        h,
		conn:       conn,
		wake:       make(chan struct{}, 1),
		readerDone: make(chan struct{}),
	}
}

// signal leaves a token in wake, unless one is there already.
func (c *client) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// stop tells the writer to close the connection with code (or closeNone),
// and reports whether this call was the one that stopped the client.
func (c *client) stop(code int) bool {
	c.mu.Lock()
	first := !c.stopped
	if first {
		c.stopped = true
		c.closeCode = code
	}
	c.mu.Unlock()
	if first {
		c.signal()
	}
	return first
}

// enqueue queues m without blocking. If the queue has no room for it, the
// client is evicted instead. first exempts the client's first message from
// the byte bound: the bound measures how far behind a client has fallen,
// and a client starts level. (Prime refuses a message larger than the
// bound.) Callers serialise calls to enqueue by holding the client's topic's
// mu. It reports whether m was queued as a live message, which the caller
// must count in the hub's priority (see priority.add).
func (c *client) enqueue(m outgoing, first bool) (live bool) {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return false
	}
	fits := c.queue.len() < c.hub.opts.QueueMessages &&
		(first || c.queued+m.size <= c.hub.opts.QueueBytes)
	if fits {
		m.first, m.live = first, c.caughtUp
		c.queue.push(m)
		c.queued += m.size
	}
	c.mu.Unlock()
	if !fits {
		c.evict()
		return false
	}
	c.signal()
	return m.live
}

func (c *client) evict() {
	if c.stop(closeEvicted) {
		c.hub.evictions.Add(1)
	}
}

// pong asks the writer to answer a ping from the client carrying data. A
// client that pings faster than the writer answers gets one pong, for its
// latest ping, as RFC 6455 allows.
func (c *client) pong(data string) {
	c.mu.Lock()
	c.pongDue, c.pongData = true, data
	c.mu.Unlock()
	c.signal()
}

// ping asks the writer to ping the client.
func (c *client) ping() {
	c.mu.Lock()
	c.pingDue = true
	c.mu.Unlock()
	c.signal()
}

// readPump reads the connection until it fails, keeping the read deadline
// PongWait ahead of the last pong, and discards what the client sends. It
// stops the client when it returns.
func (c *client) readPump() {
	defer close(c.readerDone)
	pongWait := c.hub.opts.PongWait
	c.conn.SetReadLimit(c.hub.opts.MaxMessageSize)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	c.conn.SetPingHandler(func(data string) error {
		c.pong(data)
		return nil
	})
	// Leave answering a close frame to the writer.
	c.conn.SetCloseHandler(func(int, string) error { return nil })

	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			if _, ok := errors.AsType[*websocket.CloseError](err); ok {
				c.stop(closeNormal) // the answer to the client's close frame
			} else {
				// A timeout, a broken connection, or a protocol error
				// or oversized message, which gorilla has already
				// answered with a close frame of its own.
				c.stop(closeNone)
			}
			return
		}
	}
}

// writePump writes queued messages, pongs and pings until the client is
// stopped, then closes the connection and removes the client from the hub.
func (c *client) writePump(t *topic) {
	defer c.hub.leave(c, t)
	// A timer rearmed after each ping rather than a ticker, whose channel
	// would be one more thing for the writer to wait on.
	pinger := time.AfterFunc(c.hub.opts.PingPeriod, c.ping)
	defer pinger.Stop()
	for c.writeNext(pinger) {
	}
	c.close(t)
}

// writeNext waits for work and performs the writer's next write: a pong, a
// ping, or the oldest queued message, in that order. It reports whether the
// writer should go on. A stopped client writes nothing more, even if messages
// are queued: they would only delay the close frame.
func (c *client) writeNext(pinger *time.Timer) bool {
	<-c.wake
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return false
	}
	var (
		pong, ping bool
		data       string
		m          outgoing
		ok         bool
	)
	switch {
	case c.pongDue:
		pong, data = true, c.pongData
		c.pongDue, c.pongData = false, ""
	case c.pingDue:
		ping = true
		c.pingDue = false
	default:
		m, ok = c.queue.pop()
		if ok && c.queue.len() == 0 {
			c.caughtUp = true
		}
	}
	more := c.pongDue || c.pingDue || c.queue.len() > 0
	c.mu.Unlock()
	if more {
		c.signal()
	}
	if m.first {
		// Live messages to the clients already up to date go first,
		// and only a few first messages are written at once.
		release := c.hub.firsts.acquire()
		defer release()
		c.hub.prio.yield()
	}

	deadline := time.Now().Add(c.hub.opts.WriteWait)
	var err error
	switch {
	case pong:
		err = c.conn.WriteControl(websocket.PongMessage, []byte(data), deadline)
	case ping:
		err = c.conn.WriteControl(websocket.PingMessage, nil, deadline)
		pinger.Reset(c.hub.opts.PingPeriod)
	case ok:
		if err = c.conn.SetWriteDeadline(deadline); err == nil {
			err = c.conn.WritePreparedMessage(m.pm)
		}
		c.mu.Lock()
		c.queued -= m.size
		c.mu.Unlock()
		if m.live {
			c.hub.prio.done(1)
		}
		if err == nil {
			c.hub.messages.Add(1)
		}
	default:
		// The token of work already done.
	}
	if err != nil {
		c.stop(closeNone)
		return false
	}
	return true
}

// close sends the close frame, if any, waits up to WriteWait for the client to
// answer it (so that the client sees a clean close), and closes the
// connection once the reader has returned.
func (c *client) close(t *topic) {
	if c.unwatch != nil {
		c.unwatch()
	}
	writeWait := c.hub.opts.WriteWait
	c.mu.Lock()
	code, messages, bytes := c.closeCode, c.queue.len(), c.queued
	live := 0
	for m, ok := c.queue.pop(); ok; m, ok = c.queue.pop() {
		if m.live {
			live++
		}
	}
	c.mu.Unlock()
	// Nothing is queued to a stopped client: the count is final.
	c.hub.prio.done(live)
	if code == closeEvicted {
		c.hub.logger.Info("Evicted slow WebSocket client",
			"remote_addr", c.conn.RemoteAddr().String(), "topic", t.name,
			"queued_messages", messages, "queued_bytes", bytes)
	}
	sent := false
	if code != closeNone {
		msg := websocket.FormatCloseMessage(code, "")
		sent = c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait)) == nil
	}
	if sent {
		answer := time.NewTimer(writeWait)
		select {
		case <-c.readerDone:
		case <-answer.C:
		}
		answer.Stop()
	}
	_ = c.conn.Close() // ends the reader if it is still reading
	<-c.readerDone
}
