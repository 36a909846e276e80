package main

import (
	"bufio"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/config"
)

var update = flag.Bool("update", false, "rewrite deploy/check/testdata/metrics.txt from the metrics the server exports")

// metricsGolden lists every metric family the program exports, with its
// type; deploy/check tests the alerting rules and the dashboard against it.
var metricsGolden = filepath.Join("..", "..", "deploy", "check", "testdata", "metrics.txt")

// lateFamilies appear only once the demo has answered or abandoned a queue
// call; the scrape waits for them.
var lateFamilies = []string{"wallboard_queue_service_level_percent", "wallboard_queue_abandon_rate_percent"}

// TestExportedMetrics starts the whole program (the simulated PBX feeding
// the real ingress, one SQS queue on a stand-in SQS endpoint, one user
// account), tries a wrong password, scrapes /metrics and compares the families it exports with the golden file, so
// that a metric renamed or removed cannot silently break the alerts and
// the dashboard. Run with -update to rewrite the file.
func TestExportedMetrics(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the process_* metrics of the golden file are those of Linux")
	}
	// A stand-in SQS: every call succeeds with nothing to receive. A
	// receive is held a little, as a long poll would be.
	sqs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ReceiveMessage") {
			select {
			case <-r.Context().Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(sqs.Close) // after the program stops (cleanups run last first)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_PROFILE": "", "AWS_SESSION_TOKEN": "",
	} {
		t.Setenv(k, v)
	}

	// One account, for a failed login to be counted.
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "wallboard.yaml")
	if err := os.WriteFile(cfgFile, []byte("users:\n  - email: admin@example.com\n    role: admin\n    password_hash: \""+
		config.HashPassword("the right password")+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	addr, _ := startCommand(t, "-demo", "-demo-rate", "10", "-addr", "127.0.0.1:0", "-data-dir", filepath.Join(dir, "data"), "-config", cfgFile,
		"-sqs-endpoint", sqs.URL, "-sqs-queue-url", sqs.URL+"/000000000000/wallboard")

	res, err := http.PostForm("http://"+addr+"/login", url.Values{"email": {"admin@example.com"}, "password": {"a wrong password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong password: %s, want 401", res.Status)
	}

	var got []string
	deadline := time.Now().Add(60 * time.Second)
	for {
		got = scrapeFamilies(t, "http://"+addr+"/metrics")
		if hasAll(got, lateFamilies) && slices.Contains(got, "wallboard_sqs_messages_total counter") &&
			slices.Contains(got, "wallboard_events_total counter") {
			break
		}
		if time.Now().After(deadline) {
			t.Logf("some families did not appear within 60 s; comparing what was exported")
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	text := strings.Join(got, "\n") + "\n"
	if *update {
		if err := os.WriteFile(metricsGolden, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(metricsGolden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/wallboard -run TestExportedMetrics -update)", err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("not exported: %s", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("exported but not in %s: %s", metricsGolden, g)
		}
	}
	if t.Failed() {
		t.Log("if the change is meant, update the alerts and the dashboard in deploy/, then run go test ./cmd/wallboard -run TestExportedMetrics -update")
	}
}

// scrapeFamilies returns the sorted "name type" lines of the # TYPE lines
// at url; a histogram or summary also lists the series names Prometheus
// stores for it (_bucket, _sum, _count), which queries name.
func scrapeFamilies(t *testing.T, url string) []string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	var out []string
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "#" || f[1] != "TYPE" {
			continue
		}
		name, typ := f[2], f[3]
		out = append(out, name+" "+typ)
		switch typ {
		case "histogram":
			out = append(out, name+"_bucket "+typ)
			fallthrough
		case "summary":
			out = append(out, name+"_sum "+typ, name+"_count "+typ)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func hasAll(lines, names []string) bool {
	for _, n := range names {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, n+" ") }) {
			return false
		}
	}
	return true
}
