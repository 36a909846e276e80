package sqsingress

import (
	"testing"
	"time"
)

func TestBackoffDoublesWithJitterUpToTheCap(t *testing.T) {
	t.Parallel()
	const maxBackoff = 30 * time.Second
	for failures := 1; failures <= 100; failures++ {
		ceiling := maxBackoff
		if failures <= 10 {
			ceiling = min(minBackoff<<(failures-1), maxBackoff)
		}
		for range 20 {
			got := backoff(failures, maxBackoff)
			if got < ceiling/2 || got > ceiling {
				t.Fatalf("backoff(%d, %v) = %v, want within [%v, %v]", failures, maxBackoff, got, ceiling/2, ceiling)
			}
		}
	}
}

func TestBackoffVaries(t *testing.T) {
	t.Parallel()
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[backoff(5, time.Minute)] = true
	}
	if len(seen) < 2 {
		t.Errorf("50 calls of backoff(5, 1m) returned only %v: no jitter", seen)
	}
}
