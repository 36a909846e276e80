package views

import (
	"testing"

	"github.com/wallboard/wallboard/board"
)

// TestCallPartiesOncePerPerson: a person on two legs of a call from two
// devices is one party.
func TestCallPartiesOncePerPerson(t *testing.T) {
	ann := board.Party{Local: true, Extension: "201", Phone: "201", Name: "Ann", Device: "WILDIX_PHONE"}
	annMobile := ann
	annMobile.Device = "XBEES_ANDROID"
	caller := board.Party{Phone: "+15550001"}
	call := board.Call{Legs: []board.Leg{
		{Index: 0, Caller: caller, Callee: &ann},
		{Index: 1, Caller: caller, Callee: &annMobile},
	}}
	if got := newCallRow(call, Audience{}).Parties; len(got) != 2 {
		t.Errorf("parties = %d, want the caller and Ann once", len(got))
	}
}

// TestPartyShort: the shorter forms of whom a call is with, for a TV tile's
// call line: the short name with the number, then alone; none for a party
// known by its number only or by one word.
func TestPartyShort(t *testing.T) {
	tests := []struct {
		p              Party
		short, shorter string
	}{
		{Party{Name: "Kenji Tanaka", Number: "219"}, "Kenji T. · 219", "Kenji T."},
		{Party{Name: "Kenji Tanaka"}, "Kenji T.", ""},
		{Party{Name: "alessandro.colombo@example.com", Number: "206"}, "alessandro.colombo · 206", "alessandro.colombo"},
		{Party{Number: "+390281905149"}, "", ""},
		{Party{Name: "+390281905149", Number: "+390281905149"}, "", ""},
		{Party{Name: "Caller", Number: "+15550101"}, "", ""},
	}
	for _, tt := range tests {
		short, shorter := partyShort(tt.p)
		if short != tt.short || shorter != tt.shorter {
			t.Errorf("partyShort(%+v) = %q, %q; want %q, %q", tt.p, short, shorter, tt.short, tt.shorter)
		}
	}
}
