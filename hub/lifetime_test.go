package hub_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/wallboard/wallboard/hub"
)

// TestWithLifetime_closesWhenItEnds: a client whose lifetime ends is closed
// with CloseEnded, while clients of the same topic without one, or with
// another lifetime, stay connected and go on receiving.
func TestWithLifetime_closesWhenItEnds(t *testing.T) {
	t.Parallel()
	h := newHub(t, hub.Options{})
	revokedCtx, revoke := context.WithCancel(context.Background())
	keptCtx, keep := context.WithCancel(context.Background())
	t.Cleanup(revoke)
	t.Cleanup(keep)
	lifetimes := map[string]context.Context{"revoked": revokedCtx, "kept": keptCtx}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if life, ok := lifetimes[r.URL.Query().Get("life")]; ok {
			r = hub.WithLifetime(r, life)
		}
		if err := h.Serve(w, r, "t", func() []byte { return []byte("first") }); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	dialLife := func(life string) *websocket.Conn {
		conn, res, err := websocket.DefaultDialer.Dial(wsURL(srv, "t")+"&life="+life, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		t.Cleanup(func() { conn.Close() })
		_ = conn.SetReadDeadline(time.Now().Add(hangGuard))
		return conn
	}
	revoked, kept, none := dialLife("revoked"), dialLife("kept"), dialLife("")
	for _, conn := range []*websocket.Conn{revoked, kept, none} {
		if msg := mustRead(t, conn); msg != "first" {
			t.Fatalf("first message = %q", msg)
		}
	}

	revoke()
	if code, err := readCloseCode(revoked); err != nil || code != hub.CloseEnded {
		t.Fatalf("client whose lifetime ended: close code %d (%v), want %d", code, err, hub.CloseEnded)
	}
	h.Publish("t", []byte("after"))
	for name, conn := range map[string]*websocket.Conn{"kept": kept, "none": none} {
		if msg := mustRead(t, conn); msg != "after" {
			t.Errorf("%s client after the other's lifetime ended: %q; want the next message", name, msg)
		}
	}
	// A connection made with a lifetime already over is closed at once.
	late := dialLife("revoked")
	if code, err := readCloseCode(late); err != nil || code != hub.CloseEnded {
		t.Fatalf("client of an ended lifetime: close code %d (%v), want %d", code, err, hub.CloseEnded)
	}
}
