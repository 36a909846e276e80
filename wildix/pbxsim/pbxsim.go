// Package pbxsim simulates a Wildix company: users with presence, calls in
// both of Wildix's call formats, conferences and analytics, emitted as the
// exact JSON bodies a Wildix PBX POSTs to a webhook integration.
//
// The simulation is a discrete-event model driven by a seeded random source
// and a start time: the same Options produce the same bytes, which makes it
// usable for tests, demos and load generation alike. Poster delivers the
// bodies to a webhook with the PBX's signature and retry behaviour.
package pbxsim

import (
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// Options configures a Sim. Zero values take the documented defaults.
type Options struct {
	Company       string // Wildix company id; default "it_w100001"
	IntegrationID string // integrationId of every event; default "sim001"
	PBX           string // PBX serial, 12 hex digits; default "0000000a1b2c"
	Users         int    // users in the company; default 48, minimum 2
	Seed          int64  // same Seed and same clock produce the same events
	// Rate is new calls per second across the company; presence changes,
	// conferences and chat messages scale with it. Default 0.5.
	Rate float64
	// Now is read once, by New, to fix the simulation's start; default time.Now.
	// Run also uses it to pace events in real time.
	Now func() time.Time
}

// Defaults applied by New.
const (
	DefaultCompany       = "it_w100001"
	DefaultIntegrationID = "sim001"
	DefaultPBX           = "0000000a1b2c"
	DefaultUsers         = 48
	DefaultRate          = 0.12
)

// Sim is a simulated Wildix company. It is not safe for concurrent use.
type Sim struct {
	opts   Options
	rng    *rand.Rand
	users  []*user
	queues []*queue

	now     time.Time // simulated time of the action being run
	seq     uint64    // tie-breaker that keeps same-time actions in schedule order
	pending actions
	out     []event // bodies produced and not yet returned by Next

	calls       map[string]*call // active calls by id
	callCounter int
	confCounter int
}

// event is one emitted body and its simulated time.
type event struct {
	at   time.Time
	body []byte
}

// New returns a simulation starting at opts.Now(). A few users start away
// or in do-not-disturb; everyone starts registered and idle.
func New(opts Options) *Sim {
	if opts.Company == "" {
		opts.Company = DefaultCompany
	}
	if opts.IntegrationID == "" {
		opts.IntegrationID = DefaultIntegrationID
	}
	if opts.PBX == "" {
		opts.PBX = DefaultPBX
	}
	if opts.Users <= 0 {
		opts.Users = DefaultUsers
	}
	opts.Users = max(opts.Users, 2)
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Sim{
		opts:  opts,
		rng:   rand.New(rand.NewPCG(uint64(opts.Seed), 0x9e3779b97f4a7c15)),
		now:   opts.Now().Truncate(time.Millisecond),
		calls: map[string]*call{},
	}
	s.users, s.queues = newDirectory(opts.Company, opts.Users)
	// Every eighth user starts away or in a meeting, so the board is not a
	// uniform sea of green before the first presence change.
	for i, u := range s.users {
		switch i % 16 {
		case 3:
			s.setStatus(u, "dnd", "Meeting", s.now.Add(45*time.Minute))
		case 11:
			s.setStatus(u, "away", "Back at 2pm", time.Time{})
		}
	}
	// A burst of calls in the first seconds, so that a demo board is busy
	// at once rather than after the first few minutes of traffic.
	for range max(opts.Users/8, 1) {
		s.after(s.between(0, 4*time.Second), s.startCall)
	}
	s.after(s.exp(opts.Rate), s.callArrival)
	s.after(s.surgeGap(), s.surge)
	s.after(s.exp(opts.Rate/4), s.presenceChange)
	s.after(s.exp(opts.Rate/30), s.conferenceArrival)
	s.after(s.exp(opts.Rate/20), s.chatMessage)
	return s
}

// Next advances the simulation to its next event and returns the event's
// simulated time and body. Times never decrease. The sequence is infinite
// and, for given Options, always the same.
func (s *Sim) Next() (at time.Time, body []byte) {
	for len(s.out) == 0 {
		a := heap.Pop(&s.pending).(action)
		s.now = a.at
		a.do()
	}
	e := s.out[0]
	s.out[0] = event{}
	s.out = s.out[1:]
	return e.at, e.body
}

// Initial returns the events that describe every user's current state: one
// presence:user and one presence:telephony per user, at the current
// simulated time. Send them first so a fresh receiver knows the whole
// company. Initial consumes no randomness: calling it does not change what
// Next returns.
func (s *Sim) Initial() [][]byte {
	bodies := make([][]byte, 0, 2*len(s.users))
	for _, u := range s.users {
		bodies = append(bodies, s.encode(s.userPresence(u)))
	}
	for _, u := range s.users {
		bodies = append(bodies, s.encode(s.telephonyPresence(u, u.lastTel)))
	}
	return bodies
}

// Run sends the Initial events, then every event of Next at its simulated
// time, as measured by Options.Now: it waits until each event is due. It
// returns nil when ctx is done, or the first error of send, wrapped.
func (s *Sim) Run(ctx context.Context, send func(ctx context.Context, body []byte) error) error {
	for _, body := range s.Initial() {
		if ctx.Err() != nil {
			return nil
		}
		if err := send(ctx, body); err != nil {
			return fmt.Errorf("pbxsim: send initial event: %w", err)
		}
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		at, body := s.Next()
		if wait := at.Sub(s.opts.Now()); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return nil
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := send(ctx, body); err != nil {
			return fmt.Errorf("pbxsim: send event: %w", err)
		}
	}
}

// emit encodes env at the current simulated time. Envelope times carry a
// small dispatch delay after the event's own time, as on a real PBX.
func (s *Sim) emit(env envelope) {
	body := s.encode(env)
	s.out = append(s.out, event{at: s.now, body: body})
	// An occasional exact retry: the PBX did not get our 2xx in time.
	if s.rng.IntN(100) == 0 {
		s.after(time.Duration(1+s.rng.IntN(4))*time.Second, func() {
			s.out = append(s.out, event{at: s.now, body: body})
		})
	}
}

// encode fills the envelope's common fields and marshals it.
func (s *Sim) encode(env envelope) []byte {
	env.Company = s.opts.Company
	env.IntegrationID = s.opts.IntegrationID
	if env.Time == 0 {
		env.Time = s.now.UnixMilli()
	}
	b, err := json.Marshal(env)
	if err != nil {
		// Only our own plain structs are marshalled: failure is a bug.
		panic(fmt.Sprintf("pbxsim: marshal %s: %v", env.Type, err))
	}
	return b
}

// ms returns the current simulated time in epoch milliseconds.
func (s *Sim) ms() int64 { return s.now.UnixMilli() }

// dispatch returns an envelope time a few tens of milliseconds after now.
func (s *Sim) dispatch() int64 { return s.ms() + 20 + s.rng.Int64N(80) }

// exp draws an exponentially distributed wait for a Poisson process of the
// given rate per second.
func (s *Sim) exp(rate float64) time.Duration {
	return time.Duration(s.rng.ExpFloat64() / rate * float64(time.Second))
}

// between draws a duration uniformly in [lo, hi), or returns lo when the
// interval is empty.
func (s *Sim) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(s.rng.Int64N(int64(hi-lo)))
}

// after schedules do at now+d; a negative d means now, as time never runs
// backwards.
func (s *Sim) after(d time.Duration, do func()) {
	d = max(d, 0)
	s.seq++
	heap.Push(&s.pending, action{at: s.now.Add(d).Truncate(time.Millisecond), seq: s.seq, do: do})
}

// action is a scheduled step of the model.
type action struct {
	at  time.Time
	seq uint64
	do  func()
}

// actions is a min-heap on (at, seq).
type actions []action

func (h actions) Len() int { return len(h) }
func (h actions) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h actions) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *actions) Push(x any)   { *h = append(*h, x.(action)) }
func (h *actions) Pop() any {
	old := *h
	a := old[len(old)-1]
	old[len(old)-1] = action{}
	*h = old[:len(old)-1]
	return a
}
