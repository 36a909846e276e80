package pbxsim_test

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/wildix"
	"github.com/wallboard/wallboard/wildix/pbxsim"
)

// level is a queue's alert level as the page computes it with the default
// thresholds (static/src/alerts.js nextLevel): 0 ok, 1 amber, 2 red.
func level(prev, waiting int, wait time.Duration) int {
	switch {
	case waiting >= 5 || wait >= 180*time.Second:
		return 2
	case prev == 2 && (waiting >= 4 || wait >= 150*time.Second):
		return 2
	case waiting >= 2 || wait >= 60*time.Second:
		return 1
	case prev != 0 && (waiting >= 1 || wait >= 45*time.Second):
		return 1
	}
	return 0
}

// dayLevels runs the default simulated company for d through a board and
// returns, per queue, the share of 5-second samples at each level.
func dayLevels(t *testing.T, opts pbxsim.Options, d time.Duration) map[string][3]float64 {
	t.Helper()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	opts.Now = func() time.Time { return start }
	sim := pbxsim.New(opts)
	b := board.New(board.Options{})
	apply := func(body []byte, at time.Time) {
		env, err := wildix.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		events, _ := wildix.Translate(env)
		for _, e := range events {
			e.Received = at
			b.Apply(e)
		}
	}
	for _, body := range sim.Initial() {
		apply(body, start)
	}
	counts := map[string][3]int{}
	prev := map[string]int{}
	next := start.Add(time.Minute) // the first minute fills the board
	for {
		at, body := sim.Next()
		for !next.After(at) {
			for _, q := range b.Snapshot().Queues {
				var wait time.Duration
				if !q.OldestWait.IsZero() {
					wait = next.Sub(q.OldestWait)
				}
				l := level(prev[q.Name], q.Waiting, wait)
				prev[q.Name] = l
				c := counts[q.Name]
				c[l]++
				counts[q.Name] = c
			}
			next = next.Add(5 * time.Second)
		}
		if at.Sub(start) > d {
			break
		}
		apply(body, at)
	}
	out := map[string][3]float64{}
	for name, c := range counts {
		n := float64(c[0] + c[1] + c[2])
		out[name] = [3]float64{float64(c[0]) / n, float64(c[1]) / n, float64(c[2]) / n}
	}
	return out
}

// TestTheDemoLooksLikeARealDay: with the default load, the queues are
// mostly green, now and then amber or red, never critical for good.
func TestTheDemoLooksLikeARealDay(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates two hours")
	}
	shares := dayLevels(t, pbxsim.Options{Seed: 7}, 2*time.Hour)
	if len(shares) < 2 {
		t.Fatalf("queues: %v, want Support and Sales", shares)
	}
	var notGreen float64
	for name, s := range shares {
		t.Logf("%s: green %.0f%%, amber %.0f%%, red %.0f%%", name, 100*s[0], 100*s[1], 100*s[2])
		if s[0] < 0.75 {
			t.Errorf("%s is green %.0f%% of the time, want mostly (≥ 75%%)", name, 100*s[0])
		}
		if s[2] > 0.08 {
			t.Errorf("%s is red %.0f%% of the time, want only now and then (≤ 8%%)", name, 100*s[2])
		}
		notGreen += s[1] + s[2]
	}
	if notGreen == 0 {
		t.Error("no queue was ever amber or red: the demo shows no alert")
	}
}
