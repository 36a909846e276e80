package server_test

import (
	"fmt"
	"io"
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
