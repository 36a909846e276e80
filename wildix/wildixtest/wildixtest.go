// Package wildixtest builds the board a correct wallboard must end with, for
// tests that push events through a real server and compare.
package wildixtest

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/wildix"
)

// Reference returns a board fed every distinct body exactly once, in order,
// as the ingress stores them: exact retries collapse and unknown event types
// are not stored. stored is how many entries the event log should hold. The
// events carry no receive time; see ReferenceReceived.
func Reference(tb testing.TB, opts board.Options, bodies [][]byte) (b *board.Board, stored int) {
	tb.Helper()
	return ReferenceReceived(tb, opts, bodies, nil)
}

// ReferenceReceived is Reference with each body's receive time, as the
// event log recorded it (received returns the zero time for a body it does
// not know; a nil received knows none). The board's clock is the receive
// time, so a server's board equals the reference only when both saw the
// same receive times.
func ReferenceReceived(tb testing.TB, opts board.Options, bodies [][]byte, received func(sum [32]byte) time.Time) (b *board.Board, stored int) {
	tb.Helper()
	b = board.New(opts)
	seen := make(map[[32]byte]bool, len(bodies))
	for i, body := range bodies {
		sum := sha256.Sum256(body)
		if seen[sum] {
			continue
		}
		env, err := wildix.Decode(body)
		if err != nil {
			tb.Fatalf("body %d: %v", i, err)
		}
		events, err := wildix.Translate(env)
		if errors.Is(err, wildix.ErrUnknownType) {
			continue
		}
		if err != nil {
			tb.Fatalf("body %d (%s): %v", i, env.Type, err)
		}
		seen[sum] = true
		for _, e := range events {
			if received != nil {
				e.Received = received(sum)
			}
			b.Apply(e)
		}
	}
	return b, len(seen)
}
