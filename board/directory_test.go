package board_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

func TestDirectoryNamesWhomEventsNameByNumberOrEmail(t *testing.T) {
	dir := board.NewDirectory([]board.Person{
		{Extension: "201", Email: "ann@example.com", Name: "Ann Lee", Group: "Sales", Department: "Field"},
		{Company: acme, Email: "bob@example.com", Extension: "202", Name: "Bob Ito"},
		{Company: globex, Extension: "203", Name: "Not acme's Cy"},
	})
	plain := board.New(board.Options{})
	b := board.New(board.Options{Directory: dir})
	events := []board.Event{
		telEv(acme, at(time.Minute), "201", "registered"),
		// Bob is named by email only: the directory gives his extension.
		{Company: acme, At: at(2 * time.Minute), Telephony: &board.Telephony{Email: "BOB@example.com", Status: "talking"}},
		telEv(acme, at(3*time.Minute), "203", "registered"),
		callEv(acme, at(4*time.Minute), acme+"_1", leg(0, "ringing", local("201", "ann@example.com", ""), &board.Party{Local: true, Extension: "202"})),
	}
	for _, e := range events {
		plain.Apply(e)
		b.Apply(e)
	}
	ann, _ := b.User(acme, "201")
	if ann.Name != "Ann Lee" || ann.Group != "Sales" || ann.Department != "Field" || ann.Email != "ann@example.com" {
		t.Errorf("201 = %+v, want Ann Lee of Sales, Field", ann)
	}
	bob, ok := b.User(acme, "202")
	if !ok || bob.Name != "Bob Ito" || bob.Telephony != board.TelTalking {
		t.Errorf("202 = %+v, %v; want Bob Ito, talking (his email resolved)", bob, ok)
	}
	if cy, _ := b.User(acme, "203"); cy.Name != "" {
		t.Errorf("acme's 203 is named %q by another company's entry", cy.Name)
	}
	c, _ := b.Call(acme, acme+"_1")
	if c.Legs[0].Caller.Name != "Ann Lee" || c.Legs[0].Callee.Name != "Bob Ito" {
		t.Errorf("call parties %q → %q, want Ann Lee → Bob Ito", c.Legs[0].Caller.Name, c.Legs[0].Callee.Name)
	}
	snap := b.Snapshot()
	for _, u := range snap.Users {
		if u.Name == "" || u.Name == u.Email {
			if u.Extension != "203" {
				t.Errorf("snapshot user %s is named %q", u.Extension, u.Name)
			}
		}
	}
	// Applied when read, never stored: what the events said is kept.
	stored := mustMarshal(t, b)
	if !bytes.Contains(stored, []byte(`"Name":"ann@example.com"`)) || bytes.Contains(stored, []byte("Ann Lee")) {
		t.Error("the directory's names were stored in the board's state")
	}
	if u, _ := plain.User(acme, "201"); u.Name != "ann@example.com" {
		t.Errorf("without a directory 201 is %q", u.Name)
	}
	if u, _ := plain.User(acme, "202"); u.Telephony == board.TelTalking && u.TelephonyReported {
		t.Error("without a directory a report naming an unknown email reached 202")
	}
}
