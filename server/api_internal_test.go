package server

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/views"
)

// TestAPIMasksThroughTheView: the API's JSON is made from the audience's
// view, so a masked audience's parties are masked by views, as on its pages.
func TestAPIMasksThroughTheView(t *testing.T) {
	at := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	snap := board.Snapshot{Calls: []board.Call{{
		ID: "c1", Company: "it_a", Direction: board.Inbound, State: board.LegConnected, StartedAt: at,
		Legs: []board.Leg{
			{Caller: board.Party{Phone: "+390212345678", Name: "+39 02 1234 5678"},
				Callee: &board.Party{Local: true, Extension: "201", Phone: "201", Name: "Ann"}},
			{Caller: board.Party{Phone: "112", Name: "ACME S.p.A."},
				Callee: &board.Party{Local: true, Extension: "201", Phone: "201", Name: "Ann"}},
		},
	}}}
	for _, tc := range []struct {
		masked               bool
		remotePhone, remote2 string
		remoteName           string
	}{
		{true, "•••••78", "•••••", "•••••78"},
		{false, "+390212345678", "112", "+39 02 1234 5678"},
	} {
		st := newAPIState(views.NewView(snap, views.Audience{View: views.ViewBoard, Masked: tc.masked}))
		got := st.Calls[0].Parties
		if len(got) != 3 {
			t.Fatalf("masked %v: %d parties, want 3 (each once, callers first)", tc.masked, len(got))
		}
		if *got[0].Phone != tc.remotePhone || *got[0].Name != tc.remoteName {
			t.Errorf("masked %v: remote party = %q %q; want %q %q", tc.masked, *got[0].Phone, *got[0].Name, tc.remotePhone, tc.remoteName)
		}
		if !got[1].Local || *got[1].Phone != "201" || *got[1].Name != "Ann" {
			t.Errorf("masked %v: local party = %+v", tc.masked, got[1])
		}
		if *got[2].Phone != tc.remote2 || *got[2].Name != "ACME S.p.A." {
			t.Errorf("masked %v: short remote number = %q (name %q); want %q, name kept", tc.masked, *got[2].Phone, *got[2].Name, tc.remote2)
		}
	}
}
