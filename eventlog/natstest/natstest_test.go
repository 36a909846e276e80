package natstest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wallboard/wallboard/eventlog/natstest"
)

func jetStream(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1))
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestServerKeepsDataAndURLAcrossRestart(t *testing.T) {
	s := natstest.RunServer(t)
	url := s.URL()
	if !strings.HasPrefix(url, "nats://127.0.0.1:") || strings.HasSuffix(url, ":-1") {
		t.Fatalf("URL() = %q, want a loopback URL with a bound port", url)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := jetStream(t, url).CreateStream(ctx, jetstream.StreamConfig{Name: "S", Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}

	s.Stop()
	if s.Running() {
		t.Fatal("Running() after Stop")
	}
	if nc, err := nats.Connect(url); err == nil {
		nc.Close()
		t.Fatal("connected to a stopped server")
	}
	s.Stop() // idempotent

	s.Restart()
	if got := s.URL(); got != url {
		t.Errorf("URL() after Restart = %q, want %q", got, url)
	}
	if _, err := jetStream(t, url).Stream(ctx, "S"); err != nil {
		t.Errorf("stream after Restart: %v", err)
	}
}

func TestClusterReplicatesAcrossNodes(t *testing.T) {
	c := natstest.RunCluster(t, 3)
	urls := c.URLs()
	if len(urls) != 3 || c.URL() != strings.Join(urls, ",") {
		t.Fatalf("URLs() = %v, URL() = %q", urls, c.URL())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	js := jetStream(t, urls[0])
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "R3", Subjects: []string{"r3"}, Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "r3", []byte("one")); err != nil {
		t.Fatal(err)
	}

	// With one node down the other two still hold a quorum.
	c.Servers[0].Stop()
	js2 := jetStream(t, urls[2])
	var s jetstream.Stream
	// If node 0 led the stream, the others elect a new leader first.
	for tick := time.Tick(50 * time.Millisecond); ; <-tick {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		var err error
		s, err = js2.Stream(attempt, "R3")
		cancelAttempt()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("stream info with node 0 down: %v", err)
		}
	}
	if n := s.CachedInfo().State.Msgs; n != 1 {
		t.Errorf("stream on node 2 holds %d messages, want 1", n)
	}
	if len(s.CachedInfo().Cluster.Replicas) != 2 {
		t.Errorf("stream replicas = %+v, want 2 besides the leader", s.CachedInfo().Cluster.Replicas)
	}

	c.Servers[0].Restart()
	c.WaitReady()
}
