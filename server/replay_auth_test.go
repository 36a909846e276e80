package server

import (
	"net/http"
	"testing"
)

// Replay is for the people who see the whole board: an agent is refused
// every moment of the past (their view is their colleagues now), a
// supervisor is not (this server has no log, so no history: 501).
func TestReplayIsForSupervisors(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	for _, tt := range []struct {
		email string
		want  int
	}{
		{agentEmail, http.StatusForbidden},
		{superEmail, http.StatusNotImplemented},
	} {
		c := client(t)
		if res := login(t, c, ts.URL, tt.email, password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", tt.email, res.StatusCode)
		}
		for _, path := range []string{"/api/v1/state?at=10:00", "/api/v1/replay?seq=1"} {
			if res, body := get(t, c, ts.URL+path); res.StatusCode != tt.want {
				t.Errorf("%s: GET %s = %d %s, want %d", tt.email, path, res.StatusCode, body, tt.want)
			}
		}
	}
	// An agent asking for the board at a moment goes to their own view.
	c := client(t)
	login(t, c, ts.URL, agentEmail, password)
	if res, _ := get(t, c, ts.URL+"/?at=10:00"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/agent" {
		t.Errorf("agent GET /?at= = %d → %s, want a redirect to /agent", res.StatusCode, res.Header.Get("Location"))
	}
}
