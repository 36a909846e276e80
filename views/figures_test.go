package views

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

func TestDailyFigures(t *testing.T) {
	b := NewBoard(fixture(), Audience{View: ViewBoard, Company: "it_a1"})
	if b.Day != "2026-03-04" {
		t.Errorf("Day = %q, want the snapshot's day", b.Day)
	}
	queues := map[string]QueueRow{}
	for _, q := range b.Queues {
		queues[q.Name] = q
	}
	// Support line: 15m30s of waiting and 2h of talk over 30 answered calls.
	if q := queues["Support line"]; q.AvgWait != 31*time.Second || q.AvgTalk != 4*time.Minute {
		t.Errorf("Support line averages = %v wait, %v talk; want 31s, 4m0s", q.AvgWait, q.AvgTalk)
	}
	if q := queues["Sales line"]; q.AvgWait != 15*time.Second || q.AvgTalk != 3*time.Minute {
		t.Errorf("Sales line averages = %v wait, %v talk; want 15s, 3m0s", q.AvgWait, q.AvgTalk)
	}

	var got []string
	for _, a := range b.Agents {
		got = append(got, a.Name+"|"+itoa(a.Answered)+"|"+itoa(a.Missed)+"|"+a.AvgTalk.String())
	}
	// Sorted by name; an agent the board has no user for shows the extension.
	want := []string{"1099|1|0|1m35s", "Ann Archer|8|1|2m30s", "Cleo Chen|0|2|0s"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("agents = %q, want %q (the other tenant's agent must not appear)", got, want)
	}
}

func TestMinSec(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                               "–",
		-time.Second:                    "–",
		time.Second:                     "0:01",
		59 * time.Second:                "0:59",
		2*time.Minute + 5*time.Second:   "2:05",
		time.Hour + 2*time.Minute + 3e9: "1:02:03",
	} {
		if got := minSec(d); got != want {
			t.Errorf("minSec(%v) = %q, want %q", d, got, want)
		}
	}
}

var (
	explainedLabel = regexp.MustCompile(`<(dt|th) [^>]*class="explained"[^>]*>`)
	attr           = func(name string) *regexp.Regexp { return regexp.MustCompile(name + `="([^"]*)"`) }
)

// TestEveryFigureIsExplained checks that every figure label explains its
// formula and window to the mouse (title), the keyboard (tabindex) and
// screen readers (aria-describedby naming an element of the page that
// holds the same text).
func TestEveryFigureIsExplained(t *testing.T) {
	out := renderComponent(t, BoardPage(page, NewBoard(fixture(), Audience{View: ViewBoard})))
	labels := explainedLabel.FindAll(out, -1)
	// 12 figures for each of 3 queues (the key four, today's six, the
	// agents and the rolling windows), 10 for the all-queues row of the
	// company with two (the key four, today's six), 3 column headers for
	// the agents.
	if want := 12*3 + 10 + 3; len(labels) != want {
		t.Fatalf("found %d explained labels, want %d", len(labels), want)
	}
	for _, l := range labels {
		title := attr("title").FindSubmatch(l)
		ref := attr("aria-describedby").FindSubmatch(l)
		if title == nil || ref == nil || !bytes.Contains(l, []byte(`tabindex="0"`)) {
			t.Errorf("%s lacks a title, tabindex or aria-describedby", l)
			continue
		}
		def := []byte(`<p id="` + string(ref[1]) + `">` + string(title[1]) + `</p>`)
		if !bytes.Contains(out, def) {
			t.Errorf("%s: the page has no %s", l, def)
		}
		if !bytes.Contains(title[1], []byte("today")) && !bytes.Contains(title[1], []byte("Live")) {
			t.Errorf("%s does not say its window (today or live)", l)
		}
	}
}

func TestLegendCoversEveryState(t *testing.T) {
	seen := map[board.TileState]bool{}
	for _, e := range legend() {
		if e.Signal == "" {
			t.Errorf("%s has no signal", e.State)
		}
		seen[e.State] = true
	}
	for _, s := range headerStates {
		if !seen[s] {
			t.Errorf("the legend does not explain %s", s)
		}
	}
}

func TestTileShowsTimeInStateAndDepartment(t *testing.T) {
	snap := fixture()
	out := string(renderComponent(t, tile(NewBoard(snap, Audience{View: ViewBoard}).Tiles[2]))) // Cleo Chen
	for _, want := range []string{
		`data-department="Care"`,
		`<p class="tile-state">`,
		`<span>Do not disturb</span><time data-since="2026-03-04T08:30:00Z"></time></p>`,
		`back at <time datetime="2026-03-04T14:30:00Z" data-clock>14:30</time>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Cleo's tile lacks %s:\n%s", want, out)
		}
	}
	snap.Users[2].Since, snap.Users[2].Department = time.Time{}, ""
	out = string(renderComponent(t, tile(NewBoard(snap, Audience{View: ViewBoard}).Tiles[2])))
	if strings.Contains(out, "data-since") || strings.Contains(out, "data-department") {
		t.Errorf("a tile without Since or Department renders them:\n%s", out)
	}
}

func TestPushAgentFigures(t *testing.T) {
	src := source{fixture()}
	aud := Audience{View: ViewBoard, Company: "it_a1"}
	got, err := Push(src, []board.Change{
		{Kind: board.ChangeAgent, Company: "it_a1", Key: "1001"},
		{Kind: board.ChangeAgent, Company: "it_a1", Key: "7777"},
		{Kind: board.ChangeAgent, Company: "it_b2", Key: "1001"},
	}, aud)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{
		`<tr id="agent-it_5fa1-1001" data-parent="agents"`,
		`<th scope="row">Ann Archer <span class="text-muted">1001</span></th><td>8</td><td>1</td><td>2:30</td>`,
		`<template id="agent-it_5fa1-7777" data-remove></template>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("frame lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "it_5fb2") {
		t.Errorf("the frame shows another tenant's agent:\n%s", s)
	}
	if agent, err := Push(src, []board.Change{{Kind: board.ChangeAgent, Company: "it_a1", Key: "1001"}}, Audience{View: ViewAgent}); agent != nil || err != nil {
		t.Errorf("an agent change for the agent view = %q, %v; want nil", agent, err)
	}
}
