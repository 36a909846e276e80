package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// rawState is GET /api/v1/state{query} as generic JSON.
func (h *harness) rawState(query string) map[string]any {
	h.t.Helper()
	res, err := h.http.Client().Get(h.http.URL + "/api/v1/state" + query)
	if err != nil {
		h.t.Fatalf("get state: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		h.t.Fatalf("get state: %d", res.StatusCode)
	}
	var s map[string]any
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		h.t.Fatalf("decode state: %v", err)
	}
	return s
}

func legacyCallStart(company, id string, ms int64) []byte {
	return fmt.Appendf(nil, `{"id":"%[2]s","pbx":"0000aa11bb22","company":"%[1]s","time":%[3]d,"type":"call:start","integrationId":"tst001","data":{"status":"CONNECTING","caller":{"type":"REMOTE","phone":"+15550100"},"callee":{"type":"LOCAL","phone":"1001","userExtension":"1001","name":"Ann Archer"},"queueName":"Support line"}}`,
		company, id, ms)
}

// TestFarFutureEventHarmsNoOtherCompany posts, for one company, signed
// events claiming absurd times (the year 2100, beyond 9999, max int64,
// seconds for milliseconds) and checks that another company's calls and
// figures are untouched, that the first company's day follows the receive
// time, that the corrections are counted, and that the API and snapshots
// still work after a restart.
func TestFarFutureEventHarmsNoOtherCompany(t *testing.T) {
	const other = "it_w999999"
	dir := t.TempDir()
	h := newHarness(t, dir)
	now := time.Now()
	for _, body := range [][]byte{
		telephonyEvent(other, "2001", "talking", now.UnixMilli()),
		legacyCallStart(other, other+"_1.1", now.UnixMilli()),
		completedQueueCall(other, other+"_0.9", "Support line", now.UnixMilli()),
	} {
		if code, msg := h.post(body, testSecret); code/100 != 2 {
			t.Fatalf("post: %d %s", code, msg)
		}
	}
	before := h.rawState("?company=" + other)

	for i, claim := range []int64{
		time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(),
		253_402_300_800_000 + 86_400_000, // 10000-01-02
		math.MaxInt64,
		now.Unix(), // seconds
		-1,
	} {
		for _, body := range [][]byte{
			telephonyEvent(testCompany, "1001", "talking", claim),
			legacyCallStart(testCompany, fmt.Sprintf("%s_%d.1", testCompany, i), claim),
			completedQueueCall(testCompany, fmt.Sprintf("%s_%d.2", testCompany, i), "Support line", claim),
		} {
			if code, msg := h.post(body, testSecret); code/100 != 2 {
				t.Fatalf("post claim %d: %d %s", claim, code, msg)
			}
		}
	}

	if after := h.rawState("?company=" + other); !reflect.DeepEqual(after, before) {
		t.Errorf("another company's state changed:\nbefore %v\nafter  %v", before, after)
	}
	mine := h.rawState("?company=" + testCompany)
	if day := mine["day"]; day != now.UTC().Format(time.DateOnly) {
		t.Errorf("the company's day = %v, want the receive time's %s", day, now.UTC().Format(time.DateOnly))
	}
	if calls, _ := mine["calls"].([]any); len(calls) != 5 {
		t.Errorf("%d calls, want the 5 posted (their times corrected, not refused)", len(calls))
	}

	res, err := h.http.Client().Get(h.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`wallboard_event_time_fixes_total{reason="future"} 9`, `wallboard_event_time_fixes_total{reason="seconds"} 3`, `wallboard_event_time_fixes_total{reason="before_2000"} 3`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	h.stop()
	h2 := newHarness(t, dir)
	if after := h2.rawState("?company=" + other); !reflect.DeepEqual(after, before) {
		t.Errorf("after a restart another company's state differs:\nbefore %v\nafter  %v", before, after)
	}
	if again := h2.rawState("?company=" + testCompany); !reflect.DeepEqual(again, mine) {
		t.Errorf("after a restart the company's state differs:\nbefore %v\nafter  %v", mine, again)
	}
	h2.rawState("")
}

// TestStateSeqPerCompany: a viewer of one company sees that company's seq,
// which another company's activity does not move.
func TestStateSeqPerCompany(t *testing.T) {
	const other = "it_w999999"
	h := newHarness(t, t.TempDir())
	now := time.Now().UnixMilli()
	h.post(telephonyEvent(testCompany, "1001", "ringing", now), testSecret)
	seq := h.state("?company=" + testCompany).Seq
	for i := range 5 {
		h.post(telephonyEvent(other, "2001", []string{"talking", "registered"}[i%2], now+int64(i)), testSecret)
	}
	if got := h.state("?company=" + testCompany).Seq; got != seq {
		t.Errorf("the company's seq moved %d → %d with another company's activity", seq, got)
	}
	if all := h.state("").Seq; all <= seq {
		t.Errorf("the board-wide seq %d did not move", all)
	}
}
