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
// first message, so a client heals from any loss. A client whose request
// carried a lifetime (WithLifetime) is closed with 4401 when it ends: its
// credential is gone, and reconnecting needs a new one.
//
// Messages carry the sequence number of the state they describe. A topic
// keeps the first message its owner last gave it (Prime) and the messages
// published after it, so that a connecting client is sent those without
// anyone rendering anything: connecting costs a few pointer copies under the
// topic's lock, whatever the size of the view. A topic without a current
// first message asks its owner for one (Options.Want) and holds its new
// clients until it comes; nothing is kept for a topic without clients.
//
// Pushes to clients that are up to date go first: in a reconnect storm, a
// new client's first message waits while live messages are being written
// (for at most a tenth of a second), only a few first messages are written
// at once, and a listener or an owner that calls Yield first takes no new
// connection and renders no first message meanwhile, so that the storm does not fill the scheduler's run
// queues ahead of the pushes (see priority).
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
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

	// DefaultCompressionLevel is the deflate level of permessage-deflate
	// (see Options.CompressionLevel). Each message is compressed once for
	// all its clients, so a better ratio than gorilla's default of 1 costs
	// little: HTML compresses about 20 to 1 at this level.
	DefaultCompressionLevel = 6
)

// A topic's backlog (the messages published after its first message) is
// sent to each new client after the first message, one small write each.
// A first message is the whole view (for 2,000 people, 1.3 MB rendered and
// deflated, some 16 MB of garbage), so it is refreshed rarely and ahead of
// need: when backlogRefresh messages have been published since the last
// Prime, the owner is asked for a newer one in the background (at most one
// render per backlogRefresh pushes, however busy), so that a wave of new
// clients finds a
// fresh first message to start from instead of all waiting for a render
// that would compete with the pushes at the worst moment. A thousand new
// clients taking a few dozen small pushes each cost less than one render.
// Past backlogServe a new client waits for the newer first message; past
// its share of the queue (backlogMaxShare) the backlog and the first
// message it extends are forgotten.
const (
	backlogRefresh  = 32
	backlogServe    = 48
	backlogMaxShare = 4
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

	// Want is called when a topic needs a first message: a client
	// subscribed to a topic that has none, or whose backlog has grown long.
	// Its owner should call Prime soon. Want is called without any lock
	// held and must not block (start the work elsewhere); it may be called
	// again before Prime. Nil means the owner primes topics unasked.
	Want func(topic string)

	// CompressionLevel is the deflate level (1 to 9) of the
	// permessage-deflate extension, which clients that offer it get; 0
	// means DefaultCompressionLevel, and -1 turns compression off.
	CompressionLevel int
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
	if o.CompressionLevel == 0 {
		o.CompressionLevel = DefaultCompressionLevel
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
	case o.CompressionLevel != -1 && (o.CompressionLevel < 1 || o.CompressionLevel > 9):
		return o, fmt.Errorf("CompressionLevel %d is not -1 or 1 to 9", o.CompressionLevel)
	}
	return o, nil
}

// Stats are counters of a Hub's activity.
type Stats struct {
	Clients   int    // connections currently open
	Evictions uint64 // clients closed with 1013 because their queue overflowed, in total
	Messages  uint64 // messages written to clients (first messages included), in total
	Primes    uint64 // first messages taken by Prime, in total
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

	// handshakes admits the upgrades one at a time, at a pace (see
	// handshakePace): in a reconnect storm the others wait parked, rather
	// than queue ahead of the writers of the clients already connected in
	// the scheduler's run queues and take the cores from them.
	handshakes *slots

	// prio lets live messages go before new clients' first messages;
	// firsts bounds the first messages being written at once.
	prio   *priority
	firsts *slots

	evictions atomic.Uint64
	messages  atomic.Uint64
	primes    atomic.Uint64
}

// topic is the set of clients subscribed to one key, with what a new one is
// sent.
type topic struct {
	name string
	refs int // clients registered or registering; guarded by Hub.mu

	// mu serialises publishing to the topic, priming it and subscribing to
	// it, which is what makes a client's first message and its
	// subscription atomic. Nothing slow happens under it.
	mu      sync.Mutex
	clients map[*client]struct{} // subscribed: sent every message
	pending []*client            // waiting for a first message

	// first is the first message for new clients, reflecting the state at
	// firstSeq; nil when the topic has none. backlog holds the messages
	// published after firstSeq, oldest first, while there is a first
	// message to extend or pending clients to send them to.
	first        []outgoing
	firstSeq     uint64
	backlog      []published
	backlogBytes int
	// floor is the seq of the newest message dropped from the backlog;
	// a first message older than it cannot be extended to the present.
	floor  uint64
	wanted bool // Want was called and Prime has not answered yet
	// sincePrime counts the messages published since the last Prime was
	// taken (see backlogRefresh).
	sincePrime int
}

// published is a message of a topic's backlog.
type published struct {
	seq uint64
	m   outgoing
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
			// A compressed message is compressed once, by the
			// first client's writer, and its frame shared (see
			// websocket.PreparedMessage); gorilla keeps no
			// compression state on an idle connection.
			EnableCompression: opts.CompressionLevel > 0,
		},
		topics:     make(map[string]*topic),
		clients:    make(map[*client]*topic),
		handshakes: newPacedSlots(1, handshakeHold, handshakePace),
		prio:       newPriority(),
		firsts:     newSlots(runtime.NumCPU(), firstHold),
	}
}

// Serve upgrades the request to a WebSocket connection subscribed to topic,
// starts the connection's reader and writer goroutines, and returns without
// waiting for the connection to end.
//
// The connection's first message is the topic's first message (see Prime),
// followed by every message published to the topic after the seq it
// reflects, in order: nothing is missed and nothing is sent twice. When the
// topic has no first message, the client waits for one while its owner is
// asked (Options.Want). Serve never renders and never waits for a publisher:
// it holds the topic's lock only to queue what is already prepared.
//
// A request from WithLifetime bounds the connection's life.
//
// On error the response has been written (403 for a refused Origin, 400 for a
// bad handshake, 503 after Shutdown began, with ErrClosed) and the caller must
// not write to w.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, topic string) error {
	h.mu.RLock()
	closed := h.closed
	h.mu.RUnlock()
	if closed {
		w.Header().Set("Retry-After", "1")
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return ErrClosed
	}

	release := h.handshakes.acquire()
	defer release()
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return fmt.Errorf("hub: upgrade %s: %w", r.RemoteAddr, err)
	}
	if h.opts.CompressionLevel > 0 {
		// Every connection compresses at the same level, so that a
		// message is compressed once for all of them.
		_ = conn.SetCompressionLevel(h.opts.CompressionLevel)
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
	if t.subscribe(c) {
		h.want(t.name)
	}
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

// want asks the topic's owner for a first message.
func (h *Hub) want(topic string) {
	if h.opts.Want != nil {
		h.opts.Want(topic)
	}
}

// subscribe sends c the topic's first message and backlog and adds it to
// the topic's clients, or, when the topic has no first message, makes it
// wait for one. It reports whether the owner should be asked for a first
// message.
func (t *topic) subscribe(c *client) (want bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first == nil || len(t.backlog) > backlogServe {
		t.pending = append(t.pending, c)
	} else {
		t.start(c)
	}
	if t.wanted || t.first != nil && len(t.backlog) < backlogRefresh {
		return false
	}
	t.wanted = true
	return true
}

// start queues the first message and the backlog to c and subscribes it.
// t.mu is held.
func (t *topic) start(c *client) {
	c.from = t.firstSeq
	for _, m := range t.first {
		c.enqueue(m, true)
	}
	for _, p := range t.backlog {
		c.enqueue(p.m, false)
	}
	t.clients[c] = struct{}{}
}

// leave removes c from t and from the hub; c's writer calls it last.
func (h *Hub) leave(c *client, t *topic) {
	t.mu.Lock()
	delete(t.clients, c)
	if i := slices.Index(t.pending, c); i >= 0 {
		t.pending = slices.Delete(t.pending, i, i+1)
	}
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

// Watched reports whether topic has clients, connected or connecting: a
// publisher need not render messages for a topic that is not watched. A
// client that subscribes after Watched reported false is sent a first
// message primed after it subscribed.
func (h *Hub) Watched(topic string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.topics[topic] != nil
}

// Prime makes msgs, the whole view at seq, the topic's first message (msgs
// are sent in order; a long view may be split into several): clients waiting
// for one are sent it, followed by the messages published after seq, and so
// is every client that subscribes until the next Prime. A Prime older than
// the topic's current first message, or older than what the topic's backlog
// has had to drop, is ignored (and, if clients wait, the owner is asked
// again). Priming a topic without clients does nothing: nothing is kept for
// a topic nobody watches. Each message is framed once; the caller must not
// modify msgs afterwards.
//
// Prime returns an error, and primes nothing, when a message is larger than
// Options.QueueBytes: a client could never be sent it.
func (h *Hub) Prime(topic string, seq uint64, msgs [][]byte) error {
	for _, m := range msgs {
		if len(m) > h.opts.QueueBytes {
			return fmt.Errorf("hub: prime %s: a message of %d bytes exceeds the queue bound of %d bytes", topic, len(m), h.opts.QueueBytes)
		}
	}
	h.mu.RLock()
	t := h.topics[topic]
	h.mu.RUnlock()
	if t == nil {
		return nil
	}
	first := make([]outgoing, len(msgs))
	for i, m := range msgs {
		first[i] = outgoing{pm: h.prepare(m), size: len(m)}
	}
	if t.prime(seq, first) {
		h.want(topic)
	}
	h.primes.Add(1)
	return nil
}

// prime is Prime under t.mu; it reports whether the owner should be asked
// again.
func (t *topic) prime(seq uint64, first []outgoing) (want bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first != nil && seq < t.firstSeq || seq < t.floor {
		if len(t.pending) == 0 {
			// Nobody waits: the next client to need a newer first
			// message asks for it.
			t.wanted = false
			return false
		}
		return t.wanted
	}
	t.wanted = false
	t.first, t.firstSeq = first, seq
	t.sincePrime = 0
	n := 0
	for _, p := range t.backlog {
		if p.seq > seq {
			t.backlog[n] = p
			n++
		} else {
			t.backlogBytes -= p.m.size
		}
	}
	clear(t.backlog[n:])
	t.backlog = t.backlog[:n]
	for _, c := range t.pending {
		t.start(c)
	}
	clear(t.pending)
	t.pending = t.pending[:0]
	return false
}

// Publish queues msg, which reflects the state at seq, to every client
// subscribed to topic, after every message published to topic before it. It
// never waits for a client: one whose queue is full is evicted (closed with
// 1013) instead. It waits only for concurrent Serve and Prime calls on topic
// to queue what they have prepared. A client whose first message reflects
// seq or later is not sent msg, which it already reflects. seq must not
// decrease from one Publish to the next. msg is framed once and the frame
// is sent to every client; the caller must not modify msg afterwards.
// Publishing to a topic without clients costs a map lookup.
func (h *Hub) Publish(topic string, seq uint64, msg []byte) {
	h.mu.RLock()
	t := h.topics[topic]
	h.mu.RUnlock()
	if t == nil {
		return
	}
	// If t has just been removed from the map, its clients have all
	// unregistered and publishing to it is a harmless no-op; a client
	// subscribing through a new topic is primed after this Publish began,
	// so it misses nothing.
	m := outgoing{pm: h.prepare(msg), size: len(msg)}
	if t.publish(seq, m, h.opts, h.prio) {
		h.want(topic)
	}
}

// publish is Publish under t.mu; it reports whether the owner should be
// asked for a first message.
func (t *topic) publish(seq uint64, m outgoing, opts Options, prio *priority) (want bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	live := 0
	for c := range t.clients {
		if c.from < seq && c.enqueue(m, false) {
			live++
		}
	}
	prio.add(live)
	if t.first != nil && seq <= t.firstSeq {
		return false // already in the first message
	}
	if t.first == nil && len(t.pending) == 0 {
		// Nobody to extend a first message for: one older than this
		// message could no longer be extended to the present.
		t.floor = seq
		return false
	}
	t.backlog = append(t.backlog, published{seq: seq, m: m})
	t.backlogBytes += m.size
	t.sincePrime++
	if len(t.backlog) <= opts.QueueMessages/backlogMaxShare && t.backlogBytes <= opts.QueueBytes/backlogMaxShare {
		// Keep the first message of a watched topic fresh in the
		// background, so that a wave of new clients finds one to start
		// from instead of all waiting for a render that competes with
		// the pushes at the worst moment. Counting from the last Prime
		// (not the backlog, which keeps what was pushed during the
		// render) leaves at least backlogRefresh pushes between renders.
		if t.first == nil || t.sincePrime < backlogRefresh || t.wanted {
			return false
		}
		t.wanted = true
		return true
	}
	// Too long to send a new client: forget it, and the first message it
	// extends. Clients arriving from now on wait for a newer one.
	t.floor = seq
	clear(t.backlog)
	t.backlog, t.backlogBytes = t.backlog[:0], 0
	t.first = nil
	if t.wanted || len(t.pending) == 0 {
		return false
	}
	t.wanted = true
	return true
}

// Broadcast queues msg to every subscribed client of every topic, like
// Publish, outside any topic's sequence: a heartbeat, which clients waiting
// for their first message are not sent.
func (h *Hub) Broadcast(msg []byte) {
	h.mu.RLock()
	topics := make([]*topic, 0, len(h.topics))
	for _, t := range h.topics {
		topics = append(topics, t)
	}
	h.mu.RUnlock()

	var m outgoing
	for _, t := range topics {
		t.mu.Lock()
		live := 0
		for c := range t.clients {
			if m.pm == nil {
				m = outgoing{pm: h.prepare(msg), size: len(msg)}
			}
			if c.enqueue(m, false) {
				live++
			}
		}
		h.prio.add(live)
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
		Primes:    h.primes.Load(),
	}
}
