package hub

import (
	"sync"
	"sync/atomic"
	"time"
)

// liveYield bounds how long new clients' first messages give way to live
// messages: past it, a live period (see priority) no longer holds them back,
// so a client that stalls with messages queued, or a board whose pushes
// never pause, delays a first message by at most liveYield.
const liveYield = 100 * time.Millisecond

// firstHold bounds how long a first message being written counts against
// Hub.firsts (see slots). Writing a first message into a socket's buffer
// takes tens of microseconds; a client that does not read holds a place for
// at most firstHold.
const firstHold = time.Millisecond

// Upgrades are admitted one at a time, each keeping its place for at least
// handshakePace (and at most handshakeHold if it blocks): at most about
// 1,250 new WebSockets a second per node. A reconnect wave of 1,000
// browsers then spreads over about 1.3 s instead of taking both cores for a
// third of a second, and the pushes to the browsers that stayed connected
// keep their pace (BenchmarkReconnectStorm_2000Users_1000Clients). A lone
// connection is not slowed: the pace only delays the next upgrade.
const (
	handshakePace = 800 * time.Microsecond
	handshakeHold = 10 * time.Millisecond
)

// priority lets the messages published to clients that are already up to
// date (live messages) go before the first messages of clients that have just
// connected. In a reconnect storm a thousand new clients each have a large
// first message to write while the clients that stayed connected wait for
// a small push: written in arrival order, the push would queue behind the
// storm in the scheduler's run queues. So a new client's writer, before each
// first message, waits while live messages are queued or being written (for
// at most liveYield from when they began to be), and a bounded number of
// first messages are written at once (see Hub.firsts).
//
// The count is exact (every live message counted is uncounted once, when
// written or dropped); the gate's state follows it under mu.
type priority struct {
	live atomic.Int64 // live messages queued or being written

	mu    sync.Mutex
	busy  bool          // live > 0, as of the last update
	since time.Time     // when busy became true
	quiet chan struct{} // closed while !busy
}

func newPriority() *priority {
	p := &priority{quiet: make(chan struct{})}
	close(p.quiet)
	return p
}

// add counts n more live messages.
func (p *priority) add(n int) { p.move(int64(n)) }

// done uncounts n live messages, written or dropped.
func (p *priority) done(n int) { p.move(-int64(n)) }

// move changes the count by delta. The count may dip below zero for a moment
// (a writer can uncount a message before its publisher has counted it), so
// what matters is whether it crosses from positive to not, or back.
func (p *priority) move(delta int64) {
	if delta == 0 {
		return
	}
	now := p.live.Add(delta)
	if (now > 0) != (now-delta > 0) {
		p.update()
	}
}

// update brings the gate's state in line with the count. Whoever moves the
// count across zero calls it; since each caller reads the count afresh under
// mu, the last call to run leaves the state matching the last move.
func (p *priority) update() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch busy := p.live.Load() > 0; {
	case busy && !p.busy:
		p.busy, p.since, p.quiet = true, time.Now(), make(chan struct{})
	case !busy && p.busy:
		p.busy = false
		close(p.quiet)
	}
}

// yield waits until no live message is pending, or until the current live
// period is liveYield old.
func (p *priority) yield() {
	p.mu.Lock()
	busy, quiet, until := p.busy, p.quiet, p.since.Add(liveYield)
	p.mu.Unlock()
	if !busy {
		return
	}
	wait := time.Until(until)
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-quiet:
	case <-t.C:
	}
}

// Yield waits while live messages are being written to the clients that are
// up to date, for at most a tenth of a second from when they began to be.
// Work for new clients that can wait a moment calls it first, so that the
// pushes to the clients that stayed connected go before a reconnect storm: a
// listener before each Accept, an owner before rendering a first message
// (Options.Want). It holds nothing, so a flood of idle connections cannot
// slow it down.
func (h *Hub) Yield() { h.prio.yield() }

// slots bounds how many of some piece of work run at once, counting each for
// at most hold: a holder that blocks longer (a write to a client on a slow
// network, which costs no CPU while it waits) gives its place up anyway, so
// slow clients never serialise fast ones. With a pace, each holder also
// keeps its place for at least that long, which bounds the rate of the
// work as well.
type slots struct {
	c    chan struct{}
	hold time.Duration
	pace time.Duration
}

func newSlots(n int, hold time.Duration) *slots {
	return &slots{c: make(chan struct{}, n), hold: hold}
}

// newPacedSlots is newSlots with a pace (pace < hold).
func newPacedSlots(n int, hold, pace time.Duration) *slots {
	return &slots{c: make(chan struct{}, n), hold: hold, pace: pace}
}

// acquire waits for a place and returns the function that gives it back
// (at once, or when the pace has passed); calling it more than once is
// harmless, and it is called after hold by itself.
func (s *slots) acquire() (release func()) {
	s.c <- struct{}{}
	start := time.Now()
	var once atomic.Bool
	give := func() {
		if once.CompareAndSwap(false, true) {
			<-s.c
		}
	}
	t := time.AfterFunc(s.hold, give)
	return func() {
		if left := s.pace - time.Since(start); left > 0 {
			t.Reset(left)
			return
		}
		t.Stop()
		give()
	}
}
