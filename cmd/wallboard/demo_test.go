package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDemoTimelineResumes(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

	first, resumed, err := loadTimeline(dir, 48, 0.5, start)
	if err != nil || resumed {
		t.Fatalf("fresh directory: resumed=%v err=%v", resumed, err)
	}
	again, resumed, err := loadTimeline(dir, 48, 0.5, start.Add(time.Hour))
	if err != nil || !resumed || again != first {
		t.Fatalf("restart: %+v resumed=%v err=%v, want %+v resumed", again, resumed, err, first)
	}

	tests := []struct {
		name  string
		users int
		rate  float64
		now   time.Time
	}{
		{"other company size", 60, 0.5, start.Add(time.Minute)},
		{"other rate", 48, 2, start.Add(time.Minute)},
		{"stopped too long", 48, 0.5, start.Add(demoMaxAge + time.Minute)},
		{"clock went back", 48, 0.5, start.Add(-time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, _, err := loadTimeline(dir, 48, 0.5, start); err != nil {
				t.Fatal(err)
			}
			got, resumed, err := loadTimeline(dir, tt.users, tt.rate, tt.now)
			if err != nil || resumed {
				t.Fatalf("resumed=%v err=%v, want a new timeline", resumed, err)
			}
			if !got.Start.Equal(tt.now) || got.Users != tt.users {
				t.Fatalf("new timeline = %+v", got)
			}
		})
	}
}

// TestFreshDemoClearsTheEarlierBoard: other settings clear the log an
// earlier demo left; the same settings keep it; a data directory no demo
// ran in is never touched.
func TestFreshDemoClearsTheEarlierBoard(t *testing.T) {
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	logger := slog.New(slog.DiscardHandler)
	setup := func(t *testing.T, demo bool) string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "jetstream", "WALLBOARD"), 0o750); err != nil {
			t.Fatal(err)
		}
		if demo {
			if _, _, err := loadTimeline(dir, 48, 0.5, start); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	kept := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "jetstream", "WALLBOARD"))
		return err == nil
	}
	dir := setup(t, true)
	if err := freshDemo(dir, 48, 0.5, start.Add(time.Minute), logger); err != nil || !kept(dir) {
		t.Errorf("same settings: err %v, log kept %v; want it kept", err, kept(dir))
	}
	if err := freshDemo(dir, 12, 0.5, start.Add(time.Minute), logger); err != nil || kept(dir) {
		t.Errorf("other -demo-users: err %v, log kept %v; want it cleared", err, kept(dir))
	}
	if _, resumed, _ := loadTimeline(dir, 12, 0.5, start.Add(time.Minute)); resumed {
		t.Error("the cleared demo's timeline was resumed")
	}
	notDemo := setup(t, false)
	if err := freshDemo(notDemo, 12, 0.5, start, logger); err != nil || !kept(notDemo) {
		t.Errorf("no demo ran: err %v, log kept %v; want it untouched", err, kept(notDemo))
	}
}
