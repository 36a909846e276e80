package hub

import (
	"testing"
	"testing/synctest"
	"time"
)

// yielded runs p.yield in a goroutine and returns a channel that receives
// how long it waited.
func yielded(p *priority) <-chan time.Duration {
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		p.yield()
		done <- time.Since(start)
	}()
	return done
}

func TestPriority_yieldWaitsUntilLiveMessagesAreWritten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPriority()
		if got := <-yielded(p); got != 0 {
			t.Fatalf("with nothing live, yield waited %v", got)
		}
		p.add(2)
		done := yielded(p)
		time.Sleep(10 * time.Millisecond)
		p.done(1)
		synctest.Wait()
		select {
		case got := <-done:
			t.Fatalf("yield returned after %v with a live message still pending", got)
		default:
		}
		p.done(1)
		if got := <-done; got != 10*time.Millisecond {
			t.Errorf("yield waited %v; want the 10ms until the last live message was written", got)
		}
		if got := <-yielded(p); got != 0 {
			t.Errorf("once every live message was written, yield waited %v", got)
		}
	})
}

func TestPriority_countMayDipBelowZero(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPriority()
		// A writer may uncount its message before the publisher counts it.
		p.done(1)
		p.add(3)
		if done := yielded(p); func() bool { synctest.Wait(); return len(done) == 1 }() {
			t.Fatal("yield did not wait with two live messages pending")
		}
		p.done(2)
		if got := <-yielded(p); got != 0 {
			t.Errorf("with nothing live, yield waited %v", got)
		}
		if n := p.live.Load(); n != 0 {
			t.Errorf("count %d, want 0", n)
		}
	})
}

func TestPriority_yieldIsBoundedPerLivePeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPriority()
		p.add(1) // a client that never reads: its message stays pending
		time.Sleep(30 * time.Millisecond)
		if got := <-yielded(p); got != liveYield-30*time.Millisecond {
			t.Errorf("yield waited %v; want what was left of liveYield (%v)", got, liveYield-30*time.Millisecond)
		}
		p.add(5) // more pushes in the same live period
		if got := <-yielded(p); got != 0 {
			t.Errorf("in a live period older than liveYield, yield waited %v", got)
		}
	})
}

func TestSlots_boundAndGiveUpAfterHold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSlots(1, 5*time.Millisecond)
		release := s.acquire()
		start := time.Now()
		second := s.acquire() // the first holder never releases: its place frees after hold
		if got := time.Since(start); got != 5*time.Millisecond {
			t.Errorf("second acquire waited %v; want the 5ms hold", got)
		}
		release() // too late: harmless, and gives back nothing twice
		release()
		second()
		start = time.Now()
		third := s.acquire()
		defer third()
		if got := time.Since(start); got != 0 {
			t.Errorf("a free place took %v to acquire", got)
		}
		done := make(chan struct{})
		go func() { s.acquire()(); close(done) }()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("acquired a place while the only one was held")
		default:
		}
		third()
		<-done
	})
}

func TestPacedSlots_keepThePaceButGiveUpAfterHold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newPacedSlots(1, 10*time.Millisecond, time.Millisecond)
		start := time.Now()
		for range 5 {
			s.acquire()() // released at once: the place frees when the pace has passed
		}
		if got := time.Since(start); got != 4*time.Millisecond {
			t.Errorf("five holders released at once took %v; want 4 paces of 1ms", got)
		}
		// A holder slower than the pace releases at once.
		time.Sleep(time.Millisecond)
		release := s.acquire()
		time.Sleep(3 * time.Millisecond)
		release()
		start = time.Now()
		held := s.acquire()
		if got := time.Since(start); got != 0 {
			t.Errorf("after a holder slower than the pace, the next waited %v", got)
		}
		// A holder that never releases gives its place up after hold.
		start = time.Now()
		s.acquire()()
		if got := time.Since(start); got != 10*time.Millisecond {
			t.Errorf("behind a holder that never releases, acquire waited %v; want the 10ms hold", got)
		}
		held()
	})
}
