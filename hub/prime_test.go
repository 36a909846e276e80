package hub_test

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/hub"
)

// wants records the topics a hub asks to be primed.
type wants struct {
	mu     sync.Mutex
	topics []string
	asked  chan string
}

func newWants() *wants { return &wants{asked: make(chan string, 64)} }

func (w *wants) want(topic string) {
	w.mu.Lock()
	w.topics = append(w.topics, topic)
	w.mu.Unlock()
	w.asked <- topic
}

// wait waits for the hub to ask for a first message, failing the test
// after a while instead of hanging.
func (w *wants) wait(tb testing.TB) string {
	tb.Helper()
	select {
	case topic := <-w.asked:
		return topic
	case <-time.After(10 * time.Second):
		tb.Fatal("the owner was never asked for a first message")
		return ""
	}
}

func (w *wants) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.topics)
}

// serveOnly serves the "topic" query parameter and never primes: the test
// does.
func serveOnly(t testing.TB, h *hub.Hub) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.Serve(w, r, r.URL.Query().Get("topic")); err != nil {
			t.Logf("Serve: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// primed serves topic "t" from a hub with the default queue to one client,
// answers the hub's first ask with "view at 0", and returns the hub, its
// server and the record of what the hub asked.
func primed(t *testing.T) (*hub.Hub, *httptest.Server, *wants) {
	t.Helper()
	w := newWants()
	h := newHub(t, hub.Options{Want: w.want})
	srv := serveOnly(t, h)
	mustDial(t, srv, "t", nil)
	w.wait(t)
	if err := h.Prime("t", 0, [][]byte{[]byte("view at 0")}); err != nil {
		t.Fatal(err)
	}
	return h, srv, w
}

// TestServe_waitsForPrimeThenMissesNothing: a client of a topic without a
// first message waits while the owner is asked once; the first message it
// gets is the primed one, followed by what was published after the primed
// seq and nothing published before it.
func TestServe_waitsForPrimeThenMissesNothing(t *testing.T) {
	t.Parallel()
	w := newWants()
	h := newHub(t, hub.Options{Want: w.want})
	srv := serveOnly(t, h)

	if h.Watched("t") {
		t.Fatal("Watched before any client")
	}
	a := mustDial(t, srv, "t", nil)
	b := mustDial(t, srv, "t", nil)
	if got := <-w.asked; got != "t" {
		t.Fatalf("Want(%q), want t", got)
	}
	if !h.Watched("t") {
		t.Fatal("not Watched with two clients waiting")
	}
	// Changes 1 and 2 happen while the owner renders the state at 1.
	h.Publish("t", 1, []byte("change 1"))
	h.Publish("t", 2, []byte("change 2"))
	if err := h.Prime("t", 1, [][]byte{[]byte("view at 1, part 1"), []byte("view at 1, part 2")}); err != nil {
		t.Fatal(err)
	}
	h.Publish("t", 3, []byte("change 3"))
	for _, conn := range []*websocket.Conn{a, b} {
		for _, want := range []string{"view at 1, part 1", "view at 1, part 2", "change 2", "change 3"} {
			if got := mustRead(t, conn); got != want {
				t.Fatalf("message = %q, want %q", got, want)
			}
		}
	}
	// A later client gets the same first message and its backlog, sent
	// without asking anyone.
	c := mustDial(t, srv, "t", nil)
	for _, want := range []string{"view at 1, part 1", "view at 1, part 2", "change 2", "change 3"} {
		if got := mustRead(t, c); got != want {
			t.Fatalf("later client: message = %q, want %q", got, want)
		}
	}
	if got := w.count(); got != 1 {
		t.Errorf("Want called %d times, want 1", got)
	}
}

// TestPublish_skipsWhatTheFirstMessageReflects: a Prime that lands before
// the push of the change it already reflects means that push is not sent to
// the clients it primed.
func TestPublish_skipsWhatTheFirstMessageReflects(t *testing.T) {
	t.Parallel()
	w := newWants()
	h := newHub(t, hub.Options{Want: w.want})
	srv := serveOnly(t, h)
	conn := mustDial(t, srv, "t", nil)
	<-w.asked
	if err := h.Prime("t", 5, [][]byte{[]byte("view at 5")}); err != nil {
		t.Fatal(err)
	}
	h.Publish("t", 5, []byte("change 5"))
	h.Publish("t", 6, []byte("change 6"))
	for _, want := range []string{"view at 5", "change 6"} {
		if got := mustRead(t, conn); got != want {
			t.Fatalf("message = %q, want %q", got, want)
		}
	}
}

// TestPublish_longBacklogForgetsFirstMessage: once the backlog after a
// first message exceeds its share of the queue, the topic forgets both; a
// new client waits for a newer first message, and a Prime older than what
// was dropped is refused and asked again.
func TestPublish_longBacklogForgetsFirstMessage(t *testing.T) {
	t.Parallel()
	w := newWants()
	const queue = 16 // a backlog holds at most 4
	h := newHub(t, hub.Options{QueueMessages: queue, Want: w.want})
	srv := serveOnly(t, h)
	first := mustDial(t, srv, "t", nil)
	<-w.asked
	if err := h.Prime("t", 0, [][]byte{[]byte("view at 0")}); err != nil {
		t.Fatal(err)
	}
	mustRead(t, first)
	for seq := uint64(1); seq <= 5; seq++ {
		h.Publish("t", seq, []byte("change"))
	}
	for range 5 {
		mustRead(t, first)
	}
	late := mustDial(t, srv, "t", nil)
	<-w.asked // the first message at 0 was forgotten
	h.Publish("t", 6, []byte("change 6"))
	if err := h.Prime("t", 3, [][]byte{[]byte("view at 3")}); err != nil {
		t.Fatal(err)
	}
	<-w.asked // too old: 4 and 5 are gone
	if err := h.Prime("t", 5, [][]byte{[]byte("view at 5")}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"view at 5", "change 6"} {
		if got := mustRead(t, late); got != want {
			t.Fatalf("message = %q, want %q", got, want)
		}
	}
}

// TestPublish_refreshesFirstMessageAheadOfNeed: a new client is sent the
// first message and the pushes after it without anyone rendering anything;
// the 32nd push after the first message asks the owner for a newer one, in
// the background, and only once until it comes.
func TestPublish_refreshesFirstMessageAheadOfNeed(t *testing.T) {
	t.Parallel()
	const refresh = 32 // backlogRefresh
	h, srv, w := primed(t)
	for seq := uint64(1); seq < refresh; seq++ {
		h.Publish("t", seq, []byte("change"))
	}
	late := mustDial(t, srv, "t", nil)
	for range refresh {
		mustRead(t, late)
	}
	if got := w.count(); got != 1 {
		t.Fatalf("Want called %d times with a backlog of %d, want 1 (the first client's)", got, refresh-1)
	}
	h.Publish("t", refresh, []byte("change"))
	if got := <-w.asked; got != "t" {
		t.Fatalf("Want(%q), want t", got)
	}
	h.Publish("t", refresh+1, []byte("change"))
	third := mustDial(t, srv, "t", nil)
	for range refresh + 2 { // subscribed: whatever it asked, it has asked
		mustRead(t, third)
	}
	if got := w.count(); got != 2 {
		t.Fatalf("Want called %d times, want 2: asked again before the owner answered", got)
	}
	if err := h.Prime("t", refresh, [][]byte{[]byte("view at 32")}); err != nil {
		t.Fatal(err)
	}
	fresh := mustDial(t, srv, "t", nil)
	for _, want := range []string{"view at 32", "change"} {
		if got := mustRead(t, fresh); got != want {
			t.Fatalf("message = %q, want %q", got, want)
		}
	}
}

// TestPrime_staleAnswerDoesNotSilenceLaterAsks: a Prime that comes too late
// to extend (its backlog was forgotten meanwhile) with nobody waiting lets
// the next client that needs a first message ask for one.
func TestPrime_staleAnswerDoesNotSilenceLaterAsks(t *testing.T) {
	t.Parallel()
	const refresh, share = 32, 64 // backlogRefresh; the default queue's share
	h, srv, w := primed(t)
	for seq := uint64(1); seq <= share+1; seq++ { // asks at 32, forgets at 65
		h.Publish("t", seq, []byte("change"))
	}
	<-w.asked
	// The owner's answer, rendered at 32, comes after 33 to 65 were
	// dropped: too old.
	if err := h.Prime("t", refresh, [][]byte{[]byte("view at 32")}); err != nil {
		t.Fatal(err)
	}
	mustDial(t, srv, "t", nil)
	select {
	case <-w.asked:
	case <-time.After(5 * time.Second):
		t.Fatal("a client waiting for a first message never asked for one")
	}
}

// TestPublish_refreshCountsFromThePrime: the pushes published while the
// owner renders do not count towards the next refresh, so a busy topic is
// rendered at most once per 32 pushes rather than back to back.
func TestPublish_refreshCountsFromThePrime(t *testing.T) {
	t.Parallel()
	const refresh = 32 // backlogRefresh
	h, _, w := primed(t)
	for seq := uint64(1); seq <= refresh; seq++ {
		h.Publish("t", seq, []byte("change"))
	}
	w.wait(t) // the refresh, rendered at 32 while 33 to 63 are pushed
	for seq := uint64(refresh + 1); seq < 2*refresh; seq++ {
		h.Publish("t", seq, []byte("change"))
	}
	if err := h.Prime("t", refresh, [][]byte{[]byte("view at 32")}); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(2 * refresh); seq < 2*refresh+refresh-1; seq++ {
		h.Publish("t", seq, []byte("change"))
	}
	if got := w.count(); got != 2 {
		t.Fatalf("Want called %d times after %d pushes since the Prime, want 2", got, refresh-1)
	}
	h.Publish("t", 3*refresh-1, []byte("change"))
	w.wait(t)
}

// TestPrime_olderThanForgottenPushesIsRefused: once a topic has forgotten
// its first message, what it publishes with nobody waiting still marks
// later Primes of an older state as too old, so a new client is never
// started from a view that lacks pushes it will not be sent.
func TestPrime_olderThanForgottenPushesIsRefused(t *testing.T) {
	t.Parallel()
	const share = 64 // the default queue's share
	h, srv, w := primed(t)
	for seq := uint64(1); seq <= share+1; seq++ { // asks at 32, forgets at 65
		h.Publish("t", seq, []byte("change"))
	}
	w.wait(t)
	h.Publish("t", share+2, []byte("change 66"))
	h.Publish("t", share+3, []byte("change 67"))
	// The owner's answer was rendered at 65, before 66 and 67.
	if err := h.Prime("t", share+1, [][]byte{[]byte("view at 65")}); err != nil {
		t.Fatal(err)
	}
	late := mustDial(t, srv, "t", nil)
	w.wait(t)
	if err := h.Prime("t", share+3, [][]byte{[]byte("view at 67")}); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, late); got != "view at 67" {
		t.Fatalf("first message = %q, want the view at 67", got)
	}
}

func TestPrime_refusesMessageOverByteBound(t *testing.T) {
	t.Parallel()
	w := newWants()
	h := newHub(t, hub.Options{QueueBytes: 8, Want: w.want})
	srv := serveOnly(t, h)
	mustDial(t, srv, "t", nil)
	<-w.asked
	if err := h.Prime("t", 1, [][]byte{[]byte("123456789")}); err == nil {
		t.Fatal("Prime of 9 bytes with an 8-byte bound succeeded")
	}
	if err := h.Prime("t", 1, [][]byte{[]byte("12345678"), []byte("12345678")}); err != nil {
		t.Fatalf("Prime of two 8-byte parts: %v", err)
	}
}

// TestServe_compressesForClientsThatOfferIt: a client offering
// permessage-deflate gets compressed frames, a client that does not gets
// plain ones, and both read the same message.
func TestServe_compressesForClientsThatOfferIt(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{})
	big := bytes.Repeat([]byte(`<li class="tile">Ann</li>`), 4000)
	srv := mustServer(t, h, func(string) []byte { return big })
	for _, compress := range []bool{true, false} {
		counter := &countingDialer{}
		d := websocket.Dialer{EnableCompression: compress, NetDial: counter.dial}
		conn, resp, err := d.Dial(wsURL(srv, "t"), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		negotiated := strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate")
		if negotiated != compress {
			t.Errorf("compress %v: negotiated %v", compress, negotiated)
		}
		_, msg, err := conn.ReadMessage()
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(msg, big) {
			t.Errorf("compress %v: message differs", compress)
		}
		wire := counter.read()
		if compress && wire > len(big)/10 {
			t.Errorf("compressed: %d bytes on the wire for a %d-byte message", wire, len(big))
		}
		if !compress && wire < len(big) {
			t.Errorf("plain: %d bytes on the wire for a %d-byte message", wire, len(big))
		}
	}
}

// countingDialer dials TCP connections and counts the bytes read from them.
type countingDialer struct {
	mu sync.Mutex
	n  int
}

func (d *countingDialer) dial(network, addr string) (net.Conn, error) {
	c, err := net.Dial(network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, d: d}, nil
}

func (d *countingDialer) read() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

type countingConn struct {
	net.Conn
	d *countingDialer
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.d.mu.Lock()
	c.d.n += n
	c.d.mu.Unlock()
	return n, err
}
