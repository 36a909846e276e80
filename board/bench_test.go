package board_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// BenchmarkApply_2000Users measures one Apply on a busy board: 2,000 users
// with presence and telephony, 300 active calls, 20 queues. Each iteration
// applies one event of a realistic mix (call updates, telephony, presence).
func BenchmarkApply_2000Users(b *testing.B) {
	const users, calls = 2000, 300
	brd := board.New(board.Options{})
	now := t0
	ext := func(i int) string { return strconv.Itoa(1000 + i%users) }
	for i := range users {
		brd.Apply(presEv(acme, now, ext(i), "available", ""))
		brd.Apply(telEv(acme, now, ext(i), "registered"))
	}
	callID := func(i int) string { return fmt.Sprintf("%s_%d.%d", acme, t0.Unix(), i%calls) }
	callLeg := func(i int, state string) board.Leg {
		l := leg(0, state, remote("+1555"+strconv.Itoa(i)), ptr(local(ext(i), "User", "")))
		l.Queue = "Q" + strconv.Itoa(i%20)
		return l
	}
	for i := range calls {
		brd.Apply(callEv(acme, now, callID(i), callLeg(i, "ringing")))
	}

	// One pre-built cycle of events, so that building them is not measured.
	var cycle []board.Event
	for i := range 3 * calls {
		now = now.Add(10 * time.Millisecond)
		switch i % 3 {
		case 0:
			state := []string{"connected", "ringing"}[i/3/calls%2]
			cycle = append(cycle, callEv(acme, now, callID(i/3), callLeg(i/3, state)))
		case 1:
			cycle = append(cycle, telEv(acme, now, ext(i), []string{"talking", "registered"}[i%2]))
		case 2:
			cycle = append(cycle, presEv(acme, now, ext(i), []string{"away", "available"}[i%2], ""))
		}
	}
	span := now.Sub(t0)

	b.ReportAllocs()
	var n int
	for b.Loop() {
		e := cycle[n%len(cycle)]
		e.At = e.At.Add(time.Duration(n/len(cycle)) * span) // keep time moving forward
		brd.Apply(e)
		n++
	}
}
