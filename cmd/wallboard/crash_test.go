package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/wildix"
	"github.com/wallboard/wallboard/wildix/pbxsim"
	"github.com/wallboard/wallboard/wildix/wildixtest"
)

// runAsWallboard makes the test binary act as the wallboard command, so that
// the crash test can SIGKILL a real process without building another binary.
const runAsWallboard = "WALLBOARD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsWallboard) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

const crashSecret = "crash-test-secret"

// crashEvents is a simulated company's traffic: calls in both formats,
// presence, conferences, analytics, and the PBX's own exact retries.
func crashEvents(n int) [][]byte {
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	sim := pbxsim.New(pbxsim.Options{Seed: 7, Rate: 2, Now: func() time.Time { return start }})
	events := sim.Initial()
	for len(events) < n {
		_, body := sim.Next()
		events = append(events, body)
	}
	return events
}

// process is one wallboard process under test.
type process struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

func startProcess(t *testing.T, dir, addr string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-addr", addr, "-data-dir", dir, "-webhook-secret", crashSecret,
		"-tick-period", "24h", "-log-level", "warn")
	cmd.Env = append(os.Environ(), runAsWallboard+"=1")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start wallboard: %v", err)
	}
	p := &process{cmd: cmd, addr: addr, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()

	deadline := time.Now().Add(30 * time.Second)
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for range poll.C {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("wallboard exited during start: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("wallboard did not become ready")
		}
	}
	return p
}

func (p *process) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
}

// post sends one signed event; ok means the wallboard acknowledged it.
func (p *process) post(client *http.Client, body []byte) (ok bool, err error) {
	req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/webhooks/wildix", bytes.NewReader(body))
	req.Header.Set("X-Signature", wildix.Sign([]byte(crashSecret), body))
	res, err := client.Do(req)
	if err != nil {
		return false, err // the process died: the PBX would retry
	}
	res.Body.Close()
	return res.StatusCode < 300, nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestCrashLosesNothing posts a simulated day's morning while killing the
// process with SIGKILL at random moments. Like the PBX, the sender retries
// whatever was not acknowledged. In the end the board must equal a board fed
// every event once: nothing acknowledged lost, nothing applied twice.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts and kills real processes")
	}
	events := crashEvents(5000)
	_, distinct := wildixtest.Reference(t, board.Options{}, events)

	dir, addr := t.TempDir(), freeAddr(t)
	rng := rand.New(rand.NewPCG(1, 2))
	client := &http.Client{Timeout: 10 * time.Second}
	kills, next := 0, 0
	for {
		p := startProcess(t, dir, addr)
		var killer *time.Timer
		if kills < 4 {
			// SIGKILL at a random moment, requests in flight.
			killer = time.AfterFunc(time.Duration(150+rng.IntN(1000))*time.Millisecond, func() {
				_ = p.cmd.Process.Signal(syscall.SIGKILL)
			})
		}
		for next < len(events) {
			ok, err := p.post(client, events[next])
			if err != nil {
				break // killed: restart and resend what was not acknowledged
			}
			if !ok {
				t.Fatalf("event %d refused", next)
			}
			next++
		}
		if killer != nil && !killer.Stop() {
			<-p.done
			kills++
			continue
		}
		p.stop(t)
		break
	}
	if kills < 3 {
		t.Fatalf("only %d kills", kills)
	}

	// Read what the process left behind: its final snapshot, and the log.
	elog, err := eventlog.Open(context.Background(), eventlog.Options{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer elog.Close()
	seq, data, err := elog.LoadSnapshot(context.Background())
	if err != nil || data == nil {
		t.Fatalf("load snapshot: %v", err)
	}
	last, err := elog.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if seq != last {
		t.Fatalf("final snapshot at log seq %d, log ends at %d", seq, last)
	}
	if last != uint64(distinct) {
		t.Fatalf("log holds %d entries, want %d distinct events: something was lost or stored twice", last, distinct)
	}
	// The board's clock is the receive time the ingress logged with each
	// entry: the reference sees the same.
	received := map[string]time.Time{}
	errDone := errors.New("done")
	if err := elog.Consume(context.Background(), 0, func(e eventlog.Entry) error {
		if r, err := time.Parse(time.RFC3339Nano, e.Header["Wallboard-Received"]); err == nil {
			received[e.ID] = r
		}
		if e.Seq >= last {
			return errDone
		}
		return nil
	}); !errors.Is(err, errDone) {
		t.Fatalf("read receive times: %v", err)
	}
	want, _ := wildixtest.ReferenceReceived(t, board.Options{}, events, func(sum [32]byte) time.Time { return received[hex.EncodeToString(sum[:])] })
	got := board.New(board.Options{})
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	gotBytes, _ := got.MarshalBinary()
	wantBytes, _ := want.MarshalBinary()
	if !bytes.Equal(gotBytes, wantBytes) {
		os.WriteFile(filepath.Join(t.TempDir(), "got.json"), gotBytes, 0o644)
		t.Fatalf("board after %d kills differs from the reference (seq %d vs %d)", kills, got.Seq(), want.Seq())
	}
	t.Logf("%d events (%d distinct), %d kills, board seq %d", len(events), distinct, kills, got.Seq())
}
