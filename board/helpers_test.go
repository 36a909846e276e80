package board_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// Values shaped like the PBX's: company ids, call ids "<company>_<epoch>.<n>",
// extensions.
const (
	acme   = "it_w118741"
	globex = "it_w200002"
)

// t0 is a weekday morning in UTC.
var t0 = time.Date(2024, 7, 24, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func local(ext, name, email string) board.Party {
	return board.Party{Local: true, Extension: ext, Phone: ext, Name: name, Email: email, Group: "Sales", Device: "WILDIX_PHONE"}
}

func remote(phone string) board.Party {
	return board.Party{Phone: phone, Name: phone}
}

func ptr[T any](v T) *T { return &v }

func leg(index int, state string, caller board.Party, callee *board.Party) board.Leg {
	return board.Leg{Index: index, Caller: caller, Callee: callee, State: state, Direction: board.Internal, Destination: "10020"}
}

func callEv(company string, when time.Time, id string, legs ...board.Leg) board.Event {
	return board.Event{Company: company, At: when, Call: &board.CallUpsert{ID: id, Legs: legs}}
}

func endEv(company string, when time.Time, id string) board.Event {
	return board.Event{Company: company, At: when, CallEnd: &board.CallEnd{ID: id, Cause: "16"}}
}

func telEv(company string, when time.Time, ext, status string) board.Event {
	return board.Event{Company: company, At: when, Telephony: &board.Telephony{Extension: ext, Status: status}}
}

func presEv(company string, when time.Time, ext, status, msg string) board.Event {
	return board.Event{Company: company, At: when, Presence: &board.Presence{Extension: ext, Status: status, Message: msg}}
}

func tick(when time.Time) board.Event { return board.Event{At: when, Tick: true} }

func userChange(company, ext string) board.Change {
	return board.Change{Kind: board.ChangeUser, Company: company, Key: ext}
}

func callChange(company, id string, removed bool) board.Change {
	return board.Change{Kind: board.ChangeCall, Company: company, Key: id, Removed: removed}
}

func confChange(company, id string, removed bool) board.Change {
	return board.Change{Kind: board.ChangeConference, Company: company, Key: id, Removed: removed}
}

func queueChange(company, name string) board.Change {
	return board.Change{Kind: board.ChangeQueue, Company: company, Key: name}
}

func agentChange(company, ext string) board.Change {
	return board.Change{Kind: board.ChangeAgent, Company: company, Key: ext}
}

func dayChange(company string) board.Change {
	return board.Change{Kind: board.ChangeDay, Company: company}
}

// mustUser returns the user or fails the test.
func mustUser(tb testing.TB, b *board.Board, company, ext string) board.User {
	tb.Helper()
	u, ok := b.User(company, ext)
	if !ok {
		tb.Fatalf("user %s/%s not on the board", company, ext)
	}
	return u
}

// mustCall returns the call or fails the test.
func mustCall(tb testing.TB, b *board.Board, company, id string) board.Call {
	tb.Helper()
	c, ok := b.Call(company, id)
	if !ok {
		tb.Fatalf("call %s/%s not on the board", company, id)
	}
	return c
}

// mustMarshal encodes the board or fails the test.
func mustMarshal(tb testing.TB, b *board.Board) []byte {
	tb.Helper()
	data, err := b.MarshalBinary()
	if err != nil {
		tb.Fatalf("MarshalBinary: %v", err)
	}
	return data
}

// stringOf is v as JSON, for comparing states.
func stringOf(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("encode: %v", err)
	}
	return string(b)
}
