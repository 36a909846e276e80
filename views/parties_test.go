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
