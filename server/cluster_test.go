package server

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/eventlog/natstest"
	"github.com/wallboard/wallboard/wildix"
	"github.com/wallboard/wallboard/wildix/pbxsim"
	"github.com/wallboard/wallboard/wildix/wildixtest"
)

const clusterSecret = "cluster-secret"

// node is one wallboard on the shared cluster.
type node struct {
	srv  *Server
	http *httptest.Server
	log  *eventlog.Log
	done chan error
}

func startNode(t *testing.T, urls string) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.DiscardHandler)
	elog, err := eventlog.Open(ctx, eventlog.Options{URL: urls, Replicas: 3, Logger: logger})
	if err != nil {
		t.Fatalf("open log: %v", err)
	}
	srv, err := New(Config{Secrets: [][]byte{[]byte(clusterSecret)}, TickPeriod: 24 * time.Hour}, elog, logger)
	if err != nil {
		t.Fatal(err)
	}
	n := &node{srv: srv, http: httptest.NewServer(srv.Handler()), log: elog, done: make(chan error, 1)}
	go func() { n.done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		n.http.Close()
		cancel()
		<-n.done
		n.log.Close()
	})
	return n
}

// post delivers body like the PBX: retrying until a 2xx, since a NATS node
// may be failing over.
func (n *node) post(t *testing.T, body []byte) {
	sig := wildix.Sign([]byte(clusterSecret), body)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPost, n.http.URL+"/webhooks/wildix", bytes.NewReader(body))
		req.Header.Set("X-Signature", sig)
		res, err := n.http.Client().Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode < 300 {
				return
			}
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d", res.StatusCode)
				return
			}
		}
		if time.Now().After(deadline) {
			t.Errorf("event not accepted within 30s: %v", err)
			return
		}
		<-time.After(50 * time.Millisecond) // back off like the PBX between retries
	}
}

// TestClusterConverges runs three wallboards on a real three-node NATS
// cluster. Webhooks are spread over the nodes, retries go to a different
// node than the original, and one NATS server is killed halfway. Every
// wallboard must end byte-identical to a board fed each event once.
func TestClusterConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster")
	}
	cluster := natstest.RunCluster(t, 3)
	ctx := t.Context()

	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	sim := pbxsim.New(pbxsim.Options{Seed: 11, Rate: 2, Now: func() time.Time { return start }})
	events := sim.Initial()
	for len(events) < 1500 {
		_, body := sim.Next()
		events = append(events, body)
	}
	_, stored := wildixtest.Reference(t, board.Options{}, events)

	nodes := []*node{
		startNode(t, cluster.URL()),
		startNode(t, cluster.URL()),
		startNode(t, cluster.URL()),
	}
	for _, n := range nodes {
		select {
		case <-n.srv.CaughtUp():
		case <-time.After(30 * time.Second):
			t.Fatal("node did not catch up")
		}
	}

	// Each event goes to one node in turn, and every tenth again to the
	// next node, as a retry that lands elsewhere behind a load balancer.
	half := len(events) / 2
	send := func(from, to int) {
		for i := from; i < to; i++ {
			nodes[i%3].post(t, events[i])
			if i%10 == 0 {
				nodes[(i+1)%3].post(t, events[i])
			}
		}
	}
	send(0, half)
	cluster.Servers[1].Stop() // a NATS node dies mid-run
	send(half, len(events))

	last, err := nodes[0].log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last != uint64(stored) {
		t.Fatalf("log holds %d entries, want %d distinct events", last, stored)
	}
	// The reference sees the receive times the ingress logged: they are the
	// board's clock.
	want, _ := wildixtest.ReferenceReceived(t, board.Options{}, events, receipts(t, nodes[0].log, last))
	t.Logf("%d events posted (%d distinct stored), board seq %d, NATS node 1 killed after event %d", len(events), stored, want.Seq(), half)
	wantBytes, _ := want.MarshalBinary()
	for i, n := range nodes {
		if err := n.srv.state.waitApplied(t.Context(), last, 30*time.Second); err != nil {
			t.Fatalf("node %d did not apply the whole log: %v", i, err)
		}
		var got []byte
		n.srv.state.read(func(b *board.Board, _ uint64) { got, _ = b.MarshalBinary() })
		if !bytes.Equal(got, wantBytes) {
			t.Errorf("node %d differs from the reference:\n%s", i, firstDiff(got, wantBytes))
		}
	}
}

// receipts returns the receive time the ingress logged with each entry up
// to last, by the SHA-256 of its body (the entry's id).
func receipts(t *testing.T, log EventLog, last uint64) func([32]byte) time.Time {
	t.Helper()
	at := make(map[string]time.Time, last)
	errDone := errors.New("done")
	err := log.Consume(contextTimeout(t, 30*time.Second), 0, func(e eventlog.Entry) error {
		if r, err := time.Parse(time.RFC3339Nano, e.Header[headerReceived]); err == nil {
			at[e.ID] = r
		}
		if e.Seq >= last {
			return errDone
		}
		return nil
	})
	if !errors.Is(err, errDone) {
		t.Fatalf("read receive times: %v", err)
	}
	return func(sum [32]byte) time.Time { return at[hex.EncodeToString(sum[:])] }
}

func contextTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// firstDiff shows where two encodings part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n got %q\nwant %q", i, clip(a, from, i+80), clip(b, from, i+80))
}

func clip(b []byte, from, to int) string {
	return strings.ToValidUTF8(string(b[min(from, len(b)):min(to, len(b))]), "?")
}
