package server

import (
	"net/http"
	"testing"
)

// History and "same time last week" are for the people who may replay:
// supervisors and admins, each only their company, and the API token; no
// one else. This server has no log, so whoever may is told it keeps no
// history (501).
func TestHistoryRoutesAreForSupervisors(t *testing.T) {
	ts := newAuthServer(t, authConfig())
	paths := []string{"/api/v1/history?company=" + companyA, "/api/v1/history?company=" + companyA + "&format=csv", "/api/v1/lastweek?company=" + companyA}

	anon := client(t)
	for _, path := range paths {
		if res, body := get(t, anon, ts.URL+path); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s = %d %s, want 401", path, res.StatusCode, body)
		}
		if res, body := get(t, anon, ts.URL+path, "Authorization", "Bearer "+apiToken); res.StatusCode != http.StatusNotImplemented {
			t.Errorf("API token GET %s = %d %s, want 501", path, res.StatusCode, body)
		}
	}
	for _, tt := range []struct {
		email       string
		own, others int
	}{
		{agentEmail, http.StatusForbidden, http.StatusForbidden},
		{superEmail, http.StatusNotImplemented, http.StatusForbidden},
		{adminEmail, http.StatusNotImplemented, http.StatusNotImplemented}, // an admin of every company
	} {
		c := client(t)
		if res := login(t, c, ts.URL, tt.email, password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", tt.email, res.StatusCode)
		}
		for _, path := range paths {
			if res, body := get(t, c, ts.URL+path); res.StatusCode != tt.own {
				t.Errorf("%s: GET %s = %d %s, want %d", tt.email, path, res.StatusCode, body, tt.own)
			}
		}
		for _, path := range []string{"/api/v1/history?company=" + companyB, "/api/v1/lastweek?company=" + companyB} {
			if res, body := get(t, c, ts.URL+path); res.StatusCode != tt.others {
				t.Errorf("%s: GET %s = %d %s, want %d", tt.email, path, res.StatusCode, body, tt.others)
			}
		}
	}
}
