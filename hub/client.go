package hub

import (
	"errors"
	"sync"
	"sync/atomic"
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
}

// client is one WebSocket connection. Its writer goroutine (writePump) is the
// only one that writes to conn; its reader goroutine (readPump) only reads.
type client struct {
	hub  *Hub
	conn *websocket.Conn

	send   chan outgoing // capacity Options.QueueMessages
	queued atomic.Int64  // payload bytes in send and being written

	// pongs carries the payloads of the client's pings from the reader to
	// the writer, which answers them. A client that pings faster than the
	// writer answers gets one pong for several pings, as RFC 6455 allows.
	pongs chan string

	stopOnce   sync.Once
	closeCode  int           // written once, before done is closed
	done       chan struct{} // closed by stop
	readerDone chan struct{} // closed when readPump returns
}

func newClient(h *Hub, conn *websocket.Conn) *client {
	return &client{
		hub:        h,
		conn:       conn,
		send:       make(chan outgoing, h.opts.QueueMessages),
		pongs:      make(chan string, 1),
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
	}
}

// stop tells the writer to close the connection with code (or closeNone),
// and reports whether this call was the one that stopped the client.
func (c *client) stop(code int) bool {
	stopped := false
	c.stopOnce.Do(func() {
		c.closeCode = code
		close(c.done)
		stopped = true
	})
	return stopped
}

// enqueue queues pm, whose payload is size bytes, without blocking. If the
// queue has no room for it, the client is evicted instead. first exempts the
// client's first message from the byte bound, which it would otherwise fail
// forever, reconnect after reconnect, if it were larger than the bound.
// Callers serialise calls to enqueue by holding the client's topic's mu.
func (c *client) enqueue(pm *websocket.PreparedMessage, size int, first bool) {
	select {
	case <-c.done:
		return
	default:
	}
	if n := c.queued.Add(int64(size)); !first && n > int64(c.hub.opts.QueueBytes) {
		c.queued.Add(-int64(size))
		c.evict()
		return
	}
	select {
	case c.send <- outgoing{pm: pm, size: size}:
	default:
		c.queued.Add(-int64(size))
		c.evict()
	}
}

func (c *client) evict() {
	if c.stop(closeEvicted) {
		c.hub.evictions.Add(1)
	}
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
		select {
		case c.pongs <- data:
		default: // a pong is already due
		}
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
	ticker := time.NewTicker(c.hub.opts.PingPeriod)
	defer ticker.Stop()
	for c.writeNext(ticker.C) {
	}
	c.close(t)
}

// writeNext performs the writer's next write and reports whether the writer
// should go on. A stopped client writes nothing more, even if messages are
// queued: they would only delay the close frame.
func (c *client) writeNext(ping <-chan time.Time) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	writeWait := c.hub.opts.WriteWait
	var err error
	select {
	case <-c.done:
		return false
	case m := <-c.send:
		if err = c.conn.SetWriteDeadline(time.Now().Add(writeWait)); err == nil {
			err = c.conn.WritePreparedMessage(m.pm)
		}
		c.queued.Add(-int64(m.size))
		if err == nil {
			c.hub.messages.Add(1)
		}
	case data := <-c.pongs:
		err = c.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
	case <-ping:
		err = c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
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
	writeWait := c.hub.opts.WriteWait
	if c.closeCode == closeEvicted {
		c.hub.logger.Info("Evicted slow WebSocket client",
			"remote_addr", c.conn.RemoteAddr().String(), "topic", t.name,
			"queued_messages", len(c.send), "queued_bytes", c.queued.Load())
	}
	sent := false
	if c.closeCode != closeNone {
		msg := websocket.FormatCloseMessage(c.closeCode, "")
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
