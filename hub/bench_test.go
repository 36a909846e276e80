package hub_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/hub"
)

// benchMessage is the size of a typical push: one re-rendered tile.
var benchMessage = []byte(`<div id="tile-u42" hx-swap-oob="true">` + strings.Repeat("x", 1000) + `</div>`)

const benchClients = 1000

// startReaders connects n clients to url and starts a goroutine per client
// that reads messages and calls received.Done for each. Each client's first
// message, if any, is read before it returns.
func startReaders(b *testing.B, url string, n int, hasFirst bool, received *sync.WaitGroup) {
	b.Helper()
	for range n {
		conn, resp, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatalf("Dial: %v", err)
		}
		resp.Body.Close()
		b.Cleanup(func() { conn.Close() })
		if hasFirst {
			if _, _, err := conn.ReadMessage(); err != nil {
				b.Fatalf("first message: %v", err)
			}
		}
		go func() {
			for {
				_, r, err := conn.NextReader()
				if err != nil {
					return
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					return
				}
				received.Done()
			}
		}()
	}
}

// BenchmarkPublish_1000Clients measures one Publish to 1,000 clients of a
// topic until every client has read the message from its socket.
func BenchmarkPublish_1000Clients(b *testing.B) {
	h := newHub(b, hub.Options{})
	srv := mustServer(b, h, func(string) []byte { return benchMessage })
	var received sync.WaitGroup
	startReaders(b, wsURL(srv, "bench"), benchClients, true, &received)
	if got := h.Stats().Clients; got != benchClients {
		b.Fatalf("Clients = %d, want %d", got, benchClients)
	}

	for i := uint64(1); b.Loop(); i++ {
		received.Add(benchClients)
		h.Publish("bench", i, benchMessage)
		received.Wait()
	}
	b.StopTimer()
	if got := h.Stats().Evictions; got != 0 {
		b.Fatalf("Evictions = %d, want 0", got)
	}
}

// BenchmarkGorillaBroadcastLoop_1000Clients is the baseline for
// BenchmarkPublish_1000Clients: the least a server can do, one goroutine
// writing the message to 1,000 gorilla connections in turn, with no queues,
// pings or topics.
func BenchmarkGorillaBroadcastLoop_1000Clients(b *testing.B) {
	accepted := make(chan *websocket.Conn, benchClients)
	upgrader := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return // the response is written
		}
		accepted <- conn
	}))
	b.Cleanup(srv.Close)
	var received sync.WaitGroup
	startReaders(b, wsURL(srv, "bench"), benchClients, false, &received)
	conns := make([]*websocket.Conn, benchClients)
	for i := range conns {
		conns[i] = <-accepted
		b.Cleanup(func() { conns[i].Close() })
	}

	for b.Loop() {
		received.Add(benchClients)
		for _, c := range conns {
			if err := c.SetWriteDeadline(time.Now().Add(hub.DefaultWriteWait)); err != nil {
				b.Fatal(err)
			}
			if err := c.WriteMessage(websocket.TextMessage, benchMessage); err != nil {
				b.Fatal(err)
			}
		}
		received.Wait()
	}
}
