package board_test

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
)

// The capacity benchmarks build one board the size of a deployment in
// docs/capacity.md — companies × people, each person with presence, a status
// message and telephony, one in ten on a call — and report what the plan is
// made of: heap per person and per call, the snapshot's size and its encode
// and decode time per 1,000 people, and the cost of one Apply at that size
// (the timed loop).

// BenchmarkCapacity_1x2000 is one company of 2,000 people.
func BenchmarkCapacity_1x2000(b *testing.B) { benchCapacity(b, 1, 2000) }

// BenchmarkCapacity_500x50 is a reseller: 500 companies of 50 people.
func BenchmarkCapacity_500x50(b *testing.B) { benchCapacity(b, 500, 50) }

// BenchmarkCapacity_10000x30 is a SaaS: 10,000 companies of 30 people.
func BenchmarkCapacity_10000x30(b *testing.B) { benchCapacity(b, 10000, 30) }

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func benchCapacity(b *testing.B, companies, people int) {
	names, exts := make([]string, companies), make([]string, people)
	for c := range names {
		names[c] = fmt.Sprintf("it_w%06d", c)
	}
	for p := range exts {
		exts[p] = strconv.Itoa(1000 + p)
	}
	company := func(c int) string { return names[c] }
	ext := func(p int) string { return exts[p] }
	now := t0
	step := func() time.Time { now = now.Add(time.Millisecond); return now }

	base := heapInUse() // names and exts are counted in: a few bytes a person
	brd := board.New(board.Options{})
	for c := range companies {
		for p := range people {
			brd.Apply(presEv(company(c), step(), ext(p), "available", "Back after the training session"))
			brd.Apply(telEv(company(c), step(), ext(p), "registered"))
		}
	}
	withPeople := heapInUse()
	callID := func(c, p int) string { return fmt.Sprintf("%s_%d.%d", company(c), t0.Unix(), p) }
	calls := 0
	for c := range companies {
		for p := 0; p < people; p += 10 {
			l := leg(0, "connected", remote("+39055"+strconv.Itoa(100000+p)), ptr(local(ext(p), "User "+ext(p), "")))
			brd.Apply(callEv(company(c), step(), callID(c, p), l))
			calls++
		}
	}
	withCalls := heapInUse()
	total := companies * people
	perK := float64(total) / 1000

	start := time.Now()
	snap, err := brd.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	encode := time.Since(start)
	start = time.Now()
	if err := board.New(board.Options{}).UnmarshalBinary(snap); err != nil {
		b.Fatal(err)
	}
	decode := time.Since(start)

	// The timed part: the day's traffic, presence and telephony changes
	// spread over every company.
	statuses := []string{"talking", "registered"}
	var n int
	b.ReportAllocs()
	for b.Loop() {
		c, p := n%companies, (n/companies)%people
		brd.Apply(telEv(company(c), step(), ext(p), statuses[(n/total)%2]))
		n++
	}
	// After the loop: b.Loop resets what was reported before it.
	b.ReportMetric(float64(withPeople-base)/float64(total), "heap-B/person")
	b.ReportMetric(float64(withCalls-withPeople)/float64(calls), "heap-B/call")
	b.ReportMetric(float64(len(snap))/perK, "snapshot-B/1000people")
	b.ReportMetric(float64(encode.Microseconds())/1000/perK, "encode-ms/1000people")
	b.ReportMetric(float64(decode.Microseconds())/1000/perK, "decode-ms/1000people")
}
