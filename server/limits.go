package server

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// What one request or one client may hold. Every limit is in the README's
// Security section.
const (
	// formLimit bounds the body of the login and logout forms: an email, a
	// password and a path fit many times over.
	formLimit = 8 << 10

	// readHeaderTimeout is how long a client may take to send a request's
	// headers, defaultReadTimeout its headers and body (a webhook is ~1 KB,
	// so a slow sender is a broken or hostile one). WebSockets are not
	// bound by them: the upgrade clears the server's deadlines and the hub
	// keeps its own.
	readHeaderTimeout  = 5 * time.Second
	defaultReadTimeout = 10 * time.Second
	// writeTimeout bounds writing an answer (a page of 2,000 people
	// included); idleTimeout how long a kept-alive connection may wait for
	// its next request.
	writeTimeout = 30 * time.Second
	idleTimeout  = 2 * time.Minute
	// maxHeaderBytes bounds a request's headers.
	maxHeaderBytes = 64 << 10

	defaultMaxConns          = 8192
	defaultMaxConnsPerClient = 512
)

// limitBodies bounds every request body before a handler can read it. A
// route reads at most its entry in s.bodyLimits, and every other route reads
// no body at all:
//
//   - a request to a route that reads no body, declaring one, gets 413 at
//     once;
//   - a declared Content-Length over the route's limit makes the handler's
//     first read fail at once with *http.MaxBytesError (answered 413), so
//     that not a byte of it is waited for; the connection is then closed;
//   - a body of unknown length (chunked) fails the read that passes the
//     limit, in the same way.
func (s *Server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := s.bodyLimits[r.Method+" "+c.Path()]
		switch {
		case r.ContentLength > limit && limit == 0:
			c.Response().Header().Set(echo.HeaderConnection, "close")
			return errorJSON(c, http.StatusRequestEntityTooLarge, "This request takes no body.")
		case r.ContentLength > limit:
			c.Response().Header().Set(echo.HeaderConnection, "close")
			r.Body = tooLarge{limit}
		default:
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		}
		return next(c)
	}
}

// tooLarge is the body of a request that declared more than its limit:
// reading it fails at once.
type tooLarge struct{ limit int64 }

func (b tooLarge) Read([]byte) (int, error) { return 0, &http.MaxBytesError{Limit: b.limit} }
func (tooLarge) Close() error               { return nil }

var _ io.ReadCloser = tooLarge{}

// HTTPServer returns the http.Server to serve s with: every phase of a
// request has a deadline and headers are bounded. Serve it on a listener
// from LimitListener.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: min(readHeaderTimeout, s.cfg.ReadTimeout),
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// New connections are let in at most acceptBurst at once and then one
// every acceptPace. An ordinary client never meets the limit; a reconnect
// wave (a building of TVs after a network blip, every browser after a
// restart) waits in the kernel's accept queue, which costs nothing, instead
// of becoming a thousand goroutines that all parse their request in the
// same few milliseconds and push the writes to the browsers that stayed
// connected to the back of the run queues. The hub admits the upgrades
// themselves at a slower pace still (one per 0.8 ms), so pacing the accepts
// does not delay the wave's last browser; a request on a new connection
// that arrives behind the wave waits for it to be accepted, about half a
// second for a thousand browsers. Requests on connections already open
// (keep-alive, as the PBX's webhooks and the sockets are) are not affected.
const (
	acceptPace  = 500 * time.Microsecond
	acceptBurst = 16
)

// LimitListener wraps ln so that it holds at most Config.MaxConns
// connections in total and Config.MaxConnsPerClient from one client address
// (the TCP peer; trusted proxies are exempt from the per-client cap, and
// count towards the total). A connection over either cap is closed as soon
// as it is accepted, before a byte of it is read: a flood of idle or
// half-sent connections costs an accept each and never delays another
// client's requests, and the process never runs out of file descriptors.
// Accepts are paced (see acceptPace) and wait while pushes are being
// written (hub.Yield).
func (s *Server) LimitListener(ln net.Listener) net.Listener {
	l := newLimitListener(ln, s.cfg.MaxConns, s.cfg.MaxConnsPerClient, &s.metrics.connsRefused, s.hub.Yield)
	l.exempt = s.cfg.TrustedProxies
	return l
}

// newLimitListener is a limitListener with the caps, paced, counting the
// connections it refuses in refused; admit is called before each Accept.
func newLimitListener(ln net.Listener, maxConns, perClient int, refused *atomic.Uint64, admit func()) *limitListener {
	return &limitListener{
		Listener:  ln,
		max:       maxConns,
		perClient: perClient,
		open:      map[netip.Addr]int{},
		refused:   refused,
		admit:     admit,
		pace:      rate.NewLimiter(rate.Every(acceptPace), acceptBurst),
	}
}

// limitListener is the listener of LimitListener.
type limitListener struct {
	net.Listener
	max, perClient int
	exempt         []netip.Prefix
	refused        *atomic.Uint64
	admit          func() // waits while pushes are being written (hub.Yield)
	pace           *rate.Limiter

	mu    sync.Mutex
	total int
	open  map[netip.Addr]int // connections per client address
}

// Accept returns the next connection within the caps, closing those over
// them.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		l.admit()
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := peerAddr(conn)
		if l.take(addr) {
			// Only connections let in are paced: a flood over the
			// caps is still refused as fast as it comes. Wait fails
			// only for more than acceptBurst at once, which this
			// never asks for.
			_ = l.pace.Wait(context.Background())
			return &limitConn{Conn: conn, release: sync.OnceFunc(func() { l.release(addr) })}, nil
		}
		l.refused.Add(1)
		// Close at once, without a lingering FIN handshake holding the
		// descriptor.
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
}

func (l *limitListener) take(addr netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= l.max {
		return false
	}
	if l.capped(addr) && l.open[addr] >= l.perClient {
		return false
	}
	l.total++
	l.open[addr]++
	return true
}

func (l *limitListener) release(addr netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.open[addr]--; l.open[addr] <= 0 {
		delete(l.open, addr)
	}
}

// capped reports whether the per-client cap applies to addr: not to a
// trusted proxy, which speaks for many clients.
func (l *limitListener) capped(addr netip.Addr) bool {
	for _, p := range l.exempt {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// peerAddr is the address of conn's peer, IPv4 unmapped.
func peerAddr(conn net.Conn) netip.Addr {
	if tcp, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap()
	}
	ap, err := netip.ParseAddrPort(conn.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// limitConn gives its place back when closed, however it is closed (also
// after a WebSocket upgrade hijacked it).
type limitConn struct {
	net.Conn
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.release()
	return err
}
