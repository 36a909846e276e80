package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix"
)

// The benchmarks come in pairs: the wallboard, and a floor that does the
// least any server could do for the same request, measured in the same run.
// scripts/bench turns the pairs into the ratios the README reports.

// benchServer is a server on an embedded log; syncAlways fsyncs every
// append, as the command does by default. Every benchmark client comes from
// one address, so the per-client socket cap is lifted.
func benchServer(b *testing.B, syncAlways bool) *harness {
	b.Helper()
	return newHarnessWith(b, eventlog.Options{Dir: b.TempDir(), SyncAlways: syncAlways}, func(c *server.Config) {
		c.MaxSocketsPerClient = 5000
		c.MaxConnsPerClient = 5000
	})
}

// postBody posts a signed body and drains the answer.
func postBody(b *testing.B, client *http.Client, url string, body []byte, sig string) {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("X-Signature", sig)
	res, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		b.Errorf("status %d", res.StatusCode)
	}
}

// BenchmarkIngest is the whole webhook path: verify, decode, append with an
// fsync, apply, 2xx, at loadSenders concurrent senders. Each request carries
// a distinct event that changes the board.
func BenchmarkIngest(b *testing.B) { benchIngest(b, true) }

// BenchmarkIngest_SyncInterval is the same with the log fsyncing on an
// interval (-sync-interval) instead of before every answer.
func BenchmarkIngest_SyncInterval(b *testing.B) { benchIngest(b, false) }

func benchIngest(b *testing.B, syncAlways bool) {
	h := benchServer(b, syncAlways)
	before := h.log.Stats()
	sendLoad(b, h.http.URL+"/webhooks/wildix")
	if after := h.log.Stats(); syncAlways && after.Syncs > before.Syncs {
		syncs := float64(after.Syncs - before.Syncs)
		b.ReportMetric(float64(b.N)/syncs, "webhooks/fsync")
		b.ReportMetric(float64((after.SyncTime-before.SyncTime).Microseconds())/syncs, "fsync-µs")
	}
}

// BenchmarkIngestFloor is a bare echo handler that reads the body and
// answers 200: the floor for BenchmarkIngest, under the same load.
func BenchmarkIngestFloor(b *testing.B) {
	e := echo.New()
	e.POST("/webhooks/wildix", func(c echo.Context) error {
		_, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	})
	srv := httptest.NewServer(e)
	defer srv.Close()
	sendLoad(b, srv.URL+"/webhooks/wildix")
}

// readers count, for each published change, the clients that received it.
type readers struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	want string
	left int
	done chan struct{}
}

func (r *readers) expect(marker string, n int) chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.want, r.left, r.done = marker, n, make(chan struct{})
	return r.done
}

func (r *readers) saw(frame []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.left > 0 && bytes.Contains(frame, []byte(r.want)) {
		r.left--
		if r.left == 0 {
			close(r.done)
		}
	}
}

// connect dials n WebSocket clients that report every frame to r.
func connect(b *testing.B, url string, n int, r *readers, origin string) []*websocket.Conn {
	b.Helper()
	conns := make([]*websocket.Conn, 0, n)
	for range n {
		conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {origin}})
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		conns = append(conns, conn)
		r.wg.Go(func() {
			for {
				_, msg, err := conn.ReadMessage()
				if err != nil {
					return
				}
				r.saw(msg)
			}
		})
	}
	return conns
}

// await waits for every client to have a change, failing the benchmark
// rather than hanging when one never does.
func await(b *testing.B, done chan struct{}) {
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		b.Fatal("a client never received the change")
	}
}

// reportLatency reports p50 and p99 of lat in microseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkWebhookToClients_1000 is the latency from posting a webhook to
// the moment the last of 1,000 connected browsers has the change, on a log
// that fsyncs on an interval.
func BenchmarkWebhookToClients_1000(b *testing.B) { benchWebhookToClients(b, 1000, false) }

// BenchmarkWebhookToClients_100 is the same for 100 browsers with the
// default durability: the webhook is answered and the change pushed only
// once it is on disk.
func BenchmarkWebhookToClients_100(b *testing.B) { benchWebhookToClients(b, 100, true) }

func benchWebhookToClients(b *testing.B, n int, syncAlways bool) {
	h := benchServer(b, syncAlways)
	r := &readers{}
	conns := connect(b, "ws"+strings.TrimPrefix(h.http.URL, "http")+"/ws?view=board", n, r, h.http.URL)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		r.wg.Wait()
	}()
	url := h.http.URL + "/webhooks/wildix"
	client := h.http.Client()
	statuses := []string{"talking", "ringing"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		status := statuses[i%2]
		body := telephonyEvent(testCompany, "1001", status, ms(time.Duration(i+1)*time.Millisecond))
		done := r.expect(`data-telephony="`+status+`"`, n)
		start := time.Now()
		postBody(b, client, url, body, wildix.Sign([]byte(testSecret), body))
		await(b, done)
		lat = append(lat, time.Since(start))
	}
	reportLatency(b, lat)
}

// BenchmarkBroadcastFloor_1000 is the floor for the above: a minimal
// gorilla loop that, on a POST, writes one prepared frame to 1,000
// connections, timed the same way.
func BenchmarkBroadcastFloor_1000(b *testing.B) { benchBroadcastFloor(b, 1000) }

// BenchmarkBroadcastFloor_100 is the floor for BenchmarkWebhookToClients_100.
func BenchmarkBroadcastFloor_100(b *testing.B) { benchBroadcastFloor(b, 100) }

func benchBroadcastFloor(b *testing.B, n int) {
	var mu sync.Mutex
	var conns []*websocket.Conn
	var joined sync.WaitGroup // every connection is in conns before the first POST
	joined.Add(n)
	var up websocket.Upgrader // the default same-origin check
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		joined.Done()
	})
	frame := bytes.Repeat([]byte("x"), 700) // about the size of a tile push
	mux.HandleFunc("/webhooks/wildix", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		msg, _ := websocket.NewPreparedMessage(websocket.TextMessage, append(frame, body...))
		mu.Lock()
		for _, c := range conns {
			c.WritePreparedMessage(msg)
		}
		mu.Unlock()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	r := &readers{}
	clientConns := connect(b, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", n, r, srv.URL)
	joined.Wait()
	defer func() {
		for _, c := range clientConns {
			c.Close()
		}
		r.wg.Wait()
	}()
	client := srv.Client()
	statuses := []string{"talking", "ringing"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		status := statuses[i%2]
		body := telephonyEvent(testCompany, "1001", status, ms(time.Duration(i+1)*time.Millisecond))
		done := r.expect(`"status":"`+status+`"`, n)
		start := time.Now()
		postBody(b, client, srv.URL+"/webhooks/wildix", body, "")
		await(b, done)
		lat = append(lat, time.Since(start))
	}
	reportLatency(b, lat)
}
