package pbxsim

import (
	"testing"
	"time"
)

// TestModelCountersMatchCalls recomputes every user's ringing and talking
// legs from the active calls after each step, and checks that the last
// announced presence:telephony matches them: the counters the simulator
// keeps incrementally never drift from its calls.
func TestModelCountersMatchCalls(t *testing.T) {
	s := New(Options{Seed: 5, Now: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }})
	rts := 0
	for range 3000 {
		s.Next()
		if len(s.out) > 0 {
			continue // in the middle of an action's events
		}
		ringing, talking := map[*user]int{}, map[*user]int{}
		for _, c := range s.calls {
			for _, f := range c.flows {
				if f.ended {
					continue
				}
				if f.caller.user != nil {
					talking[f.caller.user]++
				}
				if f.callee == nil || f.callee.user == nil {
					continue
				}
				switch f.status {
				case flowRinging:
					ringing[f.callee.user]++
				case flowTalking, flowHold:
					talking[f.callee.user]++
				default:
					t.Fatalf("call %s flow %d is active with status %q", c.id, f.index, f.status)
				}
			}
		}
		for _, u := range s.users {
			if u.ringing != ringing[u] || u.talking != talking[u] {
				t.Fatalf("at %s user %s counts ringing=%d talking=%d, its calls say %d and %d",
					s.now, u.ext, u.ringing, u.talking, ringing[u], talking[u])
			}
			if u.lastTel != u.telephony() {
				t.Fatalf("at %s user %s last announced %q, is %q", s.now, u.ext, u.lastTel, u.telephony())
			}
			if u.lastTel == "rt" {
				rts++
			}
		}
	}
	if rts == 0 {
		t.Error("no user was ever ringing while talking (rt)")
	}
}
