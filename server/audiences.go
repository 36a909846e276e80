package server

import (
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/views"
)

// audienceViews builds each audience's views.View of the board: at most once
// per (audience, board seq), only when someone asks for it (a page, the API,
// a WebSocket's first frame), and never while holding a lock that the
// pipeline or the hub's publishers need. It also answers the hub's Want:
// the first frame of a topic is primed from the view in the background.
//
// The audiences it caches are those the configuration allows (known), so the
// cache is bounded by the configuration; any other audience (an admin's API
// request for one company) is built when asked and not kept.
type audienceViews struct {
	state   *state
	prime   func(topic string, seq uint64, frames [][]byte) error
	yield   func() // waits while the hub writes pushes (hub.Yield); may be nil
	logger  *slog.Logger
	maxSize int // the largest first frame, in bytes: the hub's byte bound

	// rendering bounds the views built at once, so that a storm of
	// reconnects to many audiences leaves the cores to the pipeline too.
	rendering chan struct{}

	mu sync.Mutex
	// entries are the known audiences by Audience.Key, and list the same
	// in a stable order: fixed by the configuration, replaced whole by a
	// reload (setAudiences).
	entries atomic.Pointer[map[string]*audienceEntry]
	list    atomic.Pointer[[]views.Audience]
}

// audienceEntry is one known audience's latest view.
type audienceEntry struct {
	aud views.Audience

	// mu serialises building, so that concurrent requests for a new view
	// build it once. Only requests and the priming goroutine take it.
	mu   sync.Mutex
	view *views.View // nil until first asked

	// wanted and priming coalesce the hub's Want calls: at most one
	// priming goroutine per audience, which runs again if asked meanwhile.
	// Guarded by audienceViews.mu.
	wanted, priming bool
}

func newAudienceViews(st *state, audiences []views.Audience, maxSize int, logger *slog.Logger) *audienceViews {
	v := &audienceViews{
		state:     st,
		logger:    logger,
		maxSize:   maxSize,
		rendering: make(chan struct{}, max(1, runtime.NumCPU())),
	}
	v.setAudiences(audiences)
	return v
}

// setAudiences makes audiences the known ones (after a reload), keeping
// the cached views of those that stay.
func (v *audienceViews) setAudiences(audiences []views.Audience) {
	v.mu.Lock()
	defer v.mu.Unlock()
	var old map[string]*audienceEntry
	if p := v.entries.Load(); p != nil {
		old = *p
	}
	entries := make(map[string]*audienceEntry, len(audiences))
	for _, aud := range audiences {
		e := old[aud.Key()]
		if e == nil {
			e = &audienceEntry{aud: aud}
		}
		entries[aud.Key()] = e
	}
	list := slices.Clone(audiences)
	v.entries.Store(&entries)
	v.list.Store(&list)
}

// entry is the known audience of key, or nil.
func (v *audienceViews) entry(key string) *audienceEntry { return (*v.entries.Load())[key] }

// audiences are the known audiences, in a stable order.
func (v *audienceViews) audiences() []views.Audience { return *v.list.Load() }

// known reports whether aud is one of the cached audiences.
func (v *audienceViews) known(aud views.Audience) bool { return v.entry(aud.Key()) != nil }

// current returns aud's view of the board as it is now, and the log seq it
// reflects (for the hub). A cached view is reused while the board seq has not
// moved; otherwise the board is copied under its read lock (the copy is
// brief) and the view is built outside it.
func (v *audienceViews) current(aud views.Audience) (*views.View, uint64, error) {
	e := v.entry(aud.Key())
	if e == nil {
		snap, logSeq := v.snapshot()
		return views.NewView(snap, aud), logSeq, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var boardSeq, logSeq uint64
	v.state.read(func(b *board.Board, ls uint64) { boardSeq, logSeq = b.Seq(), ls })
	if e.view != nil && e.view.Seq == boardSeq {
		return e.view, logSeq, nil
	}
	v.rendering <- struct{}{}
	defer func() { <-v.rendering }()
	snap, logSeq := v.snapshot()
	e.view = views.NewView(snap, aud)
	return e.view, logSeq, nil
}

// snapshot copies the board with the log seq it reflects.
func (v *audienceViews) snapshot() (board.Snapshot, uint64) {
	var snap board.Snapshot
	var logSeq uint64
	v.state.read(func(b *board.Board, ls uint64) { snap, logSeq = b.Snapshot(), ls })
	return snap, logSeq
}

// want is the hub's Want: it primes topic's first frame in the background,
// once however often it is asked while priming.
func (v *audienceViews) want(topic string) {
	e := v.entry(topic)
	if e == nil {
		// Every topic served is a known audience's key (handleWS).
		v.logger.Error("Asked to prime an unknown audience", slog.String("audience", topic))
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	e.wanted = true
	if e.priming {
		return
	}
	e.priming = true
	go v.primeLoop(e)
}

// primeLoop primes e's topic until nobody asked again meanwhile.
func (v *audienceViews) primeLoop(e *audienceEntry) {
	for {
		v.mu.Lock()
		if !e.wanted {
			e.priming = false
			v.mu.Unlock()
			return
		}
		e.wanted = false
		v.mu.Unlock()

		// The pushes to the clients already connected go first: a
		// first frame is for clients that can wait a moment.
		if v.yield != nil {
			v.yield()
		}
		view, logSeq, err := v.current(e.aud)
		var frames [][]byte
		if err == nil {
			frames, err = view.Frames(v.maxSize)
		}
		if err == nil {
			err = v.prime(e.aud.Key(), logSeq, frames)
		}
		if err != nil {
			v.logger.Error("Cannot prime first frame", slog.String("audience", e.aud.Key()), slog.Any("error", err))
		}
	}
}
