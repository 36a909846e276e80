package server

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

// counterTable is a bounded key-value table: the nodes' shared one (an
// eventlog.Table), or this node's own (memoryTable). Missing keys fail with
// eventlog.ErrNoKey, stale revisions with eventlog.ErrConflict.
type counterTable interface {
	get(ctx context.Context, key string) (value []byte, rev uint64, err error)
	// set writes if key's revision is still rev (0: absent).
	set(ctx context.Context, key string, value []byte, rev uint64) error
	put(ctx context.Context, key string, value []byte) error
	del(ctx context.Context, key string) error
	// watch calls fn with every key and value, then caughtUp, then fn
	// with every write, until ctx ends.
	watch(ctx context.Context, fn func(key string, value []byte), caughtUp func()) error
}

// tableOpener opens the tables the nodes share.
type tableOpener interface {
	openTable(ctx context.Context, name string, ttl time.Duration, maxKeys int64) (counterTable, error)
}

// sharedTables opens tables of the event log, when it has them.
func sharedTables(log EventLog) tableOpener {
	if l, ok := log.(logTableOpener); ok {
		return logTables{l}
	}
	return nil
}

// logTableOpener is an event log with shared tables (*eventlog.Log).
type logTableOpener interface {
	Table(ctx context.Context, name string, opts eventlog.TableOptions) (*eventlog.Table, error)
}

type logTables struct{ log logTableOpener }

func (l logTables) openTable(ctx context.Context, name string, ttl time.Duration, maxKeys int64) (counterTable, error) {
	t, err := l.log.Table(ctx, name, eventlog.TableOptions{TTL: ttl, MaxKeys: maxKeys})
	if err != nil {
		return nil, err
	}
	return logTable{t}, nil
}

// logTable is an eventlog.Table as a counterTable.
type logTable struct{ t *eventlog.Table }

func (l logTable) get(ctx context.Context, key string) ([]byte, uint64, error) {
	return l.t.Get(ctx, key)
}

func (l logTable) set(ctx context.Context, key string, value []byte, rev uint64) error {
	return l.t.Set(ctx, key, value, rev)
}

func (l logTable) put(ctx context.Context, key string, value []byte) error {
	return l.t.Put(ctx, key, value)
}

func (l logTable) del(ctx context.Context, key string) error { return l.t.Delete(ctx, key) }

func (l logTable) watch(ctx context.Context, fn func(string, []byte), caughtUp func()) error {
	return l.t.Watch(ctx, fn, caughtUp)
}

// memoryTable is a counterTable in this node's memory, bounded like the
// shared one: when full, the key written longest ago is dropped first.
type memoryTable struct {
	max int

	mu    sync.Mutex
	rev   uint64
	keys  map[string]*list.Element // of *memoryEntry
	order *list.List               // least recently written first
}

type memoryEntry struct {
	key   string
	value []byte
	rev   uint64
}

func newMemoryTable(maxKeys int) *memoryTable {
	return &memoryTable{max: maxKeys, keys: map[string]*list.Element{}, order: list.New()}
}

func (m *memoryTable) get(_ context.Context, key string) ([]byte, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.keys[key]
	if !ok {
		return nil, 0, eventlog.ErrNoKey
	}
	me := e.Value.(*memoryEntry)
	return me.value, me.rev, nil
}

func (m *memoryTable) set(_ context.Context, key string, value []byte, rev uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var current uint64
	if e, ok := m.keys[key]; ok {
		current = e.Value.(*memoryEntry).rev
	}
	if current != rev {
		return eventlog.ErrConflict
	}
	m.write(key, value)
	return nil
}

func (m *memoryTable) put(_ context.Context, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.write(key, value)
	return nil
}

func (m *memoryTable) write(key string, value []byte) {
	m.rev++
	if e, ok := m.keys[key]; ok {
		me := e.Value.(*memoryEntry)
		me.value, me.rev = value, m.rev
		m.order.MoveToBack(e)
		return
	}
	for m.order.Len() >= m.max {
		oldest := m.order.Front()
		delete(m.keys, oldest.Value.(*memoryEntry).key)
		m.order.Remove(oldest)
	}
	m.keys[key] = m.order.PushBack(&memoryEntry{key: key, value: value, rev: m.rev})
}

func (m *memoryTable) del(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.keys[key]; ok {
		delete(m.keys, key)
		m.order.Remove(e)
	}
	return nil
}

// watch has nothing to follow: no other node writes to this table.
func (m *memoryTable) watch(ctx context.Context, _ func(string, []byte), caughtUp func()) error {
	caughtUp()
	<-ctx.Done()
	return nil
}

func (m *memoryTable) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}
