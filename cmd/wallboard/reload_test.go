package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	tokenA = "display-token-a-0123456789abcdef0123456789"
	tokenB = "display-token-b-0123456789abcdef0123456789"
)

// boardYAML is a configuration file with one display link.
func boardYAML(token string) string {
	return `integrations:
  - id: rld001
    company: it_w900001
    secrets: ["reload-secret"]
displays:
  - name: Floor
    token: "` + token + `"
    company: it_w900001
`
}

// logLines collects a running command's log.
type logLines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startCommand runs the program with args until the test ends and returns
// its address and log.
func startCommand(t *testing.T, args ...string) (string, *logLines) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, envOf(nil), pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("run did not stop")
		}
	})
	addrRE := regexp.MustCompile(`msg=Listening addr=(\S+)`)
	logs := &logLines{}
	addrc := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			logs.mu.Lock()
			logs.b.WriteString(lines.Text() + "\n")
			logs.mu.Unlock()
			if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
				addrc <- m[1]
			}
		}
	}()
	select {
	case addr := <-addrc:
		return addr, logs
	case err := <-done:
		t.Fatalf("run returned %v before listening", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no Listening line")
	}
	return "", nil
}

// status is the status of GET url.
func status(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// eventually polls cond for up to 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil { // as editors and deployments replace files
		t.Fatal(err)
	}
}

// TestSIGHUPReloadsTheConfiguration runs the program, then replaces the
// display link of its configuration file and sends SIGHUP: the removed
// link's socket is closed with 4401 and the new link works, without a
// restart. A file that does not validate is refused and counted, and the
// running configuration stays.
func TestSIGHUPReloadsTheConfiguration(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "board.yaml")
	writeFile(t, path, boardYAML(tokenA))
	addr, logs := startCommand(t, "-addr", "127.0.0.1:0", "-data-dir", filepath.Join(dir, "data"), "-config", path, "-config-poll", "0")
	base := "http://" + addr
	eventually(t, "ready", func() bool { return status(t, base+"/readyz") == http.StatusOK })

	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws?view=board&display="+tokenA, http.Header{"Origin": {base}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, _, err := conn.ReadMessage(); err != nil {
		t.Fatal(err)
	}

	writeFile(t, path, boardYAML(tokenB))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	code := 0
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			if ce, ok := errors.AsType[*websocket.CloseError](err); ok {
				code = ce.Code
			}
			break
		}
	}
	if code != 4401 {
		t.Errorf("the removed display's socket closed with %d; want 4401", code)
	}
	if got := status(t, base+"/display/"+tokenB); got != http.StatusOK {
		t.Errorf("new display link = %d; want 200", got)
	}
	if got := status(t, base+"/display/"+tokenA); got != http.StatusNotFound {
		t.Errorf("removed display link = %d; want 404", got)
	}

	writeFile(t, path, boardYAML(tokenA)+"pasword_hash: oops\n")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refusal logged", func() bool {
		return strings.Contains(logs.String(), "Configuration refused") && strings.Contains(logs.String(), "pasword_hash")
	})
	if got := status(t, base+"/display/"+tokenB); got != http.StatusOK {
		t.Errorf("after a refused reload the display link = %d; want 200 (the running configuration stays)", got)
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`wallboard_config_reloads_total{result="applied"} 1`, `wallboard_config_reloads_total{result="refused"} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestChangedConfigurationFileIsApplied: with polling, writing the file is
// enough.
func TestChangedConfigurationFileIsApplied(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "board.yaml")
	writeFile(t, path, boardYAML(tokenA))
	addr, _ := startCommand(t, "-addr", "127.0.0.1:0", "-data-dir", filepath.Join(dir, "data"), "-config", path, "-config-poll", "100ms")
	base := "http://" + addr
	if got := status(t, base+"/display/"+tokenB); got != http.StatusNotFound {
		t.Fatalf("display B before the change = %d; want 404", got)
	}
	writeFile(t, path, boardYAML(tokenB))
	eventually(t, "display B after the change", func() bool { return status(t, base+"/display/"+tokenB) == http.StatusOK })
}
