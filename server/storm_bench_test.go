package server_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/wildix"
)

// stormUsers is the size of the board in the reconnect storm: a large
// contact centre on one TV link.
const stormUsers = 2000

// fillBoard posts a telephony and a presence event (with a status message)
// for each of n users, from a few senders at once.
func fillBoard(b *testing.B, h *harness, n int) {
	b.Helper()
	url := h.http.URL + "/webhooks/wildix"
	client := h.http.Client()
	work := make(chan int)
	var senders sync.WaitGroup
	for range 8 {
		senders.Go(func() {
			for i := range work {
				ext := fmt.Sprint(2000 + i)
				at := ms(time.Duration(i) * time.Millisecond)
				tel := telephonyEvent(testCompany, ext, []string{"registered", "talking", "ringing"}[i%3], at)
				postBody(b, client, url, tel, wildix.Sign([]byte(testSecret), tel))
				pres := presenceEvent(ext, []string{"available", "away", "dnd"}[i%3], "Back after the training session", at+1)
				postBody(b, client, url, pres, wildix.Sign([]byte(testSecret), pres))
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	senders.Wait()
}

// BenchmarkReconnectStorm_2000Users_1000Clients is the reconnect storm of a
// building full of TVs after a network blip: 1,000 browsers connect at once
// to a 2,000-person board while 1,000 others stay connected and changes keep
// coming. It reports the p99 latency of a change (webhook posted → the last
// connected browser has it) in a quiet phase and during the storm, their
// ratio (the budget: at most 2), how long the last reconnecting browser
// waited for its whole first frame (the budget: 2 s) and the first frame's
// size on the wire (permessage-deflate; the budget: 150 KB).
//
// The reconnecting browsers are minimal WebSocket clients that offer
// permessage-deflate and count the first message's bytes without inflating
// them, in a child process (see stormClients). The connected browsers are full gorilla clients in this
// process, inflating every push on the same cores as the server, in both
// phases alike (each into a buffer of its own, so that their garbage does
// not land on the server's collector, as a browser's would not). The server
// listens through LimitListener, as in production. A storm lasts about 1.3 s
// and sees a change every ~50 ms: run it with -benchtime 10x (as
// scripts/bench does) for a p99 over some 250 storm pushes; over fewer it
// is the storm's worst push.
func BenchmarkReconnectStorm_2000Users_1000Clients(b *testing.B) {
	const (
		connected    = 1000
		reconnecting = 1000
		changeEvery  = 25 * time.Millisecond
		quietChanges = 40
	)
	h := benchServer(b, false)
	fillBoard(b, h, stormUsers)
	wsURL := "ws" + strings.TrimPrefix(h.http.URL, "http") + "/ws?view=board"
	r := &readers{}
	conns := connectCompressed(b, wsURL, connected, r, h.http.URL)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		r.wg.Wait()
	}()

	post := h.http.URL + "/webhooks/wildix"
	client := h.http.Client()
	n := 0
	// change posts the next change and waits until every connected client
	// has it.
	change := func() time.Duration {
		n++
		status := []string{"talking", "ringing"}[n%2]
		body := telephonyEvent(testCompany, "1001", status, ms(time.Hour+time.Duration(n)*time.Millisecond))
		done := r.expect(`data-telephony="`+status+`"`, connected)
		start := time.Now()
		postBody(b, client, post, body, wildix.Sign([]byte(testSecret), body))
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.Fatal("a change did not reach every connected client within 30 s")
		}
		return time.Since(start)
	}
	var quiet, storm []time.Duration
	var firstMax time.Duration
	var wire int
	clients := startStormClients(b, h.http.Listener.Addr().String(), "/ws?view=board", h.http.URL, reconnecting)
	b.ResetTimer()
	for b.Loop() {
		for range quietChanges {
			quiet = append(quiet, change())
			time.Sleep(changeEvery)
		}
		// The storm: every reconnecting client dials at once; changes go
		// on until the last one has its first frame.
		var res stormResult
		allIn := make(chan struct{})
		go func() { res = clients.storm(b); close(allIn) }()
	storming:
		for {
			storm = append(storm, change())
			select {
			case <-allIn:
				break storming
			case <-time.After(changeEvery):
			}
		}
		if res.errs > 0 {
			b.Fatalf("%d of %d reconnecting clients failed: %s", res.errs, reconnecting, res.err)
		}
		wire = max(wire, res.wire)
		firstMax = max(firstMax, res.last)
	}
	b.StopTimer()
	qp99, sp99 := p99(quiet), p99(storm)
	b.ReportMetric(float64(qp99.Microseconds()), "quiet-p99-µs")
	b.ReportMetric(float64(sp99.Microseconds()), "storm-p99-µs")
	b.ReportMetric(float64(sp99)/float64(qp99), "storm/quiet")
	b.ReportMetric(float64(firstMax.Milliseconds()), "last-first-frame-ms")
	b.ReportMetric(float64(wire), "first-frame-wire-bytes")
}

func p99(lat []time.Duration) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)*99/100]
}

// connectCompressed dials n clients that offer permessage-deflate, reads
// each one's first message, and then reports every frame to r.
func connectCompressed(b *testing.B, url string, n int, r *readers, origin string) []*websocket.Conn {
	b.Helper()
	d := websocket.Dialer{EnableCompression: true}
	conns := make([]*websocket.Conn, 0, n)
	for range n {
		conn, _, err := d.Dial(url, http.Header{"Origin": {origin}})
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		if _, _, err := conn.ReadMessage(); err != nil {
			b.Fatalf("first message: %v", err)
		}
		conns = append(conns, conn)
		r.wg.Go(func() {
			// A browser's garbage is not the server's: each client
			// inflates into a buffer of its own, reused, rather than
			// leaving a new one per push to the collector the server
			// shares with it.
			var buf bytes.Buffer
			for {
				_, rd, err := conn.NextReader()
				if err != nil {
					return
				}
				buf.Reset()
				if _, err := buf.ReadFrom(rd); err != nil {
					return
				}
				r.saw(buf.Bytes())
			}
		})
	}
	return conns
}

// sendUpgrade connects to path on addr as a browser offering
// permessage-deflate and sends the upgrade request.
func sendUpgrade(addr, path, origin string) (net.Conn, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		conn.Close()
		return nil, err
	}
	key := make([]byte, 16)
	rand.Read(key)
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: %s\r\n"+
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
		path, addr, base64.StdEncoding.EncodeToString(key), origin); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// firstMessage reads the answer to sendUpgrade's request and the first data
// message, without inflating it, and returns the message's size on the wire
// (frame headers included).
func firstMessage(conn net.Conn) (int, error) {
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSwitchingProtocols {
		return 0, fmt.Errorf("status %d", res.StatusCode)
	}
	if !strings.Contains(res.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		return 0, errors.New("permessage-deflate was not negotiated")
	}
	wire := 0
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(br, hdr[:2]); err != nil {
			return 0, err
		}
		fin, opcode, size := hdr[0]&0x80 != 0, hdr[0]&0x0f, uint64(hdr[1]&0x7f)
		n := 2
		switch size {
		case 126:
			if _, err := io.ReadFull(br, hdr[:2]); err != nil {
				return 0, err
			}
			size, n = uint64(binary.BigEndian.Uint16(hdr[:2])), n+2
		case 127:
			if _, err := io.ReadFull(br, hdr[:8]); err != nil {
				return 0, err
			}
			size, n = binary.BigEndian.Uint64(hdr[:8]), n+8
		}
		if _, err := io.CopyN(io.Discard, br, int64(size)); err != nil {
			return 0, err
		}
		if opcode >= 8 { // a control frame: ping, pong or close
			if opcode == 8 {
				return 0, errors.New("closed before the first message")
			}
			continue
		}
		wire += n + int(size)
		if fin {
			return wire, nil
		}
	}
}

// stormClients is a child process, the test binary itself running
// TestStormClients, that plays the reconnecting browsers. It competes with
// the server for the same cores, at the same priority, but its thousand
// goroutines are not in the server's run queues: on the real building the
// browsers' work is done by the TVs, and their connections reach the server
// as a burst of sockets, not as goroutines queued beside its own.
type stormClients struct {
	in  io.WriteCloser
	out *bufio.Scanner
}

// stormResult is what one storm of reconnecting clients saw.
type stormResult struct {
	errs int           // clients that failed
	err  string        // the first failure
	last time.Duration // the last client's whole first message, from the storm's start
	wire int           // the largest first message on the wire, in bytes
}

func startStormClients(b *testing.B, addr, path, origin string, n int) *stormClients {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestStormClients$")
	cmd.Env = append(os.Environ(), "WALLBOARD_STORM_CLIENTS="+strings.Join([]string{addr, path, origin, fmt.Sprint(n)}, " "))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		in.Close()
		_ = cmd.Wait()
	})
	return &stormClients{in: in, out: bufio.NewScanner(out)}
}

// storm starts the child's clients all at once and returns what they saw.
func (c *stormClients) storm(b *testing.B) stormResult {
	if _, err := io.WriteString(c.in, "go\n"); err != nil {
		return stormResult{errs: 1, err: err.Error()}
	}
	for c.out.Scan() {
		var r stormResult
		var last int64
		// The test binary may print its own lines (PASS) around ours.
		if _, err := fmt.Sscanf(c.out.Text(), "storm %d %d %d", &r.errs, &last, &r.wire); err == nil {
			r.last = time.Duration(last)
			if r.errs > 0 {
				r.err = "see the child's stderr"
			}
			return r
		}
	}
	return stormResult{errs: 1, err: fmt.Sprintf("the clients' process ended: %v", c.out.Err())}
}

// TestStormClients is not a test: it is the reconnecting browsers of
// BenchmarkReconnectStorm_2000Users_1000Clients, in their own process (see
// stormClients). On each line "go" on stdin, every client connects at once
// and reads its first message; then it prints "storm ERRS LAST_NS WIRE".
func TestStormClients(t *testing.T) {
	env := os.Getenv("WALLBOARD_STORM_CLIENTS")
	if env == "" {
		t.Skip("run by BenchmarkReconnectStorm_2000Users_1000Clients")
	}
	var addr, path, origin string
	var n int
	if _, err := fmt.Sscan(env, &addr, &path, &origin, &n); err != nil {
		t.Fatal(err)
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var r stormResult
		start := time.Now()
		for range n {
			wg.Go(func() {
				conn, err := sendUpgrade(addr, path, origin)
				var wire int
				if err == nil {
					wire, err = firstMessage(conn)
					conn.Close()
				}
				took := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if r.errs++; r.errs == 1 {
						fmt.Fprintln(os.Stderr, "reconnecting client:", err)
					}
					return
				}
				r.wire = max(r.wire, wire)
				r.last = max(r.last, took)
			})
		}
		wg.Wait()
		fmt.Printf("storm %d %d %d\n", r.errs, r.last.Nanoseconds(), r.wire)
	}
}
