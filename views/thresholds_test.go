package views

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

func TestThresholdsFor(t *testing.T) {
	all := []QueueThreshold{
		{Name: "Support line", AmberWaiting: 3, RedWaiting: 6, AmberWait: time.Minute, RedWait: 3 * time.Minute},
		{Company: "it_a1", Name: "Sales line", AmberWaiting: 1, RedWaiting: 2, AmberWait: 30 * time.Second, RedWait: time.Minute},
		{Company: "it_b2", Name: "Other line", AmberWaiting: 4, RedWaiting: 8, AmberWait: time.Minute, RedWait: 2 * time.Minute},
	}
	tests := []struct {
		name string
		aud  Audience
		want []QueueThreshold
	}{
		{"one company sees its own and the shared ones", Audience{View: ViewBoard, Company: "it_a1"}, all[:2]},
		{"another company", Audience{View: ViewBoard, Company: "it_b2"}, []QueueThreshold{all[0], all[2]}},
		{"every company", Audience{View: ViewBoard}, all},
		{"a company without entries of its own", Audience{View: ViewBoard, Company: "it_c3"}, all[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ThresholdsFor(all, tt.aud); !slices.Equal(got, tt.want) {
				t.Errorf("ThresholdsFor() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestQueueThresholdsAreOnThePage(t *testing.T) {
	p := page
	p.QueueThresholds = []QueueThreshold{
		{Company: "it_a1", Name: "Support line", AmberWaiting: 3, RedWaiting: 6, AmberWait: 90 * time.Second, RedWait: 150*time.Second + 500*time.Millisecond},
	}
	out := renderComponent(t, BoardPage(p, NewBoard(fixture(), Audience{View: ViewBoard, Company: "it_a1"})))
	want := `<li data-company="it_a1" data-queue="Support line" data-amber-waiting="3" data-red-waiting="6" data-amber-wait="90" data-red-wait="150.5"></li>`
	if !bytes.Contains(out, []byte(want)) {
		t.Errorf("the page lacks %s", want)
	}
	// The client matches rows to entries by company and name.
	row := `data-company="it_a1" data-queue="Support line"`
	if !bytes.Contains(out, []byte(`<li id="`+QueueID("it_a1", "Support line")+`" data-parent="queues" data-sort="it_a1	support line" `+row)) {
		t.Errorf("the Support line row does not carry %s", row)
	}

	out = renderComponent(t, BoardPage(page, NewBoard(fixture(), Audience{View: ViewBoard})))
	if bytes.Contains(out, []byte(`id="queue-thresholds"`)) {
		t.Error("a page without configured thresholds lists some")
	}
}

func TestFreeOfMembers(t *testing.T) {
	tests := []struct {
		free, members int
		want          string
	}{
		{0, 0, "–"},
		{0, 2, "0 / 2"},
		{1, 3, "1 / 3"},
	}
	for _, tt := range tests {
		if got := freeOfMembers(tt.free, tt.members); got != tt.want {
			t.Errorf("freeOfMembers(%d, %d) = %q, want %q", tt.free, tt.members, got, tt.want)
		}
	}
}
