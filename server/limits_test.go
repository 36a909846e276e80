package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// countingListener counts the bytes the server reads from each connection,
// by the client's address.
type countingListener struct {
	net.Listener
	mu    sync.Mutex
	reads map[string]*atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	n := new(atomic.Int64)
	l.mu.Lock()
	l.reads[conn.RemoteAddr().String()] = n
	l.mu.Unlock()
	return &countingConn{Conn: conn, n: n}, nil
}

func (l *countingListener) read(client string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.reads[client]; n != nil {
		return n.Load()
	}
	return 0
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// hugeBody is what an attacker sends: 45 MB, declared or chunked.
const hugeBody = 45 << 20

// TestBodiesAreBoundedBeforeTheyAreRead sends 45 MB bodies to every kind of
// route and checks that each is refused having read at most a little of
// it: so nothing can be spooled to disk or memory, whatever the type.
func TestBodiesAreBoundedBeforeTheyAreRead(t *testing.T) {
	s, err := New(authConfig(), nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s.Handler())
	cl := &countingListener{Listener: ts.Listener, reads: map[string]*atomic.Int64{}}
	ts.Listener = cl
	ts.Start()
	t.Cleanup(ts.Close)
	origin := ts.URL

	tests := []struct {
		name, method, path, contentType string
		chunked                         bool
		want                            int
	}{
		{"multipart login", "POST", "/login", "multipart/form-data; boundary=xyz", false, http.StatusUnsupportedMediaType},
		{"multipart login, chunked", "POST", "/login", "multipart/form-data; boundary=xyz", true, http.StatusUnsupportedMediaType},
		{"urlencoded login over the limit", "POST", "/login", "application/x-www-form-urlencoded", false, http.StatusRequestEntityTooLarge},
		{"urlencoded login over the limit, chunked", "POST", "/login", "application/x-www-form-urlencoded", true, http.StatusRequestEntityTooLarge},
		{"logout over the limit", "POST", "/logout", "application/x-www-form-urlencoded", false, http.StatusRequestEntityTooLarge},
		{"webhook over the limit", "POST", "/webhooks/wildix", "application/json", false, http.StatusRequestEntityTooLarge},
		{"webhook over the limit, chunked", "POST", "/webhooks/wildix", "application/json", true, http.StatusRequestEntityTooLarge},
		{"a body where none is read", "GET", "/healthz", "application/json", false, http.StatusRequestEntityTooLarge},
		{"a body on a page", "GET", "/login", "application/x-www-form-urlencoded", false, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)

			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // a hang guard
			head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nContent-Type: %s\r\n", tt.method, tt.path, ts.Listener.Addr(), origin, tt.contentType)
			if tt.chunked {
				head += "Transfer-Encoding: chunked\r\n\r\n"
			} else {
				head += fmt.Sprintf("Content-Length: %d\r\n\r\n", hugeBody)
			}
			if _, err := io.WriteString(conn, head); err != nil {
				t.Fatal(err)
			}
			// Send the body until the server stops taking it: a file
			// part for multipart, which a parser would spool to disk.
			sent := make(chan int64, 1)
			go func() {
				frame := func(b []byte) []byte {
					if !tt.chunked {
						return b
					}
					return append(append([]byte(fmt.Sprintf("%x\r\n", len(b))), b...), "\r\n"...)
				}
				chunk := frame(bytes.Repeat([]byte("a"), 64<<10))
				first := chunk
				if strings.HasPrefix(tt.contentType, "multipart/") {
					first = frame(append([]byte("--xyz\r\nContent-Disposition: form-data; name=\"email\"; filename=\"f\"\r\n\r\n"), bytes.Repeat([]byte("a"), 64<<10)...))
				}
				var n int64
				for n < hugeBody {
					next := chunk
					if n == 0 {
						next = first
					}
					m, err := conn.Write(next)
					n += int64(m)
					if err != nil {
						break
					}
				}
				sent <- n
			}()
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want || !strings.Contains(string(body), `"error"`) {
				t.Errorf("%s %s = %d %s; want %d with an error sentence", tt.method, tt.path, res.StatusCode, body, tt.want)
			}
			<-sent // the server has closed the connection (or read it all)
			read := cl.read(conn.LocalAddr().String())
			runtime.ReadMemStats(&after)
			// The route's limit, and what net/http reads of a body left
			// unread to keep the connection (256 KiB), with its buffers.
			if most := s.bodyLimits[tt.method+" "+tt.path] + 1<<20; read > most {
				t.Errorf("the server read %d bytes of a %d-byte body; want at most %d", read, hugeBody, most)
			}
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 8<<20 {
				t.Errorf("the heap took %d bytes for a refused body; want under 8 MiB", grown)
			}
		})
	}
}

// queuedListener hands out the connections queued in it, as a kernel's
// accept queue does after a wave of connects.
type queuedListener struct{ conns chan net.Conn }

func (l queuedListener) Accept() (net.Conn, error) { return <-l.conns, nil }
func (l queuedListener) Close() error              { return nil }
func (l queuedListener) Addr() net.Addr            { return &net.TCPAddr{} }

// TestAcceptsArePaced: a wave of connections is accepted acceptBurst at
// once and then one every acceptPace, so that it never becomes a thousand
// goroutines parsing requests at the same moment.
func TestAcceptsArePaced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const wave = acceptBurst + 10
		q := queuedListener{conns: make(chan net.Conn, wave)}
		for range wave {
			c, peer := net.Pipe()
			defer c.Close()
			defer peer.Close()
			q.conns <- c
		}
		ln := newLimitListener(q, wave, wave, new(atomic.Uint64), func() {})
		start := time.Now()
		for i := range wave {
			if _, err := ln.Accept(); err != nil {
				t.Fatal(err)
			}
			want := time.Duration(max(0, i-acceptBurst+1)) * acceptPace
			if got := time.Since(start); got != want {
				t.Fatalf("connection %d accepted after %v, want %v", i+1, got, want)
			}
		}
	})
}

// firstRead records the size of the buffer of its first Read.
type firstRead struct {
	r     io.Reader
	first int
}

func (f *firstRead) Read(p []byte) (int, error) {
	if f.first == 0 {
		f.first = len(p)
	}
	return f.r.Read(p)
}

// TestReadBodySetsAsideLittleBeforeTheBodyArrives: a webhook's declared
// length is read in one buffer of exactly that size, but a large declared
// length gets no more than readAhead before its bytes arrive, so a client
// that declares a large body and sends nothing holds little.
func TestReadBodySetsAsideLittleBeforeTheBodyArrives(t *testing.T) {
	for _, tt := range []struct {
		declared, sent int
		wantFirst      int // the most the first read may be handed
	}{
		{declared: 2000, sent: 2000, wantFirst: 2000},
		{declared: 8 << 10, sent: 8 << 10, wantFirst: 8 << 10},
		{declared: 32 << 10, sent: 10, wantFirst: 8 << 10},
		{declared: 900 << 10, sent: 10, wantFirst: 8 << 10},
	} {
		body := bytes.Repeat([]byte("x"), tt.sent)
		f := &firstRead{r: bytes.NewReader(body)}
		r := httptest.NewRequest(http.MethodPost, "/webhooks/wildix", f)
		r.ContentLength = int64(tt.declared)
		got, err := readBody(r)
		if tt.sent == tt.declared && (err != nil || !bytes.Equal(got, body)) {
			t.Errorf("declared %d: read %d bytes, %v", tt.declared, len(got), err)
		}
		if f.first > tt.wantFirst {
			t.Errorf("declared %d: the first read was handed %d bytes; want at most %d", tt.declared, f.first, tt.wantFirst)
		}
	}
}
