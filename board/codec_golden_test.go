package board_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/wallboard/wallboard/board"
)

// TestStateGolden pins today's MarshalBinary bytes for the scripted
// morning: a format change shows up here, and must bump the version.
func TestStateGolden(t *testing.T) {
	b := board.New(board.Options{})
	for _, e := range morning() {
		b.Apply(e)
	}
	for _, e := range alertsOfTheMorning() {
		b.Apply(e)
	}
	got := mustMarshal(t, b)
	path := filepath.Join("testdata", "state-v3.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("MarshalBinary differs from %s: a format change must bump stateVersion and keep decoding the old blobs", path)
	}
}

// TestDecodeOldStates decodes a blob of every format version ever
// written (state-v1.golden was encoded by version 1's code, before
// companies, device reports and receive times; state-v2.golden by version
// 2's, before queue settings, formulas and intervals): presence, calls,
// conferences and figures of days-old state survive a format change.
func TestDecodeOldStates(t *testing.T) {
	for _, name := range []string{"state-v1.golden", "state-v2.golden", "state-v3.golden"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			b := board.New(board.Options{})
			if err := b.UnmarshalBinary(data); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if u := mustUser(t, b, acme, "203"); u.Status != board.StatusDND || u.Message != "Meeting" || !u.Until.Equal(at(2*60*60e9)) {
				t.Errorf("203's presence = %q %q until %v, want dnd \"Meeting\" until 11:00", u.Status, u.Message, u.Until)
			}
			if u := mustUser(t, b, acme, "201"); u.Status != board.StatusAvailable || u.Email != "ann@example.com" || len(u.CallIDs) != 2 {
				t.Errorf("201 = %+v, want available, ann@example.com, two calls", u)
			}
			if u := mustUser(t, b, acme, "202"); u.Telephony != board.TelTalking || !u.TelephonyReported {
				t.Errorf("202's telephony = %q reported %v, want reported talking", u.Telephony, u.TelephonyReported)
			}
			if got := b.CompanyDay(acme); got != "2024-07-24" {
				t.Errorf("acme's day = %q, want 2024-07-24", got)
			}
			if q, _ := b.Queue(globex, "Sales"); q.Missed != 1 {
				t.Errorf("globex Sales missed = %d, want 1", q.Missed)
			}
			s := b.Snapshot()
			if len(s.Calls) != 3 || len(s.Conferences) != 1 {
				t.Errorf("%d calls, %d conferences; want 3, 1", len(s.Calls), len(s.Conferences))
			}
			// A device's later report still replaces the restored one.
			b.Apply(telEv(acme, at(10*60e9), "202", "registered"))
			if u := mustUser(t, b, acme, "202"); u.Telephony != board.TelRegistered {
				t.Errorf("after a new report 202 is %q, want registered", u.Telephony)
			}
			if name == "state-v3.golden" {
				if q, _ := b.Queue(acme, "Support"); q.Alert.SnoozedBy != "Floor 2" || q.Alert.SnoozedUntil.IsZero() {
					t.Errorf("Support's alert = %+v, want snoozed by Floor 2", q.Alert)
				}
			}
			again := board.New(board.Options{})
			if err := again.UnmarshalBinary(mustMarshal(t, b)); err != nil {
				t.Fatalf("re-encoded state does not decode: %v", err)
			}
		})
	}
}
