package main

import (
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
