package hub_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/hub"
)

// The tests in this file run in a synctest bubble, where time is fake and
// moves only when every goroutine is blocked, so deadlines, pings and timeouts
// happen at exact, predictable instants. Real sockets block outside the
// bubble's view, so connections are in-memory pipes served by a real
// http.Server through pipeListener. synctest.Test also fails a test that
// leaves a goroutine behind, which makes each of these a leak check.

// pipeListener is a net.Listener whose connections are net.Pipes.
type pipeListener struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial is a websocket.Dialer.NetDialContext connecting to l.
func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// pipeServer serves a hub over pipes inside a synctest bubble.
type pipeServer struct {
	hub      *hub.Hub
	listener *pipeListener
}

// mustPipeServer serves a new Hub with opts, whose first message for a topic
// is the topic's name, until t ends; t must be a synctest bubble's.
func mustPipeServer(t *testing.T, opts hub.Options) *pipeServer {
	t.Helper()
	h := newHub(t, opts) // its Cleanup runs after the server's
	l := newPipeListener()
	srv := &http.Server{Handler: handler(t, h, func(topic string) []byte { return []byte(topic) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return &pipeServer{hub: h, listener: l}
}

// mustDial connects to topic, reads the first message (so that the client is
// subscribed when it returns) and closes the connection when t ends.
func (s *pipeServer) mustDial(t *testing.T, topic string, configure func(*websocket.Conn)) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{NetDialContext: s.listener.dial}
	conn, resp, err := d.Dial("ws://pipe/?topic="+topic, nil)
	if err != nil {
		t.Fatalf("Dial %s: %v", topic, err)
	}
	resp.Body.Close()
	t.Cleanup(func() { conn.Close() })
	if configure != nil {
		configure(conn)
	}
	if got := mustRead(t, conn); got != topic {
		t.Fatalf("first message = %q, want %q", got, topic)
	}
	return conn
}

// readUntilError reads conn in a new goroutine until it fails, and sends the
// error and the instant it happened.
func readUntilError(conn *websocket.Conn) <-chan readResult {
	done := make(chan readResult, 1)
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				done <- readResult{err: err, at: time.Now()}
				return
			}
		}
	}()
	return done
}

type readResult struct {
	err error
	at  time.Time
}

func TestWriter_pingsOnScheduleAndKeepsAnsweringClient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const pingPeriod, pongWait = 9 * time.Second, 10 * time.Second
		s := mustPipeServer(t, hub.Options{PingPeriod: pingPeriod, PongWait: pongWait})
		start := time.Now()
		var (
			mu    sync.Mutex
			pings []time.Duration
		)
		conn := s.mustDial(t, "t", func(conn *websocket.Conn) {
			conn.SetPingHandler(func(data string) error {
				mu.Lock()
				pings = append(pings, time.Since(start))
				mu.Unlock()
				return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
			})
		})
		read := readUntilError(conn)

		time.Sleep(5 * pongWait) // fake time: the client answers every ping
		synctest.Wait()
		if got := s.hub.Stats().Clients; got != 1 {
			t.Fatalf("Clients after %v = %d, want 1", 5*pongWait, got)
		}
		mu.Lock()
		defer mu.Unlock()
		for i, at := range pings {
			if want := time.Duration(i+1) * pingPeriod; at != want {
				t.Errorf("ping %d at %v, want %v", i, at, want)
			}
		}
		if want := int(5 * pongWait / pingPeriod); len(pings) != want {
			t.Errorf("%d pings in %v, want %d", len(pings), 5*pongWait, want)
		}

		conn.Close()
		<-read
	})
}

func TestReader_dropsClientThatStopsAnsweringPings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const pongWait = 10 * time.Second
		s := mustPipeServer(t, hub.Options{PongWait: pongWait})
		start := time.Now()
		conn := s.mustDial(t, "t", func(conn *websocket.Conn) {
			conn.SetPingHandler(func(string) error { return nil }) // mute
		})

		r := <-readUntilError(conn)
		if got := r.at.Sub(start); got != pongWait {
			t.Errorf("dropped after %v, want %v", got, pongWait)
		}
		if websocket.IsCloseError(r.err, websocket.CloseServiceRestart, websocket.CloseTryAgainLater) {
			t.Errorf("read error = %v, want the connection closed without a reconnect hint", r.err)
		}
		synctest.Wait()
		if got := s.hub.Stats().Clients; got != 0 {
			t.Errorf("Clients = %d, want 0", got)
		}
	})
}

func TestPublish_evictsSlowClientWithoutBlocking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const queue = 2
		s := mustPipeServer(t, hub.Options{QueueMessages: queue})
		slow := s.mustDial(t, "t", nil)
		fast := s.mustDial(t, "t", nil)

		// fast reads; slow does not, so its writer blocks on the first
		// message, and its queue fills with the next ones.
		const published = queue + 3
		fastMessages := make(chan string, published)
		go func() {
			defer close(fastMessages)
			for {
				_, msg, err := fast.ReadMessage()
				if err != nil {
					return
				}
				fastMessages <- string(msg)
			}
		}()
		start := time.Now()
		for i := range published {
			s.hub.Publish("t", uint64(i+1), []byte{'0' + byte(i)})
			synctest.Wait() // let the writers take what they can
			// Message 0 is in slow's writer, the next queue messages
			// fill its queue, and the one after evicts it.
			want := uint64(0)
			if i > queue {
				want = 1
			}
			if got := s.hub.Stats().Evictions; got != want {
				t.Errorf("Evictions after message %d = %d, want %d", i, got, want)
			}
		}
		if !time.Now().Equal(start) {
			t.Errorf("Publish waited %v", time.Since(start))
		}
		for i := range published {
			if got, want := <-fastMessages, string([]byte{'0' + byte(i)}); got != want {
				t.Errorf("fast client: message %d = %q, want %q", i, got, want)
			}
		}

		// slow gets the message its writer was blocked on, then 1013;
		// the queued messages are dropped.
		if got := mustRead(t, slow); got != "0" {
			t.Errorf("slow client: message = %q, want %q", got, "0")
		}
		if _, _, err := slow.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
			t.Errorf("slow client: read error = %v, want close %d", err, websocket.CloseTryAgainLater)
		}
		synctest.Wait()
		if got := s.hub.Stats().Clients; got != 1 {
			t.Errorf("Clients = %d, want 1", got)
		}
	})
}

func TestPublish_evictsClientOverByteBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := mustPipeServer(t, hub.Options{QueueBytes: 10})
		slow := s.mustDial(t, "t", nil)
		s.hub.Publish("t", 1, []byte("1234567")) // the writer blocks on it
		synctest.Wait()
		s.hub.Publish("t", 2, []byte("1234567")) // queued: 14 bytes > 10
		if got := s.hub.Stats().Evictions; got != 1 {
			t.Errorf("Evictions = %d, want 1", got)
		}
		if got := mustRead(t, slow); got != "1234567" {
			t.Errorf("message = %q, want %q", got, "1234567")
		}
		if _, _, err := slow.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
			t.Errorf("read error = %v, want close %d", err, websocket.CloseTryAgainLater)
		}
	})
}

func TestWriter_dropsClientThatStopsReading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const writeWait = 3 * time.Second
		s := mustPipeServer(t, hub.Options{WriteWait: writeWait})
		s.mustDial(t, "t", nil) // never read again
		start := time.Now()
		s.hub.Publish("t", 1, []byte("unread"))
		time.Sleep(writeWait - 1)
		synctest.Wait()
		if got := s.hub.Stats().Clients; got != 1 {
			t.Errorf("Clients just before WriteWait = %d, want 1", got)
		}
		time.Sleep(time.Nanosecond) // the first instant past WriteWait
		synctest.Wait()
		if got := s.hub.Stats().Clients; got != 0 {
			t.Errorf("Clients %v after the write began = %d, want 0", time.Since(start), got)
		}
	})
}

func TestShutdown_waitsForCloseHandshake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := mustPipeServer(t, hub.Options{})
		var reads []<-chan readResult
		for _, topic := range []string{"a", "a", "b"} {
			reads = append(reads, readUntilError(s.mustDial(t, topic, nil)))
		}
		start := time.Now()
		if err := s.hub.Shutdown(t.Context()); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		if !time.Now().Equal(start) {
			t.Errorf("Shutdown took %v with every client answering at once", time.Since(start))
		}
		for i, read := range reads {
			if r := <-read; !websocket.IsCloseError(r.err, websocket.CloseServiceRestart) {
				t.Errorf("client %d: read error = %v, want close %d", i, r.err, websocket.CloseServiceRestart)
			}
		}
		if got := s.hub.Stats().Clients; got != 0 {
			t.Errorf("Clients = %d, want 0", got)
		}
	})
}

func TestShutdown_boundedByContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const timeout = time.Second
		s := mustPipeServer(t, hub.Options{WriteWait: 10 * timeout})
		s.mustDial(t, "t", nil) // never reads the close frame
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		defer cancel()
		start := time.Now()
		if err := s.hub.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown: err = %v, want %v", err, context.DeadlineExceeded)
		}
		if got := time.Since(start); got != timeout {
			t.Errorf("Shutdown returned after %v, want %v", got, timeout)
		}
		if got := s.hub.Stats().Clients; got != 0 {
			t.Errorf("Clients = %d, want 0", got)
		}
	})
}

func TestServe_answersClientClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := mustPipeServer(t, hub.Options{})
		conn := s.mustDial(t, "t", nil)
		read := readUntilError(conn)
		msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "")
		if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if r := <-read; !websocket.IsCloseError(r.err, websocket.CloseNormalClosure) {
			t.Errorf("read error = %v, want close %d", r.err, websocket.CloseNormalClosure)
		}
		synctest.Wait()
		if got := s.hub.Stats().Clients; got != 0 {
			t.Errorf("Clients = %d, want 0", got)
		}
	})
}

// TestServe_firstMessageGivesWayToLivePushes: a new client's first message
// waits while a push to a connected client is being written, for at most
// LiveYield, and the count of live messages ends at zero however the pushes
// end (written, or dropped with their client).
func TestServe_firstMessageGivesWayToLivePushes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := mustPipeServer(t, hub.Options{})
		stuck := s.mustDial(t, "a", nil)
		// stuck reads nothing more: over a pipe, the push's write blocks.
		s.hub.Publish("a", 1, []byte("push"))
		synctest.Wait()
		if n := hub.LiveMessages(s.hub); n != 1 {
			t.Fatalf("%d live messages pending, want 1", n)
		}
		start := time.Now()
		s.mustDial(t, "b", nil)
		if got := time.Since(start); got != hub.LiveYield {
			t.Errorf("with a push pending, the first message took %v; want LiveYield (%v)", got, hub.LiveYield)
		}

		if got := mustRead(t, stuck); got != "push" {
			t.Fatalf("push = %q", got)
		}
		synctest.Wait()
		if n := hub.LiveMessages(s.hub); n != 0 {
			t.Fatalf("%d live messages pending once written, want 0", n)
		}
		// A push being written holds a new client back until it is.
		s.hub.Publish("a", 2, []byte("second"))
		synctest.Wait()
		go func() {
			time.Sleep(20 * time.Millisecond)
			_, _, _ = stuck.ReadMessage()
		}()
		start = time.Now()
		s.mustDial(t, "c", nil)
		if got := time.Since(start); got != 20*time.Millisecond {
			t.Errorf("the first message took %v; want the 20ms until the push was written", got)
		}

		// Pushes queued to a client that goes away are uncounted.
		for seq := uint64(3); seq < 8; seq++ {
			s.hub.Publish("a", seq, []byte("more"))
		}
		synctest.Wait()
		stuck.Close()
		synctest.Wait()
		if n := hub.LiveMessages(s.hub); n != 0 {
			t.Errorf("%d live messages counted after their client left, want 0", n)
		}
	})
}
