package eventlog_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

// benchBody is about the size of a Wildix webhook (~1 KB).
var benchBody = []byte(`{"type":"call:update","company":"de_acme01","data":{"pad":"` + strings.Repeat("x", 900) + `"}}`)

// BenchmarkAppend measures one durable append at a time to an embedded log
// with file storage: the latency the ingress adds to a webhook.
func BenchmarkAppend(b *testing.B) {
	l := openEmbedded(b, b.TempDir())
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	var i int
	for b.Loop() {
		i++
		if _, _, err := l.Append(b.Context(), eventlog.Message{ID: fmt.Sprint(i), Body: benchBody}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppend_Parallel measures appends from concurrent webhooks, as
// many PBX requests arrive at once: the throughput of the ingress's log.
func BenchmarkAppend_Parallel(b *testing.B) {
	l := openEmbedded(b, b.TempDir())
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	var n atomic.Uint64
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprint(n.Add(1))
			if _, _, err := l.Append(b.Context(), eventlog.Message{ID: id, Body: benchBody}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAppend_16Senders measures 16 concurrent appends to an embedded
// log that fsyncs before every acknowledgement, the command's default: what
// group commit is for.
func BenchmarkAppend_16Senders(b *testing.B) { benchSenders(b, true) }

// BenchmarkAppend_16Senders_SyncInterval is the same with fsync on an
// interval.
func BenchmarkAppend_16Senders_SyncInterval(b *testing.B) { benchSenders(b, false) }

func benchSenders(b *testing.B, syncAlways bool) {
	l := mustOpen(b, eventlog.Options{Dir: b.TempDir(), SyncAlways: syncAlways})
	b.SetBytes(int64(len(benchBody)))
	var n atomic.Uint64
	b.SetParallelism(8) // × GOMAXPROCS 2 = 16 senders on this machine's 2 cores
	cpu0 := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprint(n.Add(1))
			if _, _, err := l.Append(b.Context(), eventlog.Message{ID: id, Body: benchBody}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	// The process's CPU per append: the embedded server's share of a
	// webhook's cost (the senders here do little but call Append).
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	if st := l.Stats(); st.Syncs > 0 {
		b.ReportMetric(float64(b.N)/float64(st.Syncs), "appends/fsync")
		b.ReportMetric(float64(st.SyncTime.Microseconds())/float64(st.Syncs), "fsync-µs")
	}
}

// cpuTime is the CPU (user and system) this process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
