package hub_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/hub"
)

// hangGuard bounds every blocking read in the tests over real sockets, so a
// bug fails a test instead of hanging the suite. No test depends on it.
const hangGuard = 30 * time.Second

// newHub returns a Hub with opts that logs to t, shut down when t ends.
func newHub(t testing.TB, opts hub.Options) *hub.Hub {
	t.Helper()
	if opts.CheckOrigin == nil {
		opts.CheckOrigin = hub.SameOrigin()
	}
	h := hub.New(slog.New(slog.NewTextHandler(t.Output(), nil)), opts)
	t.Cleanup(func() {
		if err := h.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return h
}

// handler serves the topic named by the "topic" query parameter and primes
// it with first (at seq 0) once the client waits for it, as an owner
// answering Want would.
func handler(t testing.TB, h *hub.Hub, first func(topic string) []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		topic := r.URL.Query().Get("topic")
		if err := h.Serve(w, r, topic); err != nil {
			t.Logf("Serve: %v", err)
			return
		}
		if err := h.Prime(topic, 0, [][]byte{first(topic)}); err != nil {
			t.Errorf("Prime: %v", err)
		}
	})
}

// mustServer serves h over real sockets until t ends.
func mustServer(t testing.TB, h *hub.Hub, first func(topic string) []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler(t, h, first))
	t.Cleanup(srv.Close)
	return srv
}

// wsURL returns the WebSocket URL of topic on srv.
func wsURL(srv *httptest.Server, topic string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/?topic=" + topic
}

// The must helpers fail the test with t.Fatal, so they are for the test's
// own goroutine; other goroutines use the helpers that return errors.

// dial connects to topic on srv and closes the connection when t ends.
func dial(t testing.TB, srv *httptest.Server, topic string, header http.Header) (*websocket.Conn, error) {
	conn, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, topic), header)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", topic, err)
	}
	resp.Body.Close()
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetReadDeadline(time.Now().Add(hangGuard)); err != nil {
		return nil, err
	}
	return conn, nil
}

func mustDial(t testing.TB, srv *httptest.Server, topic string, header http.Header) *websocket.Conn {
	t.Helper()
	conn, err := dial(t, srv, topic, header)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// read reads the next message, which must be a text message.
func read(conn *websocket.Conn) (string, error) {
	typ, msg, err := conn.ReadMessage()
	if err != nil {
		return "", fmt.Errorf("read: %w", err)
	}
	if typ != websocket.TextMessage {
		return "", fmt.Errorf("read: message type %d, want text", typ)
	}
	return string(msg), nil
}

func mustRead(t testing.TB, conn *websocket.Conn) string {
	t.Helper()
	msg, err := read(conn)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// readCloseCode reads until the connection fails and returns the close code
// it failed with; messages before the close frame are discarded.
func readCloseCode(conn *websocket.Conn) (int, error) {
	for {
		_, _, err := conn.ReadMessage()
		if err == nil {
			continue
		}
		ce, ok := errors.AsType[*websocket.CloseError](err)
		if !ok {
			return 0, fmt.Errorf("read error %w, want a close frame", err)
		}
		return ce.Code, nil
	}
}

func mustReadCloseCode(t testing.TB, conn *websocket.Conn) int {
	t.Helper()
	code, err := readCloseCode(conn)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestServe_firstMessageThenPublishedInOrder(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{})
	srv := mustServer(t, h, func(topic string) []byte { return []byte("first of " + topic) })

	conn := mustDial(t, srv, "t1", nil)
	if got := mustRead(t, conn); got != "first of t1" {
		t.Fatalf("first message = %q, want %q", got, "first of t1")
	}
	want := []string{"one", "two", "three"}
	for i, m := range want {
		h.Publish("t1", uint64(i+1), []byte(m))
	}
	for _, w := range want {
		if got := mustRead(t, conn); got != w {
			t.Fatalf("message = %q, want %q", got, w)
		}
	}
	if got := h.Stats().Clients; got != 1 {
		t.Errorf("Clients = %d, want 1", got)
	}
	// The writer counts a message after writing it, which can be after the
	// client has read it; Shutdown waits for the writer, and for the client
	// to answer the close frame.
	code := make(chan int, 1)
	go func() {
		c, err := readCloseCode(conn)
		if err != nil {
			t.Error(err)
		}
		code <- c
	}()
	if err := h.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := <-code; got != websocket.CloseServiceRestart {
		t.Errorf("close code = %d, want %d", got, websocket.CloseServiceRestart)
	}
	if got := h.Stats(); got.Clients != 0 || got.Messages != 4 || got.Evictions != 0 {
		t.Errorf("Stats after Shutdown = %+v, want 0 clients, 4 messages, 0 evictions", got)
	}
}

// TestServe_racingPublishLosesNothing connects clients while a sequence is
// being published, priming the topic through Want with the state current
// when the owner is asked, and checks that every client's stream is its first
// message followed by a contiguous run of the sequence up to the end: nothing
// missing, nothing twice.
func TestServe_racingPublishLosesNothing(t *testing.T) {
	t.Parallel()
	const (
		clients = 16
		maxSeq  = 1 << 15
	)
	var current atomic.Int64 // the state: the last sequence number published
	var h *hub.Hub
	h = newHub(t, hub.Options{QueueMessages: 8 * maxSeq, QueueBytes: 64 * maxSeq, Want: func(topic string) {
		go func() {
			seq := current.Load()
			if err := h.Prime(topic, uint64(seq), [][]byte{strconv.AppendInt(nil, seq, 10)}); err != nil {
				t.Error(err)
			}
		}()
	}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.Serve(w, r, "seq"); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}))
	t.Cleanup(srv.Close)

	var connected sync.WaitGroup // clients that have read their first message
	connected.Add(clients)
	streams := make([][]int64, clients)
	var readers sync.WaitGroup
	for i := range clients {
		readers.Go(func() {
			stream, err := readSequence(t, srv, &connected)
			if err != nil {
				t.Errorf("client %d: %v", i, err)
			}
			streams[i] = stream
		})
	}

	allConnected := make(chan struct{})
	go func() { connected.Wait(); close(allConnected) }()
	var last int64
publishing:
	for last < maxSeq {
		select {
		case <-allConnected:
			break publishing
		default:
		}
		last++
		current.Store(last) // change the state, then publish the change
		h.Publish("seq", uint64(last), strconv.AppendInt(nil, last, 10))
	}
	<-allConnected
	h.Publish("seq", uint64(last+1), []byte("end"))
	readers.Wait()

	for i, s := range streams {
		if len(s) == 0 {
			continue // failed above
		}
		first, rest := s[0], s[1:]
		for j, n := range rest {
			if want := first + 1 + int64(j); n != want {
				t.Fatalf("client %d (first %d): message %d = %d, want %d", i, first, j, n, want)
			}
		}
		if got := first + int64(len(rest)); got != last {
			t.Errorf("client %d (first %d): stream ends at %d, want %d", i, first, got, last)
		}
	}
	if got := h.Stats().Evictions; got != 0 {
		t.Errorf("Evictions = %d, want 0", got)
	}
}

// readSequence connects to the topic "seq", reads its first message, calls
// connected.Done (whatever happens), and reads numbers until "end".
func readSequence(t testing.TB, srv *httptest.Server, connected *sync.WaitGroup) ([]int64, error) {
	var once sync.Once
	defer once.Do(connected.Done)
	conn, err := dial(t, srv, "seq", nil)
	if err != nil {
		return nil, err
	}
	var stream []int64
	for {
		msg, err := read(conn)
		if err != nil {
			return stream, err
		}
		if msg == "end" {
			return stream, nil
		}
		n, err := strconv.ParseInt(msg, 10, 64)
		if err != nil {
			return stream, err
		}
		stream = append(stream, n)
		if len(stream) == 1 { // subscribed
			once.Do(connected.Done)
		}
	}
}

func TestPublish_topicsAreIsolated(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{})
	srv := mustServer(t, h, func(topic string) []byte { return []byte(topic + ":first") })
	a := mustDial(t, srv, "a", nil)
	b := mustDial(t, srv, "b", nil)
	mustRead(t, a)
	mustRead(t, b)

	h.Publish("a", 1, []byte("a:1"))
	h.Publish("b", 1, []byte("b:1"))
	h.Publish("nobody", 1, []byte("nobody:1"))
	h.Publish("a", 2, []byte("a:end"))
	h.Publish("b", 2, []byte("b:end"))

	for _, tc := range []struct {
		conn *websocket.Conn
		want []string
	}{
		{a, []string{"a:1", "a:end"}},
		{b, []string{"b:1", "b:end"}},
	} {
		for _, w := range tc.want {
			if got := mustRead(t, tc.conn); got != w {
				t.Errorf("message = %q, want %q", got, w)
			}
		}
	}
}

func TestBroadcast_reachesEveryTopic(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{})
	srv := mustServer(t, h, func(topic string) []byte { return []byte(topic) })
	conns := []*websocket.Conn{mustDial(t, srv, "a", nil), mustDial(t, srv, "b", nil), mustDial(t, srv, "b", nil)}
	for _, c := range conns {
		mustRead(t, c)
	}
	h.Broadcast([]byte("beat"))
	for i, c := range conns {
		if got := mustRead(t, c); got != "beat" {
			t.Errorf("client %d: message = %q, want %q", i, got, "beat")
		}
	}
}

func TestShutdown_closesWithServiceRestartAndRefusesServe(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{})
	srv := mustServer(t, h, func(string) []byte { return []byte("first") })
	conns := []*websocket.Conn{mustDial(t, srv, "a", nil), mustDial(t, srv, "a", nil), mustDial(t, srv, "b", nil)}
	codes := make([]int, len(conns))
	var readers sync.WaitGroup
	for i, c := range conns {
		mustRead(t, c) // subscribed
		readers.Go(func() {
			var err error
			if codes[i], err = readCloseCode(c); err != nil {
				t.Errorf("client %d: %v", i, err)
			}
		})
	}

	if err := h.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := h.Stats().Clients; got != 0 {
		t.Errorf("Clients after Shutdown = %d, want 0", got)
	}
	readers.Wait()
	for i, code := range codes {
		if code != websocket.CloseServiceRestart {
			t.Errorf("client %d: close code = %d, want %d", i, code, websocket.CloseServiceRestart)
		}
	}

	_, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, "a"), nil)
	if !errors.Is(err, websocket.ErrBadHandshake) {
		t.Fatalf("Dial after Shutdown: err = %v, want %v", err, websocket.ErrBadHandshake)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("Dial after Shutdown: status = %d, want %d", resp.StatusCode, http.StatusServiceUnavailable)
	}
}

func TestServe_checksOrigin(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{CheckOrigin: hub.SameOrigin("https://board.example.com")})
	srv := mustServer(t, h, func(string) []byte { return []byte("first") })
	host := strings.TrimPrefix(srv.URL, "http://")

	for _, tc := range []struct {
		origin string
		status int
	}{
		{"", http.StatusSwitchingProtocols},
		{"http://" + host, http.StatusSwitchingProtocols},
		{"https://" + strings.ToUpper(host), http.StatusSwitchingProtocols},
		{"https://board.example.com", http.StatusSwitchingProtocols},
		{"https://evil.example.com", http.StatusForbidden},
		{"null", http.StatusForbidden},
	} {
		header := http.Header{}
		if tc.origin != "" {
			header.Set("Origin", tc.origin)
		}
		conn, resp, err := websocket.DefaultDialer.Dial(wsURL(srv, "t"), header)
		if resp == nil {
			t.Fatalf("Origin %q: Dial: %v", tc.origin, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("Origin %q: status = %d, want %d", tc.origin, resp.StatusCode, tc.status)
		}
		if conn != nil {
			conn.Close()
		}
	}
}

func TestServe_closesOnOversizedClientMessage(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{MaxMessageSize: 16})
	srv := mustServer(t, h, func(string) []byte { return []byte("first") })
	conn := mustDial(t, srv, "t", nil)
	mustRead(t, conn)
	if err := conn.WriteMessage(websocket.TextMessage, []byte("small, ignored")); err != nil {
		t.Fatal(err)
	}
	if err := conn.WriteMessage(websocket.TextMessage, make([]byte, 17)); err != nil {
		t.Fatal(err)
	}
	if got := mustReadCloseCode(t, conn); got != websocket.CloseMessageTooBig {
		t.Errorf("close code = %d, want %d", got, websocket.CloseMessageTooBig)
	}
}

func TestNew_panicsOnInvalidOptions(t *testing.T) {
	t.Parallel()
	origin := hub.SameOrigin()
	for name, opts := range map[string]hub.Options{
		"no CheckOrigin":          {},
		"PingPeriod == PongWait":  {CheckOrigin: origin, PongWait: time.Second, PingPeriod: time.Second},
		"PingPeriod > default":    {CheckOrigin: origin, PingPeriod: 2 * hub.DefaultPongWait},
		"negative QueueMessages":  {CheckOrigin: origin, QueueMessages: -1},
		"negative QueueBytes":     {CheckOrigin: origin, QueueBytes: -1},
		"negative MaxMessageSize": {CheckOrigin: origin, MaxMessageSize: -1},
		"negative WriteWait":      {CheckOrigin: origin, WriteWait: -time.Second},
		"negative PongWait":       {CheckOrigin: origin, PongWait: -time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", opts)
				}
			}()
			hub.New(slog.New(slog.DiscardHandler), opts)
		})
	}
}

func TestNew_acceptsDefaults(t *testing.T) {
	t.Parallel()
	// A PongWait alone derives a PingPeriod below it.
	h := hub.New(slog.New(slog.DiscardHandler), hub.Options{CheckOrigin: hub.SameOrigin(), PongWait: time.Second})
	if err := h.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func ExampleHub_Serve() {
	h := hub.New(slog.Default(), hub.Options{CheckOrigin: hub.SameOrigin("https://board.example.com")})
	http.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		// The topic is the audience. Its owner primes it with the whole
		// view (usually when asked, through Options.Want), and publishes
		// every later change to it with the seq of the state it reflects.
		if err := h.Serve(w, r, "board|tenant-1|masked"); err != nil {
			slog.Debug("WebSocket refused", "error", err) // the response is written
		}
	})
	_ = h.Prime("board|tenant-1|masked", 41, [][]byte{[]byte(`<div id="board">…</div>`)})
	h.Publish("board|tenant-1|masked", 42, []byte(`<div id="tile-42">…</div>`))
}

// TestHub_concurrentUse connects, publishes, broadcasts and disconnects from
// many goroutines at once, for the race detector, and checks that the hub
// ends empty, every remaining client told to reconnect.
func TestHub_concurrentUse(t *testing.T) {
	t.Parallel()
	var current atomic.Uint64 // the seq of the last change published
	var h *hub.Hub
	h = newHub(t, hub.Options{Want: func(topic string) {
		go func() {
			if err := h.Prime(topic, current.Load(), [][]byte{[]byte(topic)}); err != nil {
				t.Error(err)
			}
		}()
	}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.Serve(w, r, r.URL.Query().Get("topic")); err != nil {
			t.Logf("Serve: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	topics := []string{"a", "b", "c"}

	stop := make(chan struct{})
	var publisher sync.WaitGroup
	publisher.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			seq := current.Add(1)
			h.Publish(topics[i%len(topics)], seq, []byte("change"))
			if i%16 == 0 {
				h.Broadcast([]byte("beat"))
			}
		}
	})
	const clients = 24
	var connected, closed sync.WaitGroup
	codes := make([]int, clients)
	for i := range clients {
		connected.Add(1)
		closed.Go(func() {
			var err error
			codes[i], err = connectAndWait(t, srv, topics[i%len(topics)], i%2 == 0, &connected)
			if err != nil {
				t.Errorf("client %d: %v", i, err)
			}
		})
	}
	connected.Wait()
	close(stop)
	publisher.Wait()

	if err := h.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := h.Stats().Clients; got != 0 {
		t.Errorf("Clients after Shutdown = %d, want 0", got)
	}
	closed.Wait()
	for i, code := range codes {
		// A client may have been evicted if it fell behind the publisher.
		if i%2 == 1 && code != websocket.CloseServiceRestart && code != websocket.CloseTryAgainLater {
			t.Errorf("client %d: close code = %d, want %d or %d", i, code,
				websocket.CloseServiceRestart, websocket.CloseTryAgainLater)
		}
	}
}

// connectAndWait connects to topic, checks the first message, calls
// connected.Done (whatever happens), and then either leaves at once or reads
// until the hub closes the connection, returning the close code.
func connectAndWait(t testing.TB, srv *httptest.Server, topic string, leave bool, connected *sync.WaitGroup) (int, error) {
	var once sync.Once
	defer once.Do(connected.Done)
	conn, err := dial(t, srv, topic, nil)
	if err != nil {
		return 0, err
	}
	first, err := read(conn)
	if ce, ok := errors.AsType[*websocket.CloseError](err); ok && ce.Code == websocket.CloseTryAgainLater {
		// Evicted before its writer got to the first message, as
		// can happen to a client the publisher's loop outpaces.
		return websocket.CloseTryAgainLater, nil
	}
	if err != nil {
		return 0, err
	}
	if first != topic {
		return 0, fmt.Errorf("first message %q, want %q", first, topic)
	}
	once.Do(connected.Done)
	if leave {
		return 0, conn.Close()
	}
	return readCloseCode(conn)
}
