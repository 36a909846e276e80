package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
)

// completedQueueCall is a call:completed body: a call answered through
// queue, which gives the board a row for that queue.
func completedQueueCall(company, id, queue string, ms int64) []byte {
	return fmt.Appendf(nil, `{"id":"%[2]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[4]d,"type":"call:completed","integrationId":"tst001","data":{"id":"%[2]s","time":%[4]d,"company":"%[1]s","endCause":"16","flows":[{"flowIndex":0,"startTime":%[4]d,"endTime":%[4]d,"duration":60000,"connectTime":%[4]d,"talkTime":55000,"waitTime":5000,"caller":{"type":"REMOTE","phone":"+15550100"},"callee":{"type":"LOCAL","phone":"1001","userExtension":"1001","name":"Ann Archer"},"direction":"INBOUND","callStatus":"COMPLETED","queueName":"%[3]s"}]}}`,
		company, id, queue, ms)
}

// TestQueueThresholdsReachThePage checks that the thresholds configured
// for a queue are on the page next to that queue's row, and that a page
// carries no other company's.
func TestQueueThresholdsReachThePage(t *testing.T) {
	const token = "display-token-for-queue-threshold-test"
	const other = "it_w999999"
	h := newHarnessWith(t, eventlog.Options{Dir: t.TempDir()}, func(c *server.Config) {
		c.Displays = []config.Display{{Name: "Floor", Token: token, Company: testCompany}}
		c.QueueThresholds = []config.Queue{
			{Company: testCompany, Name: "Support line", AmberWaiting: 3, RedWaiting: 7, AmberWait: 90 * time.Second, RedWait: 4 * time.Minute},
			{Company: other, Name: "Hidden line", AmberWaiting: 1, RedWaiting: 2, AmberWait: time.Second, RedWait: 2 * time.Second},
			{Name: "Sales", AmberWaiting: 4, RedWaiting: 8, AmberWait: time.Minute, RedWait: 5 * time.Minute},
		}
	})
	// Today's figures count records that ended on the day of their receipt:
	// the call ends now.
	if code, body := h.post(completedQueueCall(testCompany, testCompany+"_1764061200.1", "Support line", time.Now().UnixMilli()), testSecret); code/100 != 2 {
		t.Fatalf("post: %d %s", code, body)
	}

	res, err := h.http.Client().Get(h.http.URL + "/display/" + token)
	if err != nil {
		t.Fatalf("get display: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	page := string(b)
	for _, want := range []string{
		`data-company="` + testCompany + `" data-queue="Support line" data-waiting="0"`,
		`<li data-company="` + testCompany + `" data-queue="Support line" data-amber-waiting="3" data-red-waiting="7" data-amber-wait="90" data-red-wait="240"></li>`,
		`<li data-company="" data-queue="Sales" data-amber-waiting="4" data-red-waiting="8" data-amber-wait="60" data-red-wait="300"></li>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the display page lacks %s", want)
		}
	}
	if strings.Contains(page, "Hidden line") {
		t.Error("the display page shows another company's queue thresholds")
	}
}

// queueState is the part of GET /api/v1/state this file reads.
type queueState struct {
	Queues []queueJSON `json:"queues"`
}

// queueJSON is one queue of queueState.
type queueJSON struct {
	Company      string  `json:"company"`
	Name         string  `json:"name"`
	SLThreshold  float64 `json:"slThresholdSeconds"`
	ShortAbandon float64 `json:"shortAbandonSeconds"`
	SLBasis      string  `json:"slBasis"`
	Members      int     `json:"membersToday"`
	Agents       struct {
		Free, Offline int
	} `json:"agents"`
	Today struct {
		Offered      int      `json:"offered"`
		AnsweredInSL int      `json:"answeredInSl"`
		ServiceLevel *float64 `json:"serviceLevel"`
		AbandonRate  *float64 `json:"abandonRate"`
		ASA          float64  `json:"asaSeconds"`
	} `json:"today"`
	Last15 struct {
		Offered int `json:"offered"`
	} `json:"last15m"`
	Intraday []struct {
		Start   *time.Time `json:"start"`
		Offered int        `json:"offered"`
	} `json:"intraday"`
	WaitingCalls []struct{} `json:"waitingCalls"`
}

func (h *harness) queues() queueState {
	h.t.Helper()
	res, err := h.http.Client().Get(h.http.URL + "/api/v1/state")
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	var s queueState
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// TestQueueSettingsThroughTheLog: the configured formula and members reach
// the board through one log entry, appended at start only when they differ
// from the board's, and the API and /metrics show the figures they give.
func TestQueueSettingsThroughTheLog(t *testing.T) {
	dir := t.TempDir()
	short := 3 * time.Second
	queues := []config.Queue{{Company: testCompany, Name: "Support line", SLThreshold: 4 * time.Second, ShortAbandon: &short, SLBasis: "answered", Members: []string{"1001", "1002"}}}
	configure := func(c *server.Config) { c.QueueThresholds = queues }
	h := newHarnessWith(t, eventlog.Options{Dir: dir}, configure)
	waitFor(t, func() bool { s := h.queues(); return len(s.Queues) == 1 && s.Queues[0].SLThreshold == 4 })
	s := h.queues().Queues[0]
	if s.ShortAbandon != 3 || s.SLBasis != "answered" || s.Members != 2 || s.Agents.Offline != 2 || s.WaitingCalls == nil {
		t.Errorf("configured queue = %+v", s)
	}
	// The call waited 5 s: outside the 4 s threshold.
	now := time.Now()
	if code, body := h.post(completedQueueCall(testCompany, testCompany+"_1764061200.1", "Support line", now.UnixMilli()), testSecret); code/100 != 2 {
		t.Fatalf("post: %d %s", code, body)
	}
	waitFor(t, func() bool { return h.queues().Queues[0].Today.Offered == 1 })
	s = h.queues().Queues[0]
	if s.Today.AnsweredInSL != 0 || s.Today.ServiceLevel == nil || *s.Today.ServiceLevel != 0 || s.Today.ASA != 5 || s.Last15.Offered != 1 ||
		len(s.Intraday) != 1 || s.Intraday[0].Offered != 1 || s.Intraday[0].Start == nil {
		t.Errorf("after one call answered in 5 s: %+v", s)
	}
	res, err := h.http.Client().Get(h.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`wallboard_queue_waiting{company="` + testCompany + `",queue="Support line"} 0`,
		`wallboard_queue_service_level_percent{company="` + testCompany + `",queue="Support line"} 0`,
		`wallboard_queue_free_agents{company="` + testCompany + `",queue="Support line"} 0`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	last, err := h.log.LastSeq(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	h.stop()

	// The same configuration again: nothing new in the log.
	h = newHarnessWith(t, eventlog.Options{Dir: dir}, configure)
	if err := h.srv.PublishQueueSettings(t.Context(), queues); err != nil {
		t.Fatal(err)
	}
	if again, _ := h.log.LastSeq(t.Context()); again != last {
		t.Errorf("restart with the same settings: log went from %d to %d", last, again)
	}
	// A reload with another threshold records it; the counted call keeps
	// its classification.
	reloaded := slices.Clone(queues)
	reloaded[0].SLThreshold = 10 * time.Second
	if err := h.srv.PublishQueueSettings(t.Context(), reloaded); err != nil {
		t.Fatal(err)
	}
	if s := h.queues().Queues[0]; s.SLThreshold != 10 || s.Today.AnsweredInSL != 0 {
		t.Errorf("after the reload: %+v", s)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQueueWallRoutes: /queues and a display link with view: queues serve
// the queue wall; the board stays the board.
func TestQueueWallRoutes(t *testing.T) {
	const token = "display-token-for-the-queue-wall-test"
	h := newHarnessWith(t, eventlog.Options{Dir: t.TempDir()}, func(c *server.Config) {
		c.Displays = []config.Display{{Name: "Wall", Token: token, Company: testCompany, View: "queues"}}
	})
	get := func(path string) string {
		t.Helper()
		res, err := h.http.Client().Get(h.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	if page := get("/display/" + token); !strings.Contains(page, `data-layout="queues"`) {
		t.Error("the display link with view: queues does not serve the queue wall")
	}
	if page := get("/display/" + token + "?window=60"); !strings.Contains(page, `data-window="60"`) {
		t.Error("window=60 is not the wall's window")
	}
}

// TestReloadRecordsQueueSettings: a reload that changes a queue's service
// level threshold records it through the log (so every node's board
// classifies later calls by it), and one that changes nothing records
// nothing.
func TestReloadRecordsQueueSettings(t *testing.T) {
	queues := []config.Queue{{Company: testCompany, Name: "Support line", SLThreshold: 4 * time.Second}}
	cfg := server.Config{Secrets: [][]byte{[]byte(testSecret)}, QueueThresholds: queues}
	h := newHarnessWith(t, eventlog.Options{Dir: t.TempDir()}, func(c *server.Config) { *c = cfg })
	waitFor(t, func() bool { s := h.queues(); return len(s.Queues) == 1 && s.Queues[0].SLThreshold == 4 })

	cfg.QueueThresholds = []config.Queue{{Company: testCompany, Name: "Support line", SLThreshold: 30 * time.Second},
		{Company: testCompany, Name: "Sales line"}}
	if err := h.srv.Reload(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		s := h.queues()
		return len(s.Queues) == 2 && slices.ContainsFunc(s.Queues, func(q queueJSON) bool { return q.Name == "Support line" && q.SLThreshold == 30 })
	})
	last, err := h.log.LastSeq(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Reload(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	// Another change after the unchanged one: when it has arrived, the
	// unchanged reload (asked for first) has been dealt with, and must
	// have appended nothing.
	cfg.QueueThresholds = slices.Clone(cfg.QueueThresholds)
	cfg.QueueThresholds[0].SLThreshold = 15 * time.Second
	if err := h.srv.Reload(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		return slices.ContainsFunc(h.queues().Queues, func(q queueJSON) bool { return q.Name == "Support line" && q.SLThreshold == 15 })
	})
	if now, _ := h.log.LastSeq(t.Context()); now != last+1 {
		t.Errorf("log went from %d to %d: want one entry, for the one change", last, now)
	}
}
