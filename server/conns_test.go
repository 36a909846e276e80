package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix"
)

// TestConnectionFloodDoesNotDelayWebhooks opens 20,000 idle or half-sent
// connections from one address, then checks that webhooks from another are
// still answered at once. The flood comes from two child processes (this
// test binary again, running TestFloodHelper) of 10,000 connections each,
// so that it does not share this process's open-file limit: without the
// connection caps, a server whose limit is below the flood runs out of
// descriptors and stops accepting anyone.
func TestConnectionFloodDoesNotDelayWebhooks(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 20,000 connections")
	}
	const flood, children = 20_000, 2

	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(t.Context(), eventlog.Options{Dir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { elog.Close() })
	srv, err := server.New(server.Config{
		Secrets:           [][]byte{[]byte(testSecret)},
		MaxConns:          1000,
		MaxConnsPerClient: 100,
	}, elog, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-srv.CaughtUp()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer(nil)
	go hs.Serve(srv.LimitListener(ln))
	t.Cleanup(func() { hs.Close() })
	url := "http://" + ln.Addr().String() + "/webhooks/wildix"

	// webhook posts a valid event on a connection of its own.
	webhook := func(i int) (time.Duration, error) {
		body := presenceEvent("1001", "available", fmt.Sprint("flood ", i), int64(1_700_000_000_000+i))
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature", wildix.Sign([]byte(testSecret), body))
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		start := time.Now()
		res, err := c.Do(req)
		took := time.Since(start)
		if err != nil {
			return took, fmt.Errorf("webhook %d: %w", i, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return took, fmt.Errorf("webhook %d = %d", i, res.StatusCode)
		}
		return took, nil
	}
	if _, err := webhook(0); err != nil { // the log's first write
		t.Fatal(err)
	}

	// Webhooks go on, one after the other, while the flood opens and
	// while it holds.
	var (
		took    []time.Duration
		failed  []error
		posting = make(chan struct{})
		posted  = make(chan struct{})
	)
	go func() {
		defer close(posted)
		for i := 1; ; i++ {
			d, err := webhook(i)
			took = append(took, d)
			if err != nil {
				failed = append(failed, err)
			}
			select {
			case <-posting:
				return
			default:
			}
		}
	}()

	// One loopback address of its own (a fresh one each run, clear of the
	// last run's closing sockets).
	attacker := netip.AddrFrom4([4]byte{127, byte(1 + rand.IntN(250)), byte(rand.IntN(256)), byte(1 + rand.IntN(250))})
	for range children {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFloodHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "WALLBOARD_TEST_FLOOD="+ln.Addr().String()+" "+attacker.String()+" "+fmt.Sprint(flood/children))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stdin.Close() // the child closes its connections and exits
			if err := cmd.Wait(); err != nil {
				t.Errorf("flood process: %v", err)
			}
		})
		lines := bufio.NewScanner(stdout)
		var said []string
		for lines.Scan() && !strings.HasPrefix(lines.Text(), floodReady) {
			said = append(said, lines.Text())
		}
		if !strings.HasPrefix(lines.Text(), floodReady) {
			t.Fatalf("the flood process failed (its dials time out when the server stops accepting anyone):\n%s", strings.Join(said, "\n"))
		}
		t.Log(lines.Text())
		go io.Copy(io.Discard, stdout)
	}

	// Hold it past the server's header timeout, which a sustained flood
	// outlasts by connecting again.
	<-time.After(7 * time.Second)
	close(posting)
	<-posted
	for _, err := range failed {
		t.Error(err)
	}
	slices.Sort(took)
	p99 := took[len(took)*99/100]
	t.Logf("%d connections from %s; %d webhooks meanwhile, answered in %v (median), %v (p99), %v (slowest)", flood, attacker, len(took), took[len(took)/2], p99, took[len(took)-1])
	if p99 > 100*time.Millisecond {
		t.Errorf("webhooks during the flood took %v (p99); want under 100ms", p99)
	}
}

// floodReady is what TestFloodHelper prints once its connections are open.
const floodReady = "FLOOD READY"

// TestFloodHelper is the flood of TestConnectionFloodDoesNotDelayWebhooks,
// run in a child process: it opens the connections, a third idle, a third
// half-way through their headers, a third half-way through a webhook's
// body, says so, and holds them until its stdin closes, opening again each
// connection the server held for a while and then closed.
func TestFloodHelper(t *testing.T) {
	spec := os.Getenv("WALLBOARD_TEST_FLOOD")
	if spec == "" {
		t.Skip("the flood of TestConnectionFloodDoesNotDelayWebhooks")
	}
	var addr, from string
	var n int
	if _, err := fmt.Sscan(spec, &addr, &from, &n); err != nil {
		t.Fatal(err)
	}
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	partial := []string{
		"",
		"POST /webhooks/wildix HTTP/1.1\r\nHost: x\r\nContent-Ty",
		"POST /webhooks/wildix HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":",
	}
	stop := make(chan struct{})
	var reset atomic.Int64
	var mu sync.Mutex
	var open []net.Conn
	// hold keeps connection i open: it opens it, sends its part, and opens
	// it again whenever the server closes it after having held it.
	var holders sync.WaitGroup
	hold := func(i int) error {
		c, err := dialer.Dial("tcp", addr)
		if errors.Is(err, syscall.ECONNRESET) {
			reset.Add(1) // refused by the server as soon as accepted
			return nil
		}
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		mu.Lock()
		open = append(open, c)
		mu.Unlock()
		if p := partial[i%3]; p != "" {
			_, _ = io.WriteString(c, p) // refused ones are reset: fine
		}
		holders.Go(func() {
			for {
				opened := time.Now()
				_, _ = c.Read(make([]byte, 1))
				select {
				case <-stop:
					return
				default:
				}
				if time.Since(opened) < time.Second {
					return // refused: a real flood would not get further
				}
				if c, err = dialer.Dial("tcp", addr); err != nil {
					return
				}
				mu.Lock()
				open = append(open, c)
				mu.Unlock()
				if p := partial[i%3]; p != "" {
					_, _ = io.WriteString(c, p)
				}
			}
		})
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if err := hold(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fmt.Println(floodReady, n, "connections,", reset.Load(), "reset while connecting")
	_, _ = io.Copy(io.Discard, os.Stdin)
	close(stop)
	mu.Lock()
	for _, c := range open {
		c.Close()
	}
	mu.Unlock()
	holders.Wait()
}

// TestReadTimeoutSparesWebSockets: a request whose body stalls is cut off
// after Config.ReadTimeout, while a WebSocket lives on past it.
func TestReadTimeoutSparesWebSockets(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	h := newHarnessWith(t, eventlog.Options{Dir: t.TempDir()}, func(c *server.Config) {
		c.ReadTimeout = readTimeout
		c.HeartbeatPeriod = 4 * readTimeout
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := h.srv.HTTPServer(nil)
	go hs.Serve(h.srv.LimitListener(ln))
	t.Cleanup(func() { hs.Close() })

	start := time.Now() // before the dial: the server's deadline starts after it
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // a hang guard
	io.WriteString(conn, "POST /webhooks/wildix HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":")
	_, _ = io.Copy(io.Discard, conn) // until the server hangs up
	if took := time.Since(start); took < readTimeout || took > 10*readTimeout {
		t.Errorf("a stalled body held its connection %v; want about the read timeout, %v", took, readTimeout)
	}

	ws, res, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/ws", nil)
	if err != nil {
		t.Fatalf("socket: %v (%v)", err, res)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	opened := time.Now()
	for time.Since(opened) < 3*readTimeout {
		if _, _, err := ws.ReadMessage(); err != nil {
			t.Fatalf("the socket ended %v after opening: %v; want it to outlive the read timeout", time.Since(opened), err)
		}
	}
}
