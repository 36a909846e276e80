package hub_test

import (
	"net/http/httptest"
	"testing"

	"github.com/wallboard/wallboard/hub"
)

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	check := hub.SameOrigin("https://Board.Example.com/wall/", "http://localhost:8080")
	for _, tc := range []struct {
		host, origin string
		want         bool
	}{
		{"wall.internal", "", true},                                // not a browser
		{"wall.internal", "https://wall.internal", true},           // same host
		{"wall.internal", "http://WALL.internal", true},            // case, and scheme not compared
		{"wall.internal:8443", "https://wall.internal:8443", true}, // same host and port
		{"wall.internal:8443", "https://wall.internal", false},     // another port
		{"wall.internal", "https://board.example.com", true},       // allowed
		{"wall.internal", "https://BOARD.example.com/", true},      // allowed, case
		{"wall.internal", "http://board.example.com", false},       // allowed host, other scheme
		{"wall.internal", "http://localhost:8080", true},           // allowed with port
		{"wall.internal", "http://localhost", false},               // allowed host, other port
		{"wall.internal", "https://evil.example.com", false},
		{"wall.internal", "https://wall.internal.evil.example", false},
		{"wall.internal", "null", false},
		{"wall.internal", "wall.internal", false}, // not an origin
		{"wall.internal", "https://wall.internal/path", false},
	} {
		r := httptest.NewRequest("GET", "http://"+tc.host+"/ws", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if got := check(r); got != tc.want {
			t.Errorf("Host %q, Origin %q: %v, want %v", tc.host, tc.origin, got, tc.want)
		}
	}
}

func TestSameOrigin_panicsOnInvalidAllowed(t *testing.T) {
	t.Parallel()
	for _, allowed := range []string{"board.example.com", "/wall/", "://", "https://"} {
		t.Run(allowed, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("SameOrigin(%q) did not panic", allowed)
				}
			}()
			hub.SameOrigin(allowed)
		})
	}
}
