package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

// appendReceived stores body in the log as the ingress would have on
// received: the board's clock is the receive time, so this is how a test
// lets a day pass.
func appendReceived(t *testing.T, h *harness, body []byte, received time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	m := eventlog.Message{ID: hex.EncodeToString(sum[:]), Body: body,
		Header: map[string]string{"Wallboard-Received": received.UTC().Format(time.RFC3339Nano)}}
	if _, _, err := h.log.Append(t.Context(), m); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryKeepsEachDaysFigures lets a day with two answered queue
// calls end, and reads that day back from every route.
func TestHistoryKeepsEachDaysFigures(t *testing.T) {
	h := newHarness(t, t.TempDir())
	yesterday := time.Now().UTC().Add(-24 * time.Hour)
	appendReceived(t, h, completedQueueCall(testCompany, testCompany+"_1.1", "Support line", yesterday.UnixMilli()), yesterday)
	appendReceived(t, h, completedQueueCall(testCompany, testCompany+"_1.2", "=cmd()", yesterday.UnixMilli()+1000), yesterday.Add(time.Second))
	now := time.Now()
	appendReceived(t, h, telephonyEvent(testCompany, "1001", "registered", now.UnixMilli()), now) // today: yesterday ends

	day := yesterday.Format(time.DateOnly)
	var got struct {
		Company string `json:"company"`
		Days    []struct {
			Day    string `json:"day"`
			Queues []struct {
				Name             string  `json:"name"`
				Offered          int     `json:"offered"`
				Answered         int     `json:"answered"`
				WaitSecondsTotal float64 `json:"waitSecondsTotal"`
			} `json:"queues"`
			Agents []struct {
				Extension string `json:"extension"`
				Answered  int    `json:"answered"`
			} `json:"agents"`
		} `json:"days"`
	}
	eventually(t, "yesterday in the history", func() bool {
		_, body := h.get("/api/v1/history?company=" + testCompany)
		return json.Unmarshal([]byte(body), &got) == nil && len(got.Days) == 1
	})
	d := got.Days[0]
	if d.Day != day || len(d.Queues) != 2 || d.Queues[1].Name != "Support line" || d.Queues[1].Answered != 1 || d.Queues[1].WaitSecondsTotal != 5 {
		t.Errorf("history = %+v, want %s with Support line's answered call", got, day)
	}
	if len(d.Agents) != 1 || d.Agents[0].Extension != "1001" || d.Agents[0].Answered != 2 {
		t.Errorf("history agents = %+v, want 1001 with 2 answered", d.Agents)
	}

	code, csv := h.get("/api/v1/history?company=" + testCompany + "&format=csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, "day,queue,offered,answered,missed,") || !strings.Contains(csv, day+",Support line,1,1,0,5,55,") {
		t.Errorf("CSV = %d %q, want yesterday's Support line row", code, csv)
	}
	if !strings.Contains(csv, day+",'=cmd(),") {
		t.Errorf("CSV = %q: a queue name that a spreadsheet would run must be defused", csv)
	}
	if _, agents := h.get("/api/v1/history?company=" + testCompany + "&format=csv&table=agents"); !strings.Contains(agents, day+",1001,") {
		t.Errorf("agents CSV = %q, want 1001's row", agents)
	}

	code, page := h.get("/history?company=" + testCompany + "&days=30")
	for _, want := range []string{`data-queue="Support line"`, `<svg class="history-chart" role="img"`, `aria-current="page"`, "Last 30 days", `data-day="` + day + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("history page (%d) lacks %s", code, want)
		}
	}
	if strings.Contains(page, "<script type=\"module\"") {
		t.Error("the history page loads the live board's script")
	}

	for _, bad := range []string{"/api/v1/history", "/api/v1/history?company=" + testCompany + "&days=0", "/api/v1/history?company=" + testCompany + "&days=x", "/api/v1/history?company=" + testCompany + "&format=csv&table=calls"} {
		if code, body := h.get(bad); code != http.StatusBadRequest {
			t.Errorf("GET %s = %d %s, want 400", bad, code, body)
		}
	}
}
