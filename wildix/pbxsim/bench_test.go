package pbxsim_test

import (
	"testing"
	"time"

	"github.com/wallboard/wallboard/wildix/pbxsim"
)

// BenchmarkNext measures producing one event of the default company.
func BenchmarkNext(b *testing.B) {
	s := newSim(1)
	var n int64
	for b.Loop() {
		_, body := s.Next()
		n += int64(len(body))
	}
	b.SetBytes(n / int64(b.N))
}

// BenchmarkNext_10000Users measures the load-generator case: a large
// company at a high call rate.
func BenchmarkNext_10000Users(b *testing.B) {
	s := pbxsim.New(pbxsim.Options{Users: 10000, Rate: 200, Seed: 1, Now: func() time.Time { return start }})
	for b.Loop() {
		s.Next()
	}
}
