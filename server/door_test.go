package server

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/wildix"
	"github.com/wallboard/wallboard/wildix/pbxsim"
)

// doorCopy is what Accept hands to the pipeline for body, received at at,
// and the entry the log stores for it.
func doorCopy(t *testing.T, body []byte, at time.Time) (doorEntry, eventlog.Entry) {
	t.Helper()
	env, err := wildix.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	events, err := wildix.Translate(env)
	if err != nil {
		t.Fatalf("translate %s: %v", body, err)
	}
	received := at.UTC().Format(time.RFC3339Nano)
	stamp(events, at.UTC().Round(0))
	sum := sha256.Sum256(body)
	e := eventlog.Entry{ID: hex.EncodeToString(sum[:]), Body: body, Header: map[string]string{headerReceived: received}}
	return doorEntry{received: received, typ: env.Type, events: events}, e
}

// TestDoorEventsAreTheLogsEvents: what the ingress hands over is exactly
// what decoding the stored entry gives, so a node that skips the decode
// applies what every other node applies.
func TestDoorEventsAreTheLogsEvents(t *testing.T) {
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	sim := pbxsim.New(pbxsim.Options{Seed: 3, Rate: 2, Now: func() time.Time { return start }})
	bodies := sim.Initial()
	for len(bodies) < 400 {
		_, body := sim.Next()
		bodies = append(bodies, body)
	}
	at := time.Now() // with a monotonic reading, as in Accept
	for i, body := range bodies {
		d, e := doorCopy(t, body, at.Add(time.Duration(i)*time.Microsecond))
		want, typ, err := entryEvents(e)
		if err != nil {
			t.Fatal(err)
		}
		if typ != d.typ || !reflect.DeepEqual(d.events, want) {
			t.Fatalf("body %d: door events\n%+v\nlog events\n%+v", i, d.events, want)
		}
	}
}

// TestPipelineTakesTheDoorsEvents: the pipeline applies the handed-over
// events of the entry it stored, once, and decodes an entry with another
// receive time (a racing retry) itself.
func TestPipelineTakesTheDoorsEvents(t *testing.T) {
	body := []byte(`{"id":"x","pbx":"0000aa11bb22","company":"it_w424242","time":1764061200000,"type":"presence:telephony","integrationId":"tst001","data":{"extension":"1001","email":"","sourceId":"","status":"talking"}}`)
	d, e := doorCopy(t, body, time.Now())
	marker := []board.Event{{Tick: true}} // not what the body decodes to
	p := &pipeline{door: newDoorEvents()}

	p.door.put(e.ID, doorEntry{received: d.received, typ: d.typ, events: marker})
	if got, _, _ := p.eventsOf(e); !reflect.DeepEqual(got, marker) {
		t.Fatalf("eventsOf = %+v, want the door's", got)
	}
	if got, _, _ := p.eventsOf(e); !reflect.DeepEqual(got, d.events) {
		t.Fatalf("second eventsOf = %+v, want the entry decoded", got)
	}

	p.door.put(e.ID, doorEntry{received: "2026-01-01T00:00:00Z", typ: d.typ, events: marker})
	if got, _, _ := p.eventsOf(e); !reflect.DeepEqual(got, d.events) {
		t.Fatalf("eventsOf with another receive time = %+v, want the entry decoded", got)
	}
	p.door.drop(e.ID, "2026-01-01T00:00:00Z")
	if len(p.door.entries) != 0 {
		t.Fatalf("door holds %d entries after drop", len(p.door.entries))
	}
}
