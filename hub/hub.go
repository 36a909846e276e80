// Package hub fans out opaque byte messages to WebSocket clients grouped by
// topic.
//
// A topic is an audience key chosen by the caller (for example
// "board|tenant|unmasked"); the hub knows nothing of what the messages mean.
// Every connection gets a bounded queue and two goroutines: a reader that
// enforces the read limit and the pong deadline, and a writer, the only
// goroutine that writes to the connection. A client that falls behind is
// evicted with close code 1013 (try again later) instead of slowing anyone
// down; Shutdown closes every client with 1012 (service restart). Browsers
// treat both as a cue to reconnect, and each reconnect starts with a fresh
// first message, so a client heals from any loss.
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for the zero fields of Options.
const (
	// DefaultQueueMessages bounds how many messages may wait for a client's
	// writer. A board change is a handful of messages, so 256 absorbs long
	// bursts while still catching a client that has stopped reading.
	DefaultQueueMessages = 256

	// DefaultQueueBytes bounds the bytes waiting for a client's writer, so a
	// burst of large messages is caught before DefaultQueueMessages is.
	DefaultQueueBytes = 8 << 20

	// DefaultWriteWait is how long a single write to a client may take.
	DefaultWriteWait = 10 * time.Second

	// DefaultPongWait is how long the hub waits for a client's pong (or,
	// at first, for its first one) before dropping the client.
	DefaultPongWait = 60 * time.Second

	// DefaultPingPeriod is how often the hub pings a client. It must be less
	// than DefaultPongWait: the read deadline is a PongWait after the last
	// pong, and the next pong comes a PingPeriod plus a round trip after it.
	DefaultPingPeriod = DefaultPongWait * 9 / 10

	// DefaultMaxMessageSize is the read limit for client-to-server messages.
	// Clients have nothing useful to say, so it is small.
	DefaultMaxMessageSize = 4 << 10
)

// readBufferSize is the size of a connection's read buffer. It must hold a
// control frame's payload, which is up to 125 bytes.
const readBufferSize = 256

// Close codes sent to clients. An empty close frame would read as 1005 (no
// status) in a browser, and htmx's ws extension does not reconnect on it.
const (
	// closeEvicted is sent to a client whose queue overflowed.
	closeEvicted = websocket.CloseTryAgainLater // 1013
	// closeShutdown is sent to every client by Shutdown.
	closeShutdown = websocket.CloseServiceRestart // 1012
	// closeNormal answers a close frame sent by the client.
	closeNormal = websocket.CloseNormalClosure // 1000
)

// CloseEnded is the close code of a client whose lifetime (see
// WithLifetime) ended: the credential it connected with was revoked or has
// expired, so reconnecting needs a new one (as HTTP's 401 says).
const CloseEnded = 4401

// lifetimeKey is the request context key of WithLifetime.
type lifetimeKey struct{}

// WithLifetime returns a copy of r whose WebSocket, once Serve has
// upgraded it, is closed with CloseEnded when ctx ends: for example when
// the session it was opened with is revoked or expires. (r's own context
// cannot serve: net/http cancels it as soon as the handler returns, while
// the connection lives on.)
func WithLifetime(r *http.Request, ctx context.Context) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), lifetimeKey{}, ctx))
}

// ErrClosed is returned by Serve once Shutdown has begun.
var ErrClosed = errors.New("hub: shut down")

// Options configure a Hub. Zero fields take the Default values above, except
// CheckOrigin, which is required.
type Options struct {
	// CheckOrigin decides whether a browser on another origin may connect;
	// a request it refuses gets 403 Forbidden. It is required: see
	// SameOrigin for the usual policy.
	CheckOrigin func(r *http.Request) bool

	// QueueMessages and QueueBytes bound a client's queue; a Publish that
	// would exceed either evicts the client.
	QueueMessages int
	QueueBytes    int

	// WriteWait bounds every write to a client, and the wait for the
	// client's answer to a close frame.
	WriteWait time.Duration

	// PongWait is how long a client may go without answering a ping
	// before it is dropped, without a close frame.
	PongWait time.Duration

	// PingPeriod is the interval between pings; it must be less than
	// PongWait. If zero, it is nine tenths of PongWait.
	PingPeriod time.Duration

	// MaxMessageSize is the read limit for a client message; a larger one
	// closes the connection with 1009 (message too big).
	MaxMessageSize int64
}

// withDefaults returns o with its zero fields filled in, or an error naming
// the first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.CheckOrigin == nil {
		return o, errors.New("CheckOrigin is required")
	}
	if o.QueueMessages == 0 {
		o.QueueMessages = DefaultQueueMessages
	}
	if o.QueueBytes == 0 {
		o.QueueBytes = DefaultQueueBytes
	}
	if o.WriteWait == 0 {
		o.WriteWait = DefaultWriteWait
	}
	if o.PongWait == 0 {
		o.PongWait = DefaultPongWait
	}
	if o.PingPeriod == 0 {
		o.PingPeriod = o.PongWait * 9 / 10
	}
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	switch {
	case o.QueueMessages < 1:
		return o, fmt.Errorf("QueueMessages %d is not positive", o.QueueMessages)
	case o.QueueBytes < 1:
		return o, fmt.Errorf("QueueBytes %d is not positive", o.QueueBytes)
	case o.WriteWait < 0:
		return o, fmt.Errorf("WriteWait %v is negative", o.WriteWait)
	case o.PongWait < 0:
		return o, fmt.Errorf("PongWait %v is negative", o.PongWait)
	case o.PingPeriod <= 0 || o.PingPeriod >= o.PongWait:
		return o, fmt.Errorf("PingPeriod %v must be positive and less than PongWait %v", o.PingPeriod, o.PongWait)
	case o.MaxMessageSize < 1:
		return o, fmt.Errorf("MaxMessageSize %d is not positive", o.MaxMessageSize)
	}
	return o, nil
}

// Stats are counters of a Hub's activity.
type Stats struct {
	Clients   int    // connections currently open
	Evictions uint64 // clients closed with 1013 because their queue overflowed, in total
	Messages  uint64 // messages written to clients (first messages included), in total
}

// A Hub fans out messages to WebSocket clients by topic. Its methods are safe
// for concurrent use. Create one with New.
type Hub struct {
	logger   *slog.Logger
	opts     Options
	upgrader websocket.Upgrader

	mu      sync.RWMutex
	closed  bool               // set by Shutdown
	topics  map[string]*topic  // topics with clients registered or registering
	clients map[*client]*topic // every open connection
	pumps   sync.WaitGroup     // one count per entry of clients

	evictions atomic.Uint64
	messages  atomic.Uint64
}

// topic is the set of clients subscribed to one key.
type topic struct {
	name string
	refs int // clients registered or registering; guarded by Hub.mu

	// mu serialises publishing to the topic with subscribing to it, which
	// is what makes a client's first message and its subscription atomic.
	mu      sync.Mutex
	clients map[*client]struct{}
}

// New returns a Hub that logs through logger. It panics if opts are invalid
// (CheckOrigin nil, PingPeriod not less than PongWait, a negative bound):
// those are programming errors.
func New(logger *slog.Logger, opts Options) *Hub {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("hub: invalid Options: " + err.Error())
	}
	return &Hub{
		logger: logger,
		opts:   opts,
		upgrader: websocket.Upgrader{
			HandshakeTimeout: opts.WriteWait,
			CheckOrigin:      opts.CheckOrigin,
			// Clients send little but control frames, whose payload
			// (at most 125 bytes) gorilla reads whole from the
			// buffer; longer messages are read through it. Left at
			// zero, every connection would keep net/http's 4 KiB.
			ReadBufferSize: readBufferSize,
			// Most clients are idle most of the time: lend them a
			// write buffer only while they write.
			WriteBufferPool: &sync.Pool{},
		},
		topics:  make(map[string]*topic),
		clients: make(map[*client]*topic),
	}
}

// Serve upgrades the request to a WebSocket connection subscribed to topic,
// starts the connection's reader and writer goroutines, and returns without
// waiting for the connection to end.
//
// The connection's first message is the result of first, and it is followed
// by every message published to topic after it, in order. first is called
// while Publish to topic is held off, so no published message falls between
// the two: a message the caller publishes after changing its state is either
// reflected in first's result or delivered after it (possibly both, so
// messages should be idempotent, like a swap of an element by id). Since
// Publish to topic waits for it, first should be quick, and it must not call
// Publish or Broadcast, which would deadlock.
//
// A request from WithLifetime bounds the connection's life.
//
// On error the response has been written (403 for a refused Origin, 400 for a
// bad handshake, 503 after Shutdown began, with ErrClosed) and the caller must
// not write to w.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, topic string, first func() []byte) error {
	h.mu.RLock()
	closed := h.closed
	h.mu.RUnlock()
	if closed {
		w.Header().Set("Retry-After", "1")
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return ErrClosed
	}

	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return fmt.Errorf("hub: upgrade %s: %w", r.RemoteAddr, err)
	}
	c := newClient(h, conn)

	t, err := h.register(c, topic)
	if err != nil {
		// Shutdown began during the handshake.
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(closeShutdown, ""), time.Now().Add(h.opts.WriteWait))
		_ = conn.Close()
		return err
	}
	subscribed := false
	defer func() {
		if !subscribed { // first panicked
			_ = conn.Close()
			h.release(c, t)
		}
	}()
	t.subscribe(c, first)
	subscribed = true
	if life, ok := r.Context().Value(lifetimeKey{}).(context.Context); ok {
		c.unwatch = context.AfterFunc(life, func() { c.stop(CloseEnded) })
	}

	go c.readPump()
	go c.writePump(t)
	return nil
}

// register adds c to the hub and reserves its place in the named topic. It
// fails with ErrClosed once Shutdown has begun.
func (h *Hub) register(c *client, name string) (*topic, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	t := h.topics[name]
	if t == nil {
		t = &topic{name: name, clients: make(map[*client]struct{})}
		h.topics[name] = t
	}
	t.refs++
	h.clients[c] = t
	h.pumps.Add(1)
	return t, nil
}

// subscribe queues first's result to c and adds c to t, atomically with
// respect to publishing to t.
func (t *topic) subscribe(c *client, first func() []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	msg := first()
	c.enqueue(c.hub.prepare(msg), len(msg), true)
	t.clients[c] = struct{}{}
}

// leave removes c from t and from the hub; c's writer calls it last.
func (h *Hub) leave(c *client, t *topic) {
	t.mu.Lock()
	delete(t.clients, c)
	t.mu.Unlock()
	h.release(c, t)
}

// release undoes register.
func (h *Hub) release(c *client, t *topic) {
	h.mu.Lock()
	delete(h.clients, c)
	if t.refs--; t.refs == 0 {
		delete(h.topics, t.name)
	}
	h.mu.Unlock()
	h.pumps.Done()
}

// Publish queues msg to every client subscribed to topic, after every message
// published to topic before it. It never waits for a client: one whose queue
// is full is evicted (closed with 1013) instead. It waits only for concurrent
// Serve calls on topic to return from first. msg is framed once and the frame
// is sent to every client; the caller must not modify msg afterwards.
// Publishing to a topic without clients costs a map lookup.
func (h *Hub) Publish(topic string, msg []byte) {
	h.mu.RLock()
	t := h.topics[topic]
	h.mu.RUnlock()
	if t == nil {
		return
	}
	// If t has just been removed from the map, its clients have all
	// unregistered and publishing to it is a harmless no-op; a client
	// subscribing through a new topic calls its first after this Publish
	// began, so it misses nothing.
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.clients) == 0 {
		return
	}
	pm := h.prepare(msg)
	for c := range t.clients {
		c.enqueue(pm, len(msg), false)
	}
}

// Broadcast queues msg to every client of every topic, like Publish.
func (h *Hub) Broadcast(msg []byte) {
	h.mu.RLock()
	topics := make([]*topic, 0, len(h.topics))
	for _, t := range h.topics {
		topics = append(topics, t)
	}
	h.mu.RUnlock()

	var pm *websocket.PreparedMessage
	for _, t := range topics {
		t.mu.Lock()
		for c := range t.clients {
			if pm == nil {
				pm = h.prepare(msg)
			}
			c.enqueue(pm, len(msg), false)
		}
		t.mu.Unlock()
	}
}

// prepare frames msg once for every client that will be sent it.
func (h *Hub) prepare(msg []byte) *websocket.PreparedMessage {
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, msg)
	if err != nil {
		// Framing an uncompressed text message into memory cannot fail.
		panic("hub: framing a text message: " + err.Error())
	}
	return pm
}

// Shutdown closes every client with close code 1012 (service restart) and
// waits for their goroutines to end; Serve refuses new connections from the
// moment it is called. If ctx ends first, Shutdown closes the remaining
// connections without a close frame, which ends their goroutines at once,
// waits for them and returns an error wrapping ctx.Err().
//
// http.Server.Shutdown does not close hijacked connections such as these, so
// a server must call both.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	clients := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()

	for _, c := range clients {
		c.stop(closeShutdown)
	}
	done := make(chan struct{})
	go func() {
		h.pumps.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	for _, c := range clients {
		_ = c.conn.Close()
	}
	<-done
	return fmt.Errorf("hub: shutdown: %w", ctx.Err())
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	n := len(h.clients)
	h.mu.RUnlock()
	return Stats{
		Clients:   n,
		Evictions: h.evictions.Load(),
		Messages:  h.messages.Load(),
	}
}
