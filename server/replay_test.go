package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
)

// get reads path and returns its status and body.
func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	res, err := h.http.Client().Get(h.http.URL + path)
	if err != nil {
		h.t.Fatalf("get %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// usersOf is the users of a state's JSON, as raw JSON.
func usersOf(t *testing.T, body string) string {
	t.Helper()
	var s struct {
		Users json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("decode state %q: %v", body, err)
	}
	return string(s.Users)
}

// TestReplayShowsTheBoardAsItWas records the live board after each event,
// then asks for every recorded moment again: the replayed board must be the
// live board of then, whether it is rebuilt from the start of the log or
// from archived snapshots.
func TestReplayShowsTheBoardAsItWas(t *testing.T) {
	for _, tt := range []struct {
		name    string
		archive time.Duration
	}{
		{"from the start of the log", -1},
		{"from archived snapshots", time.Nanosecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessWith(t, eventlog.Options{Dir: t.TempDir(), ArchiveEvery: tt.archive}, func(c *server.Config) {
				c.SnapshotEvery = 3
			})
			type moment struct {
				at    time.Time
				users string
			}
			var moments []moment
			statuses := []string{"talking", "ringing", "available", "talking", "available", "ringing", "talking", "available"}
			for i, st := range statuses {
				ext := []string{"1001", "1002", "1003"}[i%3]
				if code, body := h.post(telephonyEvent(testCompany, ext, st, ms(time.Duration(i)*time.Second)), testSecret); code != http.StatusOK {
					t.Fatalf("post %d: %d %s", i, code, body)
				}
				_, live := h.get("/api/v1/state")
				moments = append(moments, moment{time.Now(), usersOf(t, live)})
				time.Sleep(5 * time.Millisecond) // the next entry is stored later
			}
			if tt.archive > 0 {
				eventually(t, "an archived snapshot", func() bool {
					a, err := h.log.Archives(t.Context())
					return err == nil && len(a) > 0
				})
			}
			// In an order that moves the replay back and forth.
			for _, i := range []int{3, 7, 0, 5, 1, 6, 2, 4} {
				m := moments[i]
				code, body := h.get("/api/v1/state?at=" + url.QueryEscape(m.at.Format(time.RFC3339Nano)))
				if code != http.StatusOK {
					t.Fatalf("state at moment %d: %d %s", i, code, body)
				}
				if got := usersOf(t, body); got != m.users {
					t.Errorf("state at moment %d:\n got %s\nwant %s", i, got, m.users)
				}
				if !strings.Contains(body, `"replay":{"at":`) {
					t.Errorf("state at moment %d does not say it is a replay: %s", i, body)
				}
			}
			// Before the first event: nobody yet.
			code, body := h.get("/api/v1/state?seq=0")
			if code != http.StatusOK || usersOf(t, body) != "[]" {
				t.Errorf("state at seq 0 = %d %s, want an empty board", code, body)
			}
			// The last entry: the live board.
			last, err := h.log.LastSeq(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			_, live := h.get("/api/v1/state")
			if _, body := h.get("/api/v1/state?seq=" + itoa(last)); usersOf(t, body) != usersOf(t, live) {
				t.Errorf("state at the last seq:\n got %s\nwant the live %s", body, live)
			}
		})
	}
}

func TestReplayRefusesBadMoments(t *testing.T) {
	h := newHarness(t, t.TempDir())
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"at=yesterday", http.StatusBadRequest},
		{"at=25:99", http.StatusBadRequest},
		{"seq=-1", http.StatusBadRequest},
		{"at=" + url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)), http.StatusBadRequest},
	} {
		for _, path := range []string{"/api/v1/state?", "/api/v1/replay?", "/?"} {
			if code, body := h.get(path + tt.query); code != tt.want || !strings.Contains(body, "error") {
				t.Errorf("GET %s%s = %d %s, want %d with an error", path, tt.query, code, body, tt.want)
			}
		}
	}
	// A moment before anything happened is an empty board, not an error.
	if code, _ := h.get("/api/v1/state?at=00:00"); code != http.StatusOK {
		t.Errorf("state at 00:00 = %d, want 200", code)
	}
}

func TestReplayPage(t *testing.T) {
	h := newHarness(t, t.TempDir())
	h.post(presenceEvent("1001", "dnd", "<b>Lunch</b>", ms(0)), testSecret)
	at := time.Now()
	code, page := h.get("/?q=10&at=" + url.QueryEscape(at.Format(time.RFC3339Nano)))
	if code != http.StatusOK {
		t.Fatalf("replay page: %d %s", code, page)
	}
	for _, want := range []string{`id="replay"`, `data-replay=`, `data-ws=""`, `data-replay-step="-event"`, `href="/?q=10"`, "&lt;b&gt;Lunch&lt;/b&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("replay page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="connection"`) {
		t.Error("replay page shows the live connection's indicator")
	}
	// The script's moves: the frame of the moment, with its containers.
	code, body := h.get("/api/v1/replay?seq=1")
	var f struct {
		LogSeq uint64 `json:"logSeq"`
		Frame  string `json:"frame"`
	}
	if err := json.Unmarshal([]byte(body), &f); code != http.StatusOK || err != nil {
		t.Fatalf("replay frame: %d %s (%v)", code, body, err)
	}
	if f.LogSeq != 1 || !strings.Contains(f.Frame, `id="tiles"`) || !strings.Contains(f.Frame, "&lt;b&gt;Lunch") {
		t.Errorf("replay frame = seq %d, %.200s…; want seq 1 with the tiles", f.LogSeq, f.Frame)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// eventually waits up to 10 s for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 10 s", what)
		}
	}
}
