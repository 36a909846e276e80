package pbxsim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wallboard/wallboard/wildix/pbxsim"
)

// start is the fake clock of every test: the simulation starts here.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newSim(seed int64) *pbxsim.Sim {
	return pbxsim.New(pbxsim.Options{Seed: seed, Now: func() time.Time { return start }})
}

// party is the part of a call party the tests look at.
type party struct {
	Type          string  `json:"type"`
	Phone         string  `json:"phone"`
	UserExtension *string `json:"userExtension"`
	GroupName     *string `json:"groupName"`
	Role          string  `json:"role"`
}

// event is one decoded body, with the union of the data fields the tests use.
type event struct {
	at            time.Time
	raw           []byte
	ID            string `json:"id"`
	Type          string `json:"type"`
	Time          int64  `json:"time"`
	Company       string `json:"company"`
	IntegrationID string `json:"integrationId"`
	Data          struct {
		Company      *string  `json:"company"`
		ID           string   `json:"id"`
		Status       string   `json:"status"`
		Extension    string   `json:"extension"`
		Message      string   `json:"message"`
		Caller       *party   `json:"caller"`
		Callee       *party   `json:"callee"`
		EndCause     *string  `json:"endCause"`
		EndCauseStr  *string  `json:"endCauseStr"`
		EventTrigger string   `json:"eventTrigger"`
		Subject      string   `json:"subject"`
		Participants []any    `json:"participants"`
		Flows        []flow   `json:"flows"`
		Tags         []string `json:"tags"`
	} `json:"data"`
}

type flow struct {
	FlowIndex  int    `json:"flowIndex"`
	Caller     *party `json:"caller"`
	Callee     *party `json:"callee"`
	Direction  string `json:"direction"`
	Status     string `json:"status"`
	StartTime  int64  `json:"startTime"`
	EndTime    int64  `json:"endTime"`
	CallStatus string `json:"callStatus"`
}

// decode parses one body.
func decode(at time.Time, body []byte) (event, error) {
	var env struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return event{}, fmt.Errorf("not a JSON object: %w\n%s", err, body)
	}
	e := event{at: at, raw: body}
	target := any(&e)
	if strings.HasPrefix(env.Type, "chat:") {
		// Chat data has other shapes (message is an object): keep the envelope only.
		target = &struct {
			*event
			Data json.RawMessage `json:"data"`
		}{event: &e}
	}
	if err := json.Unmarshal(body, target); err != nil {
		return event{}, fmt.Errorf("not the expected JSON: %w\n%s", err, body)
	}
	return e, nil
}

func mustDecode(t *testing.T, at time.Time, body []byte) event {
	t.Helper()
	e, err := decode(at, body)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sampleSpan is how much simulated time the shared sample covers.
const sampleSpan = 45 * time.Minute

// sample is the first sampleSpan of seed 1 with the default options,
// produced and decoded once: decoding dominates these tests' run time.
var sample = sync.OnceValues(func() ([]event, error) {
	s := newSim(1)
	var events []event
	for {
		at, body := s.Next()
		if at.After(start.Add(sampleSpan)) {
			return events, nil
		}
		e, err := decode(at, body)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
})

func sampleEvents(t *testing.T) []event {
	t.Helper()
	events, err := sample()
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// parties returns the local extensions an event names as call parties.
func (e event) parties() []string {
	var exts []string
	add := func(p *party) {
		if p != nil && p.Type == "LOCAL" && p.UserExtension != nil {
			exts = append(exts, *p.UserExtension)
		}
	}
	add(e.Data.Caller)
	add(e.Data.Callee)
	for _, f := range e.Data.Flows {
		add(f.Caller)
		add(f.Callee)
	}
	return exts
}

// callID is the key of a call event: data.id when present, else the envelope id.
func (e event) callID() string {
	if e.Data.ID != "" {
		return e.Data.ID
	}
	return e.ID
}

// ends reports whether e ends a live call (in either format).
func (e event) ends() bool {
	return e.Type == "call:end" || e.Type == "call:live:completed" || e.Data.EventTrigger == "call.end"
}

// isCall reports whether e is live call state (not analytics).
func (e event) isCall() bool {
	return strings.HasPrefix(e.Type, "call:") && e.Type != "call:completed"
}

func TestNextIsDeterministicForASeed(t *testing.T) {
	a, b := newSim(42), newSim(42)
	b.Initial() // must not change what Next returns
	for i := range 500 {
		atA, bodyA := a.Next()
		atB, bodyB := b.Next()
		if !atA.Equal(atB) || !bytes.Equal(bodyA, bodyB) {
			t.Fatalf("event %d differs for the same seed:\n%s %s\n%s %s", i, atA, bodyA, atB, bodyB)
		}
	}

	c, d := newSim(42), newSim(43)
	same := 0
	for range 500 {
		_, bodyC := c.Next()
		_, bodyD := d.Next()
		if bytes.Equal(bodyC, bodyD) {
			same++
		}
	}
	if same == 500 {
		t.Error("seeds 42 and 43 produced the same 500 events")
	}
}

func TestEventsHaveTheWildixEnvelope(t *testing.T) {
	hex12 := regexp.MustCompile(`^[0-9a-f]{12}$`)
	seen := map[string]int{}
	bodies := map[[32]byte]bool{}
	duplicates := 0
	var last time.Time
	events := sampleEvents(t)
	for i, e := range events {
		at, body := e.at, e.raw
		if at.Before(last) {
			t.Fatalf("event %d at %s is before the previous one at %s", i, at, last)
		}
		last = at
		sum := sha256.Sum256(body)
		retry := bodies[sum]
		if retry {
			duplicates++
		}
		bodies[sum] = true

		var env map[string]json.RawMessage // shallow: decoding dominates the run time
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatalf("event %d is not a JSON object: %v\n%s", i, err, body)
		}
		typ := e.Type
		for field, want := range map[string]string{"id": "string", "company": "string", "type": "string", "integrationId": "string", "time": "number", "data": "object"} {
			if got := jsonKind(env[field]); got != want {
				t.Fatalf("event %d (%s): %q is %s, want %s\n%s", i, typ, field, got, want, body)
			}
		}
		if e.Company != pbxsim.DefaultCompany || e.IntegrationID != pbxsim.DefaultIntegrationID {
			t.Fatalf("event %d: company/integrationId = %q/%q", i, e.Company, e.IntegrationID)
		}
		if dc := e.Data.Company; dc != nil && *dc != pbxsim.DefaultCompany {
			t.Fatalf("event %d (%s): data.company = %q", i, typ, *dc)
		}
		ms := e.Time
		if d := time.UnixMilli(ms).Sub(at); !retry && (d < 0 || d > time.Second) {
			t.Fatalf("event %d: envelope time %d is %s from the event time %s", i, ms, d, at)
		}
		var pbx string
		hasPBX := json.Unmarshal(env["pbx"], &pbx) == nil
		wantPBX := !strings.HasPrefix(typ, "conference:") && !strings.HasPrefix(typ, "chat:")
		if hasPBX != wantPBX || (hasPBX && !hex12.MatchString(pbx)) {
			t.Fatalf("event %d (%s): pbx = %v, want present=%v and 12 hex digits", i, typ, env["pbx"], wantPBX)
		}

		key := typ
		switch {
		case e.Data.EventTrigger != "":
			key += " " + e.Data.EventTrigger
		case typ == "presence:telephony", typ == "presence:user":
			key += " " + e.Data.Status
		}
		seen[key]++
		if typ == "call:end" && (e.Data.EndCause == nil || e.Data.EndCauseStr == nil) {
			t.Errorf("call:end without an end cause: %s", body)
		}
		if typ == "call:start" && e.Data.Callee != nil {
			t.Errorf("call:start with a callee: %s", body)
		}
		if typ == "presence:telephony" && !strings.HasPrefix(e.ID, pbxsim.DefaultCompany+"_"+strconv.FormatInt(ms, 10)+"_") {
			t.Errorf("presence:telephony id %q is not <company>_<ms>_<extension>", e.ID)
		}
	}
	for _, want := range []string{
		"call:start", "call:update", "call:end",
		"call:live:progress call.start", "call:live:progress call.update", "call:live:progress call.end",
		"call:live:completed", "call:completed",
		"presence:telephony registered", "presence:telephony ringing", "presence:telephony talking", "presence:telephony rt",
		"presence:user dnd", "presence:user away", "presence:user ",
		// conference:live:join is left out: a late joiner needs a free agent,
		// which this busy sample (surges included) may not have.
		"presence:conference", "conference:live:progress", "chat:message:new",
	} {
		if seen[want] == 0 {
			t.Errorf("no %q among %d events; saw %v", want, len(events), seen)
		}
	}
	if duplicates == 0 {
		t.Errorf("no exact retry (duplicate body) among %d events", len(events))
	}
}

// jsonKind names the JSON type of a raw value.
func jsonKind(v json.RawMessage) string {
	switch {
	case len(v) == 0:
		return "missing"
	case v[0] == '"':
		return "string"
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		return "number"
	case v[0] == '{':
		return "object"
	default:
		return string(v)
	}
}

// TestTelephonyFollowsCalls replays the stream as a receiver would (exact
// retries dropped) and checks that what presence:telephony says about a
// user matches the calls the stream shows.
func TestTelephonyFollowsCalls(t *testing.T) {
	active := map[string][]string{} // call id → local extensions named by its events
	tel := map[string]string{}      // extension → last announced telephony
	seen := map[[32]byte]bool{}
	inCall := func(ext string) bool {
		for _, exts := range active {
			if slices.Contains(exts, ext) {
				return true
			}
		}
		return false
	}
	for _, e := range sampleEvents(t) {
		if sum := sha256.Sum256(e.raw); seen[sum] {
			continue
		} else {
			seen[sum] = true
		}
		switch {
		case e.Type == "presence:telephony":
			tel[e.Data.Extension] = e.Data.Status
			if e.Data.Status != "registered" && !inCall(e.Data.Extension) {
				t.Fatalf("%s reported %q with no active call naming it: %s", e.Data.Extension, e.Data.Status, e.raw)
			}
		case e.isCall() && e.ends():
			ended := active[e.callID()]
			delete(active, e.callID())
			for _, ext := range append(ended, e.parties()...) {
				if st := tel[ext]; st != "" && st != "registered" && !inCall(ext) {
					t.Fatalf("call %s ended but %s is still %q: %s", e.callID(), ext, st, e.raw)
				}
			}
		case e.isCall():
			id := e.callID()
			for _, ext := range e.parties() {
				if !slices.Contains(active[id], ext) {
					active[id] = append(active[id], ext)
				}
			}
			if _, ok := active[id]; !ok {
				active[id] = nil // a remote caller waiting in a queue
			}
		}
	}
}

// TestEveryCallEnds checks that calls end and get their analytics: no call
// lasts 15 minutes (queue wait, ringing and at most 6 minutes of talk).
func TestEveryCallEnds(t *testing.T) {
	started := map[string]time.Time{}
	ended := map[string]bool{}
	completed := map[string]bool{}
	for _, e := range sampleEvents(t) {
		switch {
		case e.Type == "call:completed":
			completed[e.callID()] = true
		case e.isCall() && e.ends():
			ended[e.callID()] = true
		case e.isCall():
			if _, ok := started[e.callID()]; !ok {
				started[e.callID()] = e.at
			}
		}
	}
	checked := 0
	for id, at := range started {
		if at.After(start.Add(sampleSpan - 15*time.Minute)) {
			continue // may legitimately still be going on
		}
		checked++
		if !ended[id] {
			t.Errorf("call %s started at %s and never ended", id, at)
		}
		if !completed[id] {
			t.Errorf("call %s has no call:completed", id)
		}
	}
	if checked < 100 {
		t.Errorf("only %d calls in %s, want a busy company", checked, sampleSpan-15*time.Minute)
	}
}

func TestCallFormatsAndFlowsAreRealistic(t *testing.T) {
	var legacy, live, transfers, inbound, queued, missed int
	events := sampleEvents(t)
	for _, e := range events {
		switch e.Type {
		case "call:start":
			legacy++
			if e.Data.Caller != nil && e.Data.Caller.Type == "REMOTE" {
				inbound++
			}
		case "call:live:progress":
			if e.Data.EventTrigger == "call.start" {
				live++
			}
			if len(e.Data.Flows) > 1 {
				transfers++
			}
			for _, f := range e.Data.Flows {
				for _, p := range []*party{f.Caller, f.Callee} {
					if p != nil && p.Role != map[string]string{"LOCAL": "AGENT", "REMOTE": "CLIENT"}[p.Type] {
						t.Errorf("%s party has role %q", p.Type, p.Role)
					}
				}
			}
		case "call:completed":
			for _, f := range e.Data.Flows {
				if f.EndTime < f.StartTime {
					t.Errorf("flow ends at %d before it starts at %d", f.EndTime, f.StartTime)
				}
				if f.CallStatus == "MISSED" {
					missed++
				}
			}
		}
		if strings.HasPrefix(e.Type, "call:") && strings.Contains(string(e.raw), `"queueName":"`) {
			queued++
		}
	}
	total := legacy + live
	if legacy < total/3 || live < total/3 {
		t.Errorf("calls: %d legacy, %d live; want both formats about equally", legacy, live)
	}
	for name, n := range map[string]int{"inbound": inbound, "transferred": transfers, "queued": queued, "missed": missed} {
		if n == 0 {
			t.Errorf("no %s calls among %d events", name, len(events))
		}
	}
}

func TestInitialEstablishesTheCompany(t *testing.T) {
	s := newSim(9)
	users := map[string]bool{}
	tel := map[string]string{}
	var statuses []string
	for _, body := range s.Initial() {
		e := mustDecode(t, start, body)
		switch e.Type {
		case "presence:user":
			users[e.Data.Extension] = true
			if e.Data.Status != "" {
				statuses = append(statuses, e.Data.Status+":"+e.Data.Message)
			}
			if e.ID != pbxsim.DefaultCompany+"_"+e.Data.Extension {
				t.Errorf("presence:user id %q, want <company>_<extension>", e.ID)
			}
		case "presence:telephony":
			tel[e.Data.Extension] = e.Data.Status
		default:
			t.Errorf("unexpected initial event %s", e.Type)
		}
	}
	if len(users) != pbxsim.DefaultUsers {
		t.Errorf("%d users, want %d", len(users), pbxsim.DefaultUsers)
	}
	for ext := range users {
		if tel[ext] != "registered" {
			t.Errorf("user %s starts %q, want registered", ext, tel[ext])
		}
	}
	if len(statuses) < 2 || !slices.ContainsFunc(statuses, func(s string) bool { return strings.HasPrefix(s, "dnd:") && len(s) > 4 }) {
		t.Errorf("initial manual statuses %v, want a few including dnd with a message", statuses)
	}

	// Users and their groups are visible in call parties.
	groups := map[string]map[string]bool{}
	for _, e := range sampleEvents(t) {
		var ps []*party
		ps = append(ps, e.Data.Caller, e.Data.Callee)
		for _, f := range e.Data.Flows {
			ps = append(ps, f.Caller, f.Callee)
		}
		for _, p := range ps {
			if p != nil && p.GroupName != nil && p.UserExtension != nil {
				if groups[*p.GroupName] == nil {
					groups[*p.GroupName] = map[string]bool{}
				}
				groups[*p.GroupName][*p.UserExtension] = true
			}
		}
	}
	members := 0
	for _, exts := range groups {
		members += len(exts)
	}
	if len(groups) < 3 || members < 40 {
		t.Errorf("call parties show %d users in groups %v, want at least 40 in at least 3 groups",
			members, slices.Sorted(maps.Keys(groups)))
	}
}

func TestUsersOptionScalesTheCompany(t *testing.T) {
	s := pbxsim.New(pbxsim.Options{Users: 500, Company: "it_w999999", Now: func() time.Time { return start }})
	emails := map[string]bool{}
	for _, body := range s.Initial() {
		var e struct {
			Company string `json:"company"`
			Type    string `json:"type"`
			Data    struct {
				Email string `json:"email"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if e.Company != "it_w999999" {
			t.Fatalf("company %q", e.Company)
		}
		if e.Type == "presence:user" {
			if emails[e.Data.Email] {
				t.Fatalf("duplicate email %s", e.Data.Email)
			}
			emails[e.Data.Email] = true
		}
	}
	if len(emails) != 500 {
		t.Errorf("%d users, want 500", len(emails))
	}
}

func TestRunSendsEventsWhenDue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		sim := pbxsim.New(pbxsim.Options{Seed: 11})
		ref := pbxsim.New(pbxsim.Options{Seed: 11, Now: time.Now})
		want := ref.Initial()
		initial := len(want)
		due := make([]time.Time, initial, initial+200)
		for range 200 {
			at, body := ref.Next()
			want = append(want, body)
			due = append(due, at)
		}
		var got [][]byte
		err := sim.Run(ctx, func(ctx context.Context, body []byte) error {
			if i := len(got); i >= initial && time.Now().Before(due[i]) {
				t.Errorf("event %d sent at %s, before it is due at %s", i, time.Now(), due[i])
			}
			got = append(got, body)
			if len(got) == len(want) {
				cancel()
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("sent %d events, want %d", len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("event %d:\n got %s\nwant %s", i, got[i], want[i])
			}
		}
		if last := due[len(due)-1]; time.Now().Before(last) {
			t.Errorf("Run finished at %s, before the last event was due at %s", time.Now(), last)
		}
	})
}

func TestRunReturnsTheSendError(t *testing.T) {
	errDown := errors.New("receiver down")
	err := newSim(1).Run(t.Context(), func(context.Context, []byte) error { return errDown })
	if !errors.Is(err, errDown) {
		t.Fatalf("Run = %v, want it to wrap %v", err, errDown)
	}
}
