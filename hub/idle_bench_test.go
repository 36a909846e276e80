package hub_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/hub"
)

// idleClientsEnv, when set in a test binary's environment, makes the binary
// act as the client side of BenchmarkIdleClients_5000 instead of running tests:
// its value is "count url".
const idleClientsEnv = "HUB_BENCH_IDLE_CLIENTS"

// TestMain runs the tests, unless the binary was started by
// BenchmarkIdleClients_5000 to hold its client connections.
func TestMain(m *testing.M) {
	if spec := os.Getenv(idleClientsEnv); spec != "" {
		if err := holdIdleClients(spec, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "idle clients:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const idleClients = 5000

// BenchmarkIdleClients_5000 measures the server-side memory of an idle client:
// it connects 5,000 clients to a Hub over loopback TCP, lets each read its
// first message and then sit idle, and reports the growth of the heap and of
// goroutine stacks (HeapInuse + StackInuse, after a GC) divided by the number
// of clients, as B/client. It also reports goroutines/client.
//
// The clients live in a child process, this test binary started again by
// TestMain, so that nothing of theirs (connections, buffers, goroutines) is in
// the figure: what grows in this process is the hub's clients, their gorilla
// connections and their sockets' Go side. In-memory pipes would have kept both
// ends in one heap, and pipes are not what the hub holds in production. Kernel
// socket buffers are not in the figure; they are not the hub's to shrink.
//
// Each iteration is one complete measurement, of a second or two on two cores,
// but the figure reported is the first iteration's: the runtime keeps the
// descriptors of ended goroutines for new ones, so later iterations find part
// of their clients' memory already in the baseline and read low. For the same
// reason, -count=N reads low after the first run; run the test binary N times
// instead. The figure is meaningless under the race detector, which shadows
// every allocation.
func BenchmarkIdleClients_5000(b *testing.B) {
	raiseFileLimit(b, idleClients+256)
	first := true
	for b.Loop() {
		bytes, goroutines := measureIdleClients(b, idleClients)
		if first {
			b.ReportMetric(float64(bytes)/idleClients, "B/client")
			b.ReportMetric(float64(goroutines)/idleClients, "goroutines/client")
			first = false
		}
	}
}

// measureIdleClients serves a new Hub, connects n idle clients to it from a
// child process, and returns how much HeapInuse + StackInuse and the number of
// goroutines grew in this process. It disconnects the clients and shuts the
// hub down before returning.
func measureIdleClients(b *testing.B, n int) (bytes int64, goroutines int) {
	b.Helper()
	h := hub.New(slog.New(slog.NewTextHandler(b.Output(), nil)), hub.Options{CheckOrigin: hub.SameOrigin()})
	srv := httptest.NewServer(handler(b, h, func(string) []byte { return benchMessage }))
	defer srv.Close()
	defer func() {
		if err := h.Shutdown(context.Background()); err != nil {
			b.Errorf("Shutdown: %v", err)
		}
	}()

	heap0, g0 := settledMemory()

	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), idleClientsEnv+"="+strconv.Itoa(n)+" "+wsURL(srv, "idle"))
	child.Stderr = os.Stderr
	stdin, err := child.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := child.Start(); err != nil {
		b.Fatalf("starting the client process: %v", err)
	}
	defer func() {
		stdin.Close() // the child exits, closing its connections
		if err := child.Wait(); err != nil {
			b.Errorf("client process: %v", err)
		}
	}()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		b.Fatalf("client process: %q, %v; want \"ready\"", line, err)
	}

	// Every client has read its first message, so its writer is idle; wait
	// for net/http's goroutines, which end after Serve returns, to be gone.
	if got := h.Stats().Clients; got != n {
		b.Fatalf("Clients = %d, want %d", got, n)
	}
	for deadline := time.Now().Add(hangGuard); runtime.NumGoroutine() > g0+2*n; {
		if time.Now().After(deadline) {
			b.Fatalf("%d goroutines with %d clients, was %d without", runtime.NumGoroutine(), n, g0)
		}
		time.Sleep(10 * time.Millisecond)
	}
	heap1, g1 := settledMemory()
	return int64(heap1) - int64(heap0), g1 - g0
}

// settledMemory collects garbage and returns HeapInuse + StackInuse and the
// number of goroutines.
func settledMemory() (uint64, int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse, runtime.NumGoroutine()
}

// raiseFileLimit raises the soft limit on open files to need, if it is lower,
// or skips the benchmark if the hard limit is lower.
func raiseFileLimit(b *testing.B, need uint64) {
	b.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("reading the open-file limit: %v", err)
	}
	if lim.Cur >= need {
		return
	}
	if lim.Max < need {
		b.Skipf("open-file hard limit %d is below the %d needed", lim.Max, need)
	}
	lim.Cur = need
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("raising the open-file limit to %d: %v", need, err)
	}
}

// holdIdleClients is the client process of BenchmarkIdleClients_5000. spec is
// "count url". It connects count clients to url, reads each one's first
// message, writes "ready" to out and keeps the clients connected (answering
// pings) until in ends.
func holdIdleClients(spec string, in io.Reader, out io.Writer) error {
	var n int
	var url string
	if _, err := fmt.Sscan(spec, &n, &url); err != nil {
		return fmt.Errorf("parsing %q: %w", spec, err)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("reading the open-file limit: %w", err)
	}
	lim.Cur = lim.Max // the parent checked that it is enough
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("raising the open-file limit: %w", err)
	}

	// A few dialers at once keep the server's accept backlog short.
	const dialers = 8
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	errs := make(chan error, dialers)
	var wg sync.WaitGroup
	for range dialers {
		wg.Go(func() {
			for range jobs {
				if err := dialIdle(url); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}

	if _, err := io.WriteString(out, "ready\n"); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, in) // until the parent closes it
	return nil
}

// dialIdle connects a client to url, reads its first message and leaves a
// goroutine reading the connection, which answers pings and close frames.
func dialIdle(url string) error {
	conn, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	resp.Body.Close()
	if err := conn.SetReadDeadline(time.Now().Add(hangGuard)); err != nil {
		return err
	}
	if _, _, err := conn.ReadMessage(); err != nil {
		return fmt.Errorf("first message: %w", err)
	}
	if err := conn.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	go func() {
		defer conn.Close()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	return nil
}
