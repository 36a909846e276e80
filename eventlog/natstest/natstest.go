// Package natstest runs real NATS servers with JetStream inside a test
// process: a single server, or a cluster of servers routed to each other,
// all listening on random loopback ports with data in the test's temporary
// directory. Servers can be stopped and restarted mid-test (same port, same
// data) to exercise reconnection and failover.
package natstest

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// startTimeout bounds how long a server may take to accept connections, and
// a cluster to elect a JetStream leader.
const startTimeout = 30 * time.Second

// pollInterval is how often readiness is rechecked while waiting.
const pollInterval = 20 * time.Millisecond

// Server is one in-process NATS server with JetStream. Its methods are safe
// for concurrent use.
type Server struct {
	tb testing.TB

	name     string
	storeDir string
	cluster  string // cluster name, empty for a standalone server

	mu          sync.Mutex
	srv         *server.Server // nil while stopped
	port        int            // client port; server.RANDOM_PORT until first start
	clusterPort int            // route port; server.RANDOM_PORT until first start
	routes      []*url.URL
}

// RunServer starts a standalone server and stops it when the test ends.
func RunServer(tb testing.TB) *Server {
	tb.Helper()
	s := newServer(tb, "natstest", "")
	s.start()
	return s
}

func newServer(tb testing.TB, name, cluster string) *Server {
	s := &Server{
		tb:          tb,
		name:        name,
		storeDir:    tb.TempDir(),
		cluster:     cluster,
		port:        server.RANDOM_PORT,
		clusterPort: server.RANDOM_PORT,
	}
	tb.Cleanup(s.Stop)
	return s
}

// URL returns the server's client URL, nats://127.0.0.1:port. It stays the
// same across Stop and Restart.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("nats://127.0.0.1:%d", s.port)
}

// Stop shuts the server down, dropping its client and route connections, and
// waits until it is down. Its data stays for Restart. Stopping a stopped
// server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart starts a stopped server again on the same ports with the same
// data. It fails the test if the server is running or cannot start.
func (s *Server) Restart() {
	s.tb.Helper()
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		s.tb.Fatalf("natstest: Restart of running server %s", s.name)
	}
	s.start()
}

// Running reports whether the server is started.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.srv != nil
}

// start builds fresh options (a running server owns the ones it was given)
// and starts the server, remembering the ports it bound.
func (s *Server) start() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	opts := &server.Options{
		ServerName: s.name,
		Host:       "127.0.0.1",
		Port:       s.port,
		JetStream:  true,
		StoreDir:   s.storeDir,
		NoLog:      true,
		NoSigs:     true,
	}
	if s.cluster != "" {
		opts.Cluster = server.ClusterOpts{
			Name: s.cluster,
			Host: "127.0.0.1",
			Port: s.clusterPort,
		}
		opts.Routes = s.routes
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		s.tb.Fatalf("natstest: configure server %s: %v", s.name, err)
	}
	srv.Start()
	if !srv.ReadyForConnections(startTimeout) {
		srv.Shutdown()
		s.tb.Fatalf("natstest: server %s not ready within %v", s.name, startTimeout)
	}
	s.srv = srv
	s.port = srv.Addr().(*net.TCPAddr).Port
	if s.cluster != "" {
		s.clusterPort = srv.ClusterAddr().Port
	}
}

// Cluster is a set of servers forming one JetStream cluster.
type Cluster struct {
	// Servers are the cluster's nodes; stop and restart them individually.
	Servers []*Server
}

// RunCluster starts an n-node JetStream cluster (n >= 3 for quorum under the
// loss of a node), waits until it has elected a JetStream leader, and stops
// it when the test ends.
func RunCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	// A clustered JetStream server refuses to start without routes, so every
	// node needs its peers' route ports up front: reserve them.
	ports := freePorts(tb, n)
	c := &Cluster{}
	for i := range n {
		s := newServer(tb, fmt.Sprintf("natstest-%d", i), "natstest")
		s.clusterPort = ports[i]
		for j, p := range ports {
			if j != i {
				s.routes = append(s.routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
			}
		}
		c.Servers = append(c.Servers, s)
	}
	for _, s := range c.Servers {
		s.start()
	}
	c.WaitReady()
	return c
}

// freePorts returns n distinct loopback TCP ports that were free a moment ago.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	ports := make([]int, n)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("natstest: reserve a port: %v", err)
		}
		defer ln.Close()
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// URLs returns every node's client URL.
func (c *Cluster) URLs() []string {
	urls := make([]string, len(c.Servers))
	for i, s := range c.Servers {
		urls[i] = s.URL()
	}
	return urls
}

// URL returns every node's client URL, comma-separated, as NATS clients
// accept them.
func (c *Cluster) URL() string { return strings.Join(c.URLs(), ",") }

// WaitReady waits until the running nodes have a JetStream meta leader that
// sees every node as a peer and all running nodes are current with it. It
// fails the test after a timeout.
func (c *Cluster) WaitReady() {
	c.Servers[0].tb.Helper()
	deadline := time.Now().Add(startTimeout)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for !c.ready() {
		if time.Now().After(deadline) {
			c.Servers[0].tb.Fatalf("natstest: cluster has no JetStream leader within %v", startTimeout)
		}
		<-tick.C
	}
}

func (c *Cluster) ready() bool {
	leader := false
	for _, s := range c.Servers {
		s.mu.Lock()
		srv := s.srv
		s.mu.Unlock()
		if srv == nil {
			continue
		}
		if !srv.JetStreamIsCurrent() {
			return false
		}
		if srv.JetStreamIsLeader() && len(srv.JetStreamClusterPeers()) == len(c.Servers) {
			leader = true
		}
	}
	return leader
}
