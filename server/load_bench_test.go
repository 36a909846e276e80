package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wallboard/wallboard/wildix"
)

// The ingest benchmarks send their webhooks from a child process (this test
// binary, re-run as a load generator), so that the CPU this process spends
// is the server's alone: getrusage(2) of the process, over the timed part of
// the run, divided by the webhooks sent, is the CPU per accepted webhook.
// The child pre-builds and pre-signs every body and keeps one connection per
// sender, so that it takes as little of the machine as it can.

// loadEnv carries a loadSpec to the child; TestMain runs the load instead
// of the tests when it is set.
const loadEnv = "WALLBOARD_BENCH_LOAD"

// loadSenders is the number of concurrent senders of the ingest budgets.
const loadSenders = 16

// loadSpec is what the load generator sends.
type loadSpec struct {
	URL     string `json:"url"`
	N       int    `json:"n"`       // webhooks in the timed part
	Senders int    `json:"senders"` // concurrent senders, one connection each
	Users   int    `json:"users"`   // distinct extensions the events cycle through
	Secret  string `json:"secret"`
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(loadEnv); spec != "" {
		os.Exit(runLoadChild(spec))
	}
	os.Exit(m.Run())
}

// loadBody is the i-th event of a load: a telephony status that differs
// from the extension's previous one, so that every event is a real change.
func loadBody(i, users int) []byte {
	statuses := [...]string{"talking", "ringing", "registered"}
	ext := fmt.Sprint(10000 + i%users)
	return telephonyEvent(testCompany, ext, statuses[(i/users)%len(statuses)], ms(time.Duration(i)*time.Millisecond))
}

// runLoadChild is the load generator: it warms one connection per sender,
// says "ready", waits for a line on stdin, sends spec.N webhooks and says
// "done FAILURES".
func runLoadChild(specJSON string) int {
	var spec loadSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 2
	}
	total := spec.Senders + spec.N
	bodies := make([][]byte, total)
	sigs := make([]string, total)
	for i := range total {
		bodies[i] = loadBody(i, spec.Users)
		sigs[i] = wildix.Sign([]byte(spec.Secret), bodies[i])
	}
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: spec.Senders,
			DisableCompression:  true,
		},
	}
	var failed atomic.Int64
	post := func(i int) {
		req, _ := http.NewRequest(http.MethodPost, spec.URL, bytes.NewReader(bodies[i]))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature", sigs[i])
		res, err := client.Do(req)
		if err != nil {
			failed.Add(1)
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 {
			failed.Add(1)
		}
	}
	// Warm-up: one request per sender, at once, opens every connection.
	var wg sync.WaitGroup
	for i := range spec.Senders {
		wg.Go(func() { post(i) })
	}
	wg.Wait()
	failed.Store(0)
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return 2
	}
	var next atomic.Int64
	next.Store(int64(spec.Senders))
	for range spec.Senders {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				post(i)
			}
		})
	}
	wg.Wait()
	fmt.Println("done", failed.Load())
	return 0
}

// cpuTime is the CPU (user and system) this process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sendLoad sends b.N webhooks to url from loadSenders senders in a child
// process and reports this process's CPU per webhook (cpu-µs/op) and the
// webhooks answered per second. The benchmark's timer covers the sending
// only.
func sendLoad(b *testing.B, url string) {
	b.Helper()
	b.StopTimer()
	spec, _ := json.Marshal(loadSpec{URL: url, N: b.N, Senders: loadSenders, Users: 1000, Secret: testSecret})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), loadEnv+"="+string(spec))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start load generator: %v", err)
	}
	defer cmd.Wait()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		stdin.Close()
		b.Fatalf("load generator did not start: %q", lines.Text())
	}
	cpu0 := cpuTime(b)
	start := time.Now()
	b.StartTimer()
	fmt.Fprintln(stdin, "go")
	if !lines.Scan() {
		b.Fatal("load generator ended without its result")
	}
	b.StopTimer()
	elapsed := time.Since(start)
	cpu := cpuTime(b) - cpu0
	stdin.Close()
	if failed := strings.TrimPrefix(lines.Text(), "done "); failed != "0" {
		b.Fatalf("load generator: %s webhooks failed of %d", failed, b.N)
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "webhooks/s")
}
