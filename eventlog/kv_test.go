package eventlog_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

func TestTable(t *testing.T) {
	ctx := t.Context()
	l := openEmbedded(t, t.TempDir())
	tab, err := l.Table(ctx, "TEST", eventlog.TableOptions{TTL: time.Hour, MaxKeys: 3})
	if err != nil {
		t.Fatal(err)
	}

	if _, _, err := tab.Get(ctx, "a"); !errors.Is(err, eventlog.ErrNoKey) {
		t.Fatalf("Get of a missing key: %v; want ErrNoKey", err)
	}
	if err := tab.Set(ctx, "a", []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	if err := tab.Set(ctx, "a", []byte("2"), 0); !errors.Is(err, eventlog.ErrConflict) {
		t.Fatalf("creating an existing key: %v; want ErrConflict", err)
	}
	v, rev, err := tab.Get(ctx, "a")
	if err != nil || string(v) != "1" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := tab.Set(ctx, "a", []byte("2"), rev); err != nil {
		t.Fatal(err)
	}
	if err := tab.Set(ctx, "a", []byte("3"), rev); !errors.Is(err, eventlog.ErrConflict) {
		t.Fatalf("a write at a stale revision: %v; want ErrConflict", err)
	}

	// Bounded: the key written longest ago goes first.
	for _, k := range []string{"b", "c", "a", "d"} {
		if err := tab.Put(ctx, k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, _, err := tab.Get(ctx, k); (err == nil) != want {
			t.Errorf("key %s kept = %v (%v); want %v", k, err == nil, err, want)
		}
	}
	if err := tab.Delete(ctx, "d"); err != nil {
		t.Fatal(err)
	}

	// Watch reports what is there, then says so, then follows writes.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	seen := make(chan string, 10)
	caughtUp := make(chan struct{})
	go tab.Watch(wctx, func(k string, v []byte) { seen <- fmt.Sprintf("%s=%s", k, v) }, func() { close(caughtUp) })
	select {
	case <-caughtUp:
	case <-time.After(waitTimeout):
		t.Fatal("Watch never caught up")
	}
	initial := map[string]bool{}
	for len(seen) > 0 {
		initial[<-seen] = true
	}
	if len(initial) != 2 || !initial["a=a"] || !initial["c=c"] {
		t.Errorf("initial values %v; want a=a and c=c", initial)
	}
	if err := tab.Put(ctx, "e", []byte("e")); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-seen:
		if got != "e=e" {
			t.Errorf("watched %q; want e=e", got)
		}
	case <-time.After(waitTimeout):
		t.Fatal("a write was not watched")
	}

	// Reopening keeps the keys and the bounds.
	if _, err := l.Table(ctx, "TEST", eventlog.TableOptions{TTL: time.Hour, MaxKeys: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Table(ctx, "BAD", eventlog.TableOptions{}); err == nil {
		t.Error("a table without bounds opened")
	}
}
