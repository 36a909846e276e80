package views

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/wallboard/wallboard/board"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func renderComponent(t testing.TB, c templ.Component) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update and review the diff)\ngot:\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	snap := fixture()
	all := Audience{View: ViewBoard}
	masked := Audience{View: ViewBoard, Company: "it_a1", Masked: true}
	agent := Audience{View: ViewAgent, Company: "it_a1", Masked: true}
	agentPage := page
	agentPage.Socket, agentPage.Search = SocketURL(ViewAgent, "q=ann"), "ann"
	queuesPage := page
	queuesPage.Layout, queuesPage.Window = LayoutQueues, "30"

	push, err := Push(source{snap}, []board.Change{
		{Kind: board.ChangeUser, Company: "it_a1", Key: "1001"},
		{Kind: board.ChangeCall, Company: "it_a1", Key: "a-c1"},
		{Kind: board.ChangeCall, Company: "it_a1", Key: "gone", Removed: true},
		{Kind: board.ChangeQueue, Company: "it_a1", Key: "Support line"},
		{Kind: board.ChangeConference, Company: "it_a1", Key: "conf-1"},
	}, masked)
	if err != nil {
		t.Fatal(err)
	}
	initial, err := Initial(snap, masked)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{
		"board_page.golden":     renderComponent(t, BoardPage(page, NewBoard(snap, all))),
		"queues_page.golden":    renderComponent(t, QueuesPage(queuesPage, NewBoard(snap, masked))),
		"agent_page.golden":     renderComponent(t, AgentPage(agentPage, NewAgent(snap, agent))),
		"initial_masked.golden": initial,
		"push_masked.golden":    push,
	} {
		t.Run(name, func(t *testing.T) { golden(t, name, got) })
	}
}

// strings collects every string reachable from v, so that a test can say
// "no field carries X" without naming the fields.
func allStrings(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			allStrings(v.Elem(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			allStrings(v.Field(i), out)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			allStrings(v.Index(i), out)
		}
	}
}

var remoteNumbers = []string{remoteCaller, remoteDialed, remoteName, remoteDigits, "4930123456789", "4930999888777"}

// digitsOnly keeps the digits of s, so "+49 30 555" and "4930555" compare
// equal.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func TestMaskedAudienceNeverSeesRemoteNumbers(t *testing.T) {
	snap := fixture()
	for _, aud := range []Audience{
		{View: ViewBoard, Masked: true},
		{View: ViewBoard, Company: "it_a1", Masked: true},
		{View: ViewAgent, Masked: true},
	} {
		t.Run(aud.Key(), func(t *testing.T) {
			var fields []string
			allStrings(reflect.ValueOf(NewBoard(snap, aud)), &fields)
			allStrings(reflect.ValueOf(NewAgent(snap, aud)), &fields)
			for _, f := range fields {
				for _, n := range remoteNumbers {
					if d := digitsOnly(f); strings.Contains(d, digitsOnly(n)) {
						t.Errorf("view model field %q carries remote number %q", f, n)
					}
				}
			}

			initial, err := Initial(snap, aud)
			if err != nil {
				t.Fatal(err)
			}
			push, err := Push(source{snap}, allChanges(snap), aud)
			if err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string][]byte{
				"board page": renderComponent(t, BoardPage(page, NewBoard(snap, aud))),
				"agent page": renderComponent(t, AgentPage(page, NewAgent(snap, aud))),
				"initial":    initial,
				"push":       push,
			} {
				for _, n := range remoteNumbers {
					if bytes.Contains(out, []byte(n)) {
						t.Errorf("%s contains remote number %q", name, n)
					}
				}
			}
		})
	}

	b := NewBoard(snap, Audience{View: ViewBoard, Company: "it_a1", Masked: true})
	if got := b.Calls[0].From.Number; got != "•••••89" {
		t.Errorf("masked caller number = %q, want •••••89", got)
	}
	if got := b.Calls[0].To.Number; got != "1001" {
		t.Errorf("local callee number = %q, want the extension 1001 unmasked", got)
	}
}

func TestUnmaskedAudienceSeesRemoteNumbers(t *testing.T) {
	snap := fixture()
	out := renderComponent(t, BoardPage(page, NewBoard(snap, Audience{View: ViewBoard})))
	for _, n := range []string{remoteCaller, remoteDialed, remoteName} {
		if !bytes.Contains(out, []byte(n)) {
			t.Errorf("unmasked page lacks remote number %q", n)
		}
	}
}

func allChanges(snap board.Snapshot) []board.Change {
	var cs []board.Change
	for _, u := range snap.Users {
		cs = append(cs, board.Change{Kind: board.ChangeUser, Company: u.Company, Key: u.Extension})
	}
	for _, c := range snap.Calls {
		cs = append(cs, board.Change{Kind: board.ChangeCall, Company: c.Company, Key: c.ID})
	}
	for _, c := range snap.Conferences {
		cs = append(cs, board.Change{Kind: board.ChangeConference, Company: c.Company, Key: c.ID})
	}
	for _, q := range snap.Queues {
		cs = append(cs, board.Change{Kind: board.ChangeQueue, Company: q.Company, Key: q.Name})
	}
	for _, a := range snap.Agents {
		cs = append(cs, board.Change{Kind: board.ChangeAgent, Company: a.Company, Key: a.Extension})
	}
	return cs
}

func TestMaskNumber(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"+4930123456789":  "•••••89",
		"+49 (30) 555-01": "•••••01",
		"12345":           "•••••",
		"1001":            "•••••",
		"anonymous":       "•••••",
	} {
		if got := MaskNumber(in); got != want {
			t.Errorf("MaskNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompanyFilter(t *testing.T) {
	snap := fixture()
	aud := Audience{View: ViewBoard, Company: "it_a1"}
	var fields []string
	allStrings(reflect.ValueOf(NewBoard(snap, aud)), &fields)
	for _, f := range fields {
		if f == "it_b2" || strings.Contains(f, "Other") {
			t.Errorf("company it_a1's board carries %q from it_b2", f)
		}
	}
	b := NewBoard(snap, aud)
	if len(b.Tiles) != 8 || len(b.Calls) != 3 || len(b.Queues) != 2 || len(b.Conferences) != 1 {
		t.Errorf("it_a1 board has %d tiles, %d calls, %d queues, %d conferences; want 8, 3, 2, 1",
			len(b.Tiles), len(b.Calls), len(b.Queues), len(b.Conferences))
	}
	if all := NewBoard(snap, Audience{View: ViewBoard}); len(all.Tiles) != 9 {
		t.Errorf("all-company board has %d tiles, want 9", len(all.Tiles))
	}

	initial, err := Initial(snap, aud)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(initial, []byte("Other")) {
		t.Error("it_a1's initial frame carries it_b2's data")
	}
	for _, kind := range []board.ChangeKind{board.ChangeUser, board.ChangeCall, board.ChangeQueue} {
		key := map[board.ChangeKind]string{board.ChangeUser: "1001", board.ChangeCall: "b-c1", board.ChangeQueue: "Other line"}[kind]
		got, err := Push(source{snap}, []board.Change{{Kind: kind, Company: "it_b2", Key: key}}, aud)
		if err != nil || got != nil {
			t.Errorf("Push(it_b2 change kind %d) to it_a1 = %q, %v; want nil, nil", kind, got, err)
		}
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		state      board.TileState
		word, icon string
	}{
		{board.TileRT, "Talking + ringing", "phone-ring"},
		{board.TileTalking, "Talking", "phone"},
		{board.TileRinging, "Ringing", "bell"},
		{board.TileDND, "Do not disturb", "no-entry"},
		{board.TileAway, "Away", "clock"},
		{board.TileAvailable, "Available", "check"},
		{board.TileOffline, "Offline", "off"},
		{board.TileUnknown, "Unknown", "question"},
		{"something new", "Unknown", "question"},
	}
	for _, tt := range tests {
		l := Label(tt.state)
		if l.Word != tt.word || l.Icon != tt.icon {
			t.Errorf("Label(%q) = %q/%q, want %q/%q", tt.state, l.Word, l.Icon, tt.word, tt.icon)
		}
	}

	// Each state renders its word and a distinct icon shape, not only a colour.
	shapes := map[string]board.TileState{}
	for _, s := range headerStates {
		out := string(renderComponent(t, stateBadge(Label(s))))
		if !strings.Contains(out, ">"+Label(s).Word+"<") {
			t.Errorf("badge for %s lacks its word: %s", s, out)
		}
		svg := regexp.MustCompile(`(?s)<svg.*</svg>`).FindString(out)
		if other, dup := shapes[svg]; dup || svg == "" {
			t.Errorf("badge for %s has the same icon as %s", s, other)
		}
		shapes[svg] = s
	}
}

func TestTileShowsStateAndCall(t *testing.T) {
	snap := fixture()
	b := NewBoard(snap, Audience{View: ViewBoard, Company: "it_a1", Masked: true})
	byExt := map[string]Tile{}
	for _, tl := range b.Tiles {
		byExt[tl.Extension] = tl
	}
	want := map[string]board.TileState{
		"1001": board.TileTalking, "1002": board.TileRinging, "1003": board.TileDND, "1004": board.TileAway,
		"1005": board.TileAvailable, "1006": board.TileRT, "1007": board.TileOffline, "1008": board.TileUnknown,
	}
	for ext, s := range want {
		if got := byExt[ext].State.State; got != s {
			t.Errorf("tile %s state = %q, want %q", ext, got, s)
		}
	}
	ann := byExt["1001"]
	if ann.Call == nil || ann.Call.Other.Name != "Acme GmbH" || ann.Call.Other.Number != "•••••89" || !ann.Call.Since.Equal(t0.Add(12*time.Second)) {
		t.Errorf("Ann's call = %+v, want Acme GmbH, •••••89, since answered", ann.Call)
	}
	if finn := byExt["1006"]; finn.Call == nil || finn.Call.Other.Number != "•••••77" {
		t.Errorf("Finn's call = %+v, want the masked dialled number", finn.Call)
	}
	if bob := byExt["1002"]; bob.Call == nil || bob.Call.Other.Name != "•••••01" {
		t.Errorf("Bob's caller = %+v, want the numeric caller id masked", bob.Call)
	}
	if eve := byExt["1005"]; eve.Name != "eve@example.com" {
		t.Errorf("a user without a name shows %q, want the email", eve.Name)
	}
	if a := NewAgent(snap, Audience{View: ViewAgent}); a.People[0].Call != nil {
		t.Error("the agent view carries call details")
	}
	var counts []string
	for _, c := range b.Counts {
		counts = append(counts, fmt.Sprintf("%s=%d", c.Label.State, c.N))
	}
	if got := strings.Join(counts, " "); got != "available=1 ringing=1 talking=1 rt=1 dnd=1 away=1 offline=1 unknown=1" {
		t.Errorf("counts = %s", got)
	}
}

func TestEscaping(t *testing.T) {
	hostile := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}
	snap := fixture()
	snap.Users[0].Name = hostile[0]
	snap.Users[1].Name = hostile[1]
	snap.Users[1].Message = hostile[0]
	snap.Users[2].Group = hostile[1]
	snap.Calls[0].Legs[0].Caller.Name = hostile[1]
	snap.Conferences[0].Subject = hostile[0]
	snap.Queues[0].Name = hostile[1]
	aud := Audience{View: ViewBoard}
	push, err := Push(source{snap}, allChanges(snap), aud)
	if err != nil {
		t.Fatal(err)
	}
	initial, err := Initial(snap, aud)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{
		"board page": renderComponent(t, BoardPage(page, NewBoard(snap, aud))),
		"agent page": renderComponent(t, AgentPage(page, NewAgent(snap, Audience{View: ViewAgent}))),
		"initial":    initial,
		"push":       push,
	} {
		for _, h := range []string{"<script>alert", "<img", "onerror=alert(1)>"} {
			if bytes.Contains(out, []byte(h)) {
				t.Errorf("%s contains unescaped %q", name, h)
			}
		}
		if !bytes.Contains(out, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
			t.Errorf("%s lacks the escaped name", name)
		}
	}
}

var validID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

func TestIDs(t *testing.T) {
	inputs := []string{"", "1001", "it_w118741", "a-b", "a", "b-c", "a_2d", "<script>", `"'&`, "é", " ", "-", "_", "it_w118741_1693389850.110"}
	seen := map[string][2]string{}
	for _, company := range inputs {
		for _, key := range inputs {
			ids := []string{TileID(company, key), CallID(company, key), ConferenceID(company, key), QueueID(company, key), AgentID(company, key)}
			for _, id := range ids {
				if !validID.MatchString(id) {
					t.Errorf("id %q (from %q, %q) is not a safe id", id, company, key)
				}
				if prev, dup := seen[id]; dup {
					t.Errorf("id %q from (%q, %q) and %q", id, company, key, prev)
				}
				seen[id] = [2]string{company, key}
			}
		}
	}
	if got := TileID("it_w1", "1001"); got != "user-it_5fw1-1001" {
		t.Errorf("TileID(it_w1, 1001) = %q: the format changed; operators' CSS may rely on it", got)
	}
}

func FuzzTileID(f *testing.F) {
	f.Add("a-b", "c", "a", "b-c")
	f.Add("it_w1", "1001", "it", "w1_1001")
	f.Fuzz(func(t *testing.T, c1, k1, c2, k2 string) {
		id1, id2 := TileID(c1, k1), TileID(c2, k2)
		if !validID.MatchString(id1) {
			t.Fatalf("TileID(%q, %q) = %q, not a safe id", c1, k1, id1)
		}
		if id1 == id2 && (c1 != c2 || k1 != k2) {
			t.Fatalf("TileID collision: (%q, %q) and (%q, %q) both give %q", c1, k1, c2, k2, id1)
		}
	})
}

func TestAudienceKey(t *testing.T) {
	auds := []Audience{
		{View: ViewBoard}, {View: ViewBoard, Masked: true}, {View: ViewAgent},
		{View: ViewBoard, Company: "it_w1"}, {View: ViewBoard, Company: "it_w1", Masked: true},
		{View: ViewBoard, Company: "*"}, {View: ViewBoard, Company: "it|w1"}, {View: ViewBoard, Company: "it_w1|masked"},
		{View: ViewBoard, Lang: "de"}, {View: ViewBoard, Company: "it_w1", Lang: "it"},
	}
	seen := map[string]Audience{}
	for _, a := range auds {
		k := a.Key()
		if prev, dup := seen[k]; dup {
			t.Errorf("%+v and %+v share key %q", a, prev, k)
		}
		seen[k] = a
	}
	for aud, want := range map[Audience]string{
		{View: ViewBoard, Company: "it_w1", Masked: true}:             "board|it_5fw1|masked|en",
		{View: ViewBoard, Company: "it_w1", Masked: true, Lang: "de"}: "board|it_5fw1|masked|de",
		{View: ViewAgent, Lang: "xx"}:                                 "agent|*|clear|en",
	} {
		if got := aud.Key(); got != want {
			t.Errorf("%+v.Key() = %q, want %q", aud, got, want)
		}
	}
}

func TestSocketURL(t *testing.T) {
	for _, tt := range []struct{ view, query, want string }{
		{ViewBoard, "", "/ws?view=board"},
		{ViewAgent, "q=ann&group=Sales&group=Ops", "/ws?group=Sales&group=Ops&q=ann&view=agent"},
		{ViewBoard, "view=agent&tv=1", "/ws?tv=1&view=board"},
		{ViewBoard, "a=%zz&tv=1", "/ws?tv=1&view=board"},
	} {
		if got := SocketURL(tt.view, tt.query); got != tt.want {
			t.Errorf("SocketURL(%q, %q) = %q, want %q", tt.view, tt.query, got, tt.want)
		}
	}
}

func TestPush(t *testing.T) {
	snap := fixture()
	src := source{snap}
	onBoard := Audience{View: ViewBoard}

	got, err := Push(src, []board.Change{
		{Kind: board.ChangeUser, Company: "it_a1", Key: "1001"},
		{Kind: board.ChangeUser, Company: "it_a1", Key: "1001"},
		{Kind: board.ChangeUser, Company: "it_a1", Key: "9999"},
		{Kind: board.ChangeCall, Company: "it_a1", Key: "a-c1", Removed: true},
		{Kind: board.ChangeAgent, Company: "it_a1", Key: "1001"},
		{Kind: board.ChangeDay},
	}, onBoard)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if n := strings.Count(s, `id="user-it_5fa1-1001"`); n != 1 {
		t.Errorf("the changed tile appears %d times, want once:\n%s", n, s)
	}
	for _, want := range []string{
		`<template id="user-it_5fa1-9999" data-remove></template>`,
		`<template id="call-it_5fa1-a_2dc1" data-remove></template>`,
		`data-parent="tiles"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("frame lacks %s:\n%s", want, s)
		}
	}

	agent := Audience{View: ViewAgent}
	if got, err := Push(src, []board.Change{{Kind: board.ChangeCall, Company: "it_a1", Key: "a-c1"}}, agent); got != nil || err != nil {
		t.Errorf("a call change for the agent view = %q, %v; want nil", got, err)
	}
	got, err = Push(src, []board.Change{{Kind: board.ChangeUser, Company: "it_a1", Key: "1003"}}, agent)
	if err != nil || !bytes.Contains(got, []byte(`data-parent="people"`)) || !bytes.Contains(got, []byte(`href="tel:1003"`)) {
		t.Errorf("a user change for the agent view = %q, %v; want a person row", got, err)
	}
	if got, err := Push(src, nil, onBoard); got != nil || err != nil {
		t.Errorf("Push(no changes) = %q, %v; want nil", got, err)
	}
}

func TestPushMatchesPage(t *testing.T) {
	snap := fixture()
	aud := Audience{View: ViewBoard, Masked: true}
	pageBytes := renderComponent(t, BoardPage(page, NewBoard(snap, aud)))
	for _, c := range allChanges(snap) {
		frame, err := Push(source{snap}, []board.Change{c}, aud)
		if err != nil {
			t.Fatal(err)
		}
		// A queue's change is its company's all-queues row's too: the
		// frame is both elements.
		parts := [][]byte{frame}
		if i := bytes.Index(frame, []byte(`<li id="`+QueueTotalID(c.Company)+`"`)); i > 0 {
			parts = [][]byte{frame[:i], frame[i:]}
		} else if c.Kind == board.ChangeQueue && c.Company == "it_a1" {
			t.Errorf("the push for %+v lacks the company's all-queues row:\n%s", c, frame)
		}
		for _, p := range parts {
			if !bytes.Contains(pageBytes, p) {
				t.Errorf("the push for %+v is not the element the page renders:\n%s", c, p)
			}
		}
	}
}

func TestHeartbeat(t *testing.T) {
	got := string(Heartbeat(t0))
	if want := `<template id="heartbeat" data-at="2026-03-04T09:30:00Z"></template>`; got != want {
		t.Errorf("Heartbeat = %s, want %s", got, want)
	}
}

// TestGeneratedUpToDate regenerates the templ components into a temporary
// directory and compares them with the committed *_templ.go files.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the templ generator")
	}
	sources, err := filepath.Glob("*.templ")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no templ files: %v", err)
	}
	// Generate from a copy laid out like the repository (root/views), so the
	// file names templ records match `go tool templ generate` at the root.
	root := t.TempDir()
	dir := filepath.Join(root, "views")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, src), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), "go", "tool", "templ", "generate", "-path", root)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go tool templ generate: %v\n%s", err, out)
	}
	for _, src := range sources {
		gen := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(dir, gen))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(gen)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go tool templ generate", gen)
		}
	}
}

func BenchmarkBoardPage_2000Users(b *testing.B) {
	snap := fixture()
	base := snap.Users[:8]
	snap.Users = nil
	for i := range 2000 {
		u := base[i%len(base)]
		u.Extension = fmt.Sprintf("%d", 2000+i)
		u.Name = fmt.Sprintf("%s %d", u.Name, i)
		u.Since = t0.Add(-time.Duration(i) * 7 * time.Second) // every tile ticks its time in state
		snap.Users = append(snap.Users, u)
	}
	aud := Audience{View: ViewBoard, Company: "it_a1", Masked: true}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := BoardPage(page, NewBoard(snap, aud)).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(buf.Bytes())
	zw.Close()
	b.ReportMetric(float64(buf.Len()), "bytes/page")
	b.ReportMetric(float64(gz.Len()), "gzip-bytes/page")
}

func TestMaskedAudienceMasksConferenceGuestNumbers(t *testing.T) {
	conf := board.Conference{ID: "conf-1", Company: "it_w1", Participants: []board.ConferenceParticipant{
		{Name: "+44 20 7946 0321"},                       // a dial-in guest named by the number
		{Name: "Dana Okafor", Extension: "240"},          // a PBX user
		{Name: "Guest Visitor", Email: "g@example.test"}, // a guest with a name
	}}
	masked := newConferenceRow(conf, Audience{View: ViewBoard, Masked: true})
	if s := fmt.Sprint(masked.Participants); strings.Contains(s, "7946") {
		t.Fatalf("masked participants = %s", s)
	}
	if masked.Participants[1].Display != "Dana Okafor" || masked.Participants[2].Display != "Guest Visitor" {
		t.Fatalf("names were masked too: %+v", masked.Participants)
	}
	full := newConferenceRow(conf, Audience{View: ViewBoard})
	if full.Participants[0].Display != "+44 20 7946 0321" || full.Participants[0].Name != "+44 20 7946 0321" {
		t.Fatalf("unmasked audience = %+v", full.Participants)
	}
}
