package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
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

// queueCall is a call:completed record of queue with the caller's wait,
// answered (callStatus COMPLETED) or missed.
func queueCall(company, id, queue string, ms, waitMs int64, answered bool) []byte {
	status, talk := "MISSED", int64(0)
	if answered {
		status, talk = "COMPLETED", 60000
	}
	return fmt.Appendf(nil, `{"id":"%[2]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[4]d,"type":"call:completed","integrationId":"tst001","data":{"id":"%[2]s","time":%[4]d,"company":"%[1]s","endCause":"16","flows":[{"flowIndex":0,"startTime":%[4]d,"endTime":%[4]d,"duration":90000,"talkTime":%[6]d,"waitTime":%[5]d,"caller":{"type":"REMOTE","phone":"+15550100"},"callee":{"type":"LOCAL","phone":"1001","userExtension":"1001","name":"Ann Archer"},"direction":"INBOUND","callStatus":"%[7]s","queueName":"%[3]s"}]}}`,
		company, id, queue, ms, waitMs, talk, status)
}

// TestHistoryServiceLevelPerDay closes a day of four calls of a queue with
// the default formula (20 s, short abandons under 5 s, of answered +
// abandoned): one answered within the threshold, one after it, a short
// abandon and an abandon. Its service level is 1 ÷ (2 + 1), as the live
// board would say. A day kept before calls were classified shows its
// service level as unknown, never 0 %.
func TestHistoryServiceLevelPerDay(t *testing.T) {
	h := newHarness(t, t.TempDir())
	now := time.Now().UTC()
	yesterday := now.Add(-24 * time.Hour)
	for i, c := range []struct {
		wait     int64
		answered bool
	}{{5000, true}, {30000, true}, {2000, false}, {40000, false}} {
		when := yesterday.Add(time.Duration(i) * time.Second)
		appendReceived(t, h, queueCall(testCompany, fmt.Sprintf("%s_2.%d", testCompany, i), "Support line", when.UnixMilli(), c.wait, c.answered), when)
	}
	appendReceived(t, h, telephonyEvent(testCompany, "1001", "registered", now.UnixMilli()), now) // yesterday ends

	// A day stored as history kept them before it classified calls.
	old := now.Add(-48 * time.Hour).Format(time.DateOnly)
	table, err := h.log.Table(t.Context(), "HISTORY", eventlog.TableOptions{TTL: server.DefaultHistoryRetention, MaxKeys: 4_000_000})
	if err != nil {
		t.Fatal(err)
	}
	oldRecord := fmt.Sprintf(`{"Company":%q,"Day":%q,"Queues":[{"Company":%[1]q,"Name":"Support line","Answered":3,"Missed":1,"WaitTotal":15000000000,"TalkTotal":180000000000,"HoldTotal":0}],"Agents":[{"Company":%[1]q,"Extension":"1001","Answered":3,"Missed":1,"TalkTotal":180000000000,"HoldTotal":0}]}`, testCompany, old)
	if err := table.Put(t.Context(), base64.RawURLEncoding.EncodeToString([]byte(testCompany))+"."+old, []byte(oldRecord)); err != nil {
		t.Fatal(err)
	}

	day := yesterday.Format(time.DateOnly)
	type queue struct {
		Name                string   `json:"name"`
		Offered             int      `json:"offered"`
		AnsweredInSL        *int     `json:"answeredInSl"`
		Abandoned           *int     `json:"abandoned"`
		ShortAbandoned      *int     `json:"shortAbandoned"`
		ServiceLevel        *float64 `json:"serviceLevel"`
		AbandonRate         *float64 `json:"abandonRate"`
		SLThresholdSeconds  *float64 `json:"slThresholdSeconds"`
		ShortAbandonSeconds *float64 `json:"shortAbandonSeconds"`
		SLBasis             *string  `json:"slBasis"`
	}
	var got struct {
		Days []struct {
			Day    string  `json:"day"`
			Queues []queue `json:"queues"`
		} `json:"days"`
	}
	eventually(t, "two days in the history", func() bool {
		_, body := h.get("/api/v1/history?company=" + testCompany)
		return json.Unmarshal([]byte(body), &got) == nil && len(got.Days) == 2
	})
	if got.Days[0].Day != old || got.Days[1].Day != day {
		t.Fatalf("days = %+v, want %s then %s", got.Days, old, day)
	}
	if q := got.Days[0].Queues[0]; q.Offered != 4 || q.ServiceLevel != nil || q.AnsweredInSL != nil || q.Abandoned != nil || q.AbandonRate != nil || q.SLBasis != nil {
		t.Errorf("the old day's queue = %+v, want 4 offered and its service level unknown (null)", q)
	}
	q := got.Days[1].Queues[0]
	if q.Offered != 4 || q.AnsweredInSL == nil || *q.AnsweredInSL != 1 || *q.Abandoned != 1 || *q.ShortAbandoned != 1 ||
		q.ServiceLevel == nil || math.Abs(*q.ServiceLevel-100.0/3) > 0.01 || q.AbandonRate == nil || math.Abs(*q.AbandonRate-100.0/3) > 0.01 ||
		*q.SLThresholdSeconds != 20 || *q.ShortAbandonSeconds != 5 || *q.SLBasis != "offered" {
		t.Errorf("yesterday's queue = %+v, want 1 answered in SL, 1 abandoned, 1 short, SL and abandon rate 33.3 %%", q)
	}

	_, csv := h.get("/api/v1/history?company=" + testCompany + "&format=csv")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	const header = "day,queue,offered,answered,missed,avg_wait_seconds,avg_talk_seconds,wait_seconds,talk_seconds,hold_seconds," +
		"service_level_percent,answered_in_sl,abandoned,short_abandoned,abandon_rate_percent,sl_threshold_seconds,short_abandon_seconds,sl_basis"
	if len(lines) != 3 || lines[0] != header {
		t.Fatalf("CSV = %q, want the header (the old columns first, in their order) and two rows", csv)
	}
	if want := old + ",Support line,4,3,1,5,60,15,180,0,,,,,,,,"; lines[1] != want {
		t.Errorf("old day's CSV row = %q, want %q (unknown, not 0)", lines[1], want)
	}
	if want := day + ",Support line,4,2,2,18,60,35,120,0,33.3,1,1,1,33.3,20,5,offered"; lines[2] != want {
		t.Errorf("yesterday's CSV row = %q, want %q", lines[2], want)
	}

	_, page := h.get("/history?company=" + testCompany)
	oldRow := between(page, `<tr data-day="`+old+`">`, "</tr>")
	if !strings.Contains(oldRow, `<td data-sl="">–</td>`) || strings.Contains(oldRow, "0 %") || strings.Contains(oldRow, "0%") {
		t.Errorf("old day's row = %q, want its service level shown as – (not 0 %%)", oldRow)
	}
	if row := between(page, `<tr data-day="`+day+`">`, "</tr>"); !strings.Contains(row, `<td data-sl="33.3">33%</td>`) {
		t.Errorf("yesterday's row = %q, want its service level 33%%", row)
	}
	if n := strings.Count(page, `class="sl-mark"`); n != 1 {
		t.Errorf("the chart has %d service level marks, want 1 (yesterday's; the old day has none)", n)
	}
	if !strings.Contains(page, "service level per day (right axis, 0 to 100 %)") || !strings.Contains(page, "Service level, %") {
		t.Error("the chart's description or its axis does not speak of the service level")
	}

	// Each agent has a chart of their days, one place per day kept.
	agent := between(page, `<tr data-agent="1001">`, "</tr>")
	if !strings.Contains(agent, `<svg class="agent-spark" role="img"`) || !strings.Contains(agent, `aria-label="Calls answered (bars) and talk time (line) of Ann Archer per day"`) ||
		!strings.Contains(agent, "<title>"+old+": 3 answered, talk 3:00</title>") || !strings.Contains(agent, "<title>"+day+": 2 answered, talk 2:00</title>") {
		t.Errorf("agent 1001's row = %q, want a chart of their two days", agent)
	}
}

// between is the text of s after the first start, up to the next end.
func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	before, _, _ := strings.Cut(after, end)
	return before
}

// TestLastWeekUpToTheSameTime closes the day a week ago with three queue
// calls that ended before this time of day (one answered within the
// threshold, one after it, a short abandon) and an abandon after it:
// /api/v1/lastweek counts the three, to the quarter hour, by the queue's
// formula.
func TestLastWeekUpToTheSameTime(t *testing.T) {
	now := time.Now().UTC()
	if tod := now.Sub(now.Truncate(24 * time.Hour)); tod < time.Hour || tod > 23*time.Hour {
		t.Skip("too near midnight (UTC) for calls before and after this time a week ago")
	}
	h := newHarness(t, t.TempDir())
	at := now.AddDate(0, 0, -7)
	quarter := at.Truncate(15 * time.Minute)
	for i, c := range []struct {
		ended    time.Time
		wait     int64
		answered bool
	}{
		{quarter.Add(-40 * time.Minute), 5000, true},
		{quarter.Add(-20 * time.Minute), 30000, true},
		{quarter.Add(-time.Second), 2000, false},
		{at.Add(30 * time.Minute), 40000, false}, // after this time of day
	} {
		appendReceived(t, h, queueCall(testCompany, fmt.Sprintf("%s_3.%d", testCompany, i), "Support line", c.ended.UnixMilli(), c.wait, c.answered), c.ended)
	}
	appendReceived(t, h, telephonyEvent(testCompany, "1001", "registered", now.UnixMilli()), now) // that day ends

	type lastWeek struct {
		Day    string    `json:"day"`
		Until  time.Time `json:"until"`
		Queues []struct {
			Name           string   `json:"name"`
			Offered        int      `json:"offered"`
			AnsweredInSL   int      `json:"answeredInSl"`
			Abandoned      int      `json:"abandoned"`
			ShortAbandoned int      `json:"shortAbandoned"`
			ServiceLevel   *float64 `json:"serviceLevel"`
		} `json:"queues"`
	}
	var got lastWeek
	eventually(t, "last week's day", func() bool {
		_, body := h.get("/api/v1/lastweek?company=" + testCompany)
		return json.Unmarshal([]byte(body), &got) == nil && len(got.Queues) == 1
	})
	if got.Day != at.Format(time.DateOnly) || !got.Until.Equal(quarter) {
		t.Errorf("lastweek = %s until %s, want %s until %s", got.Day, got.Until, at.Format(time.DateOnly), quarter)
	}
	q := got.Queues[0]
	if q.Name != "Support line" || q.Offered != 3 || q.AnsweredInSL != 1 || q.ShortAbandoned != 1 || q.Abandoned != 0 || q.ServiceLevel == nil || *q.ServiceLevel != 50 {
		t.Errorf("last week's queue = %+v, want 3 offered up to now's time (the later abandon left out), SL 1 ÷ 2 = 50 %%", q)
	}

	// Another company has no figures for that day: no queues.
	var none lastWeek
	if _, body := h.get("/api/v1/lastweek?company=it_w999998"); json.Unmarshal([]byte(body), &none) != nil || len(none.Queues) != 0 {
		t.Errorf("lastweek of a company without history = %s, want no queues", body)
	}
}
