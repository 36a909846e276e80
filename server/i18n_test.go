package server

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/views"
)

// TestLanguageOrder: the account's or display link's language wins over
// lang=, which wins over Accept-Language; English when nothing matches. The
// login form, before anyone is known, follows lang= and Accept-Language.
func TestLanguageOrder(t *testing.T) {
	cfg := authConfig()
	cfg.Users[1].Lang = "it" // the supervisor
	cfg.Displays[0].Lang = "de"
	ts := newAuthServer(t, cfg)
	c := client(t)
	super := sessionCookie + "=" + login(t, c, ts.URL, superEmail, password).Cookies()[0].Value
	admin := sessionCookie + "=" + login(t, c, ts.URL, adminEmail, password).Cookies()[0].Value

	for _, tc := range []struct {
		name, path, cookie, acceptLanguage, want string
	}{
		{"account beats query and header", "/?lang=fr", super, "es", `lang="it"`},
		{"display beats query and header", "/display/" + displayToken + "?lang=fr", "", "es", `lang="de"`},
		{"query beats header", "/?lang=fr", admin, "es", `lang="fr"`},
		{"header", "/", admin, "es-ES,es;q=0.9", `lang="es"`},
		{"nothing that matches", "/?lang=ja", admin, "ja", `lang="en"`},
		{"login form, query", "/login?lang=de", "", "fr", `lang="de"`},
		{"login form, header", "/login", "", "it-IT", `lang="it"`},
	} {
		res, body := get(t, c, ts.URL+tc.path, "Cookie", tc.cookie, "Accept-Language", tc.acceptLanguage)
		if res.StatusCode == http.StatusSeeOther { // the display link adds its groups
			res, body = get(t, c, ts.URL+res.Header.Get("Location"), "Cookie", tc.cookie, "Accept-Language", tc.acceptLanguage)
		}
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "<html "+tc.want) {
			t.Errorf("%s: GET %s = %d; want a page with %s", tc.name, tc.path, res.StatusCode, tc.want)
		}
	}
	if _, body := get(t, c, ts.URL+"/login?lang=de"); !strings.Contains(body, "Passwort") {
		t.Error("the German login form lacks its words")
	}
}

func TestUnknownLanguageInConfigurationIsRefused(t *testing.T) {
	cfg := authConfig()
	cfg.Displays = append(cfg.Displays, config.Display{Name: "Klingon", Token: strings.Repeat("k", 40), Company: companyA, Lang: "tlh"})
	if _, err := New(cfg, nil, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "Klingon") {
		t.Fatalf("New = %v; want an error naming the display", err)
	}
}

// recordingHub is the hub as the pipeline sees it, watching some topics
// and recording what is published.
type recordingHub struct {
	watched map[string]bool
	mu      sync.Mutex
	topics  []string
}

func (h *recordingHub) Watched(topic string) bool { return h.watched[topic] }
func (h *recordingHub) Publish(topic string, _ uint64, _ []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.topics = append(h.topics, topic)
}
func (h *recordingHub) Prime(string, uint64, [][]byte) error { return nil }

// TestOnlyWatchedAudiencesAreRendered: a change is rendered for the
// audiences someone watches, in their language, and for nobody else:
// languages nobody views cost nothing.
func TestOnlyWatchedAudiencesAreRendered(t *testing.T) {
	a, err := newAuth(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	german := views.Audience{View: views.ViewBoard, Lang: "de"}
	h := &recordingHub{watched: map[string]bool{german.Key(): true}}
	st := newState(board.New(board.Options{}))
	p := &pipeline{state: st, hub: h, audiences: a.audiences(), logger: slog.New(slog.DiscardHandler)}
	var changes []board.Change
	st.mu.Lock()
	changes = st.board.Apply(board.Event{At: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), Company: "it_a", Telephony: &board.Telephony{Extension: "201", Status: "ringing"}})
	st.mu.Unlock()
	if len(changes) == 0 {
		t.Fatal("the event changed nothing")
	}
	p.publish(changes, 1)
	if !slices.Equal(h.topics, []string{german.Key()}) {
		t.Errorf("published to %q; want only %q", h.topics, german.Key())
	}
}
