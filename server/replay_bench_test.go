package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/views"
)

// The replay budget: the board of a 500-person company at any moment of a
// day of 20,000 events, rebuilt and rendered, in at most a second; one
// event back or forward in at most 50 ms. The worst moment is measured: the
// day's last, with no archived snapshot to start from (archives are an
// hour apart, so a real rebuild replays at most an hour of the day).

const (
	replayUsers  = 500
	replayEvents = 20_000
)

// replayDay fills a log with a day of presence and telephony changes of
// replayUsers people, appended by 16 senders at once, in the shape the
// ingress stores (the receive-time header included).
func replayDay(b *testing.B) *eventlog.Log {
	b.Helper()
	l, err := eventlog.Open(b.Context(), eventlog.Options{Dir: b.TempDir(), ArchiveEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	statuses := []string{"talking", "available", "ringing", "available", "talking", "away"}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				at := start.Add(time.Duration(i) * 2 * time.Second) // 11 hours
				ext := 1000 + i%replayUsers
				var body []byte
				if i%5 == 4 {
					body = fmt.Appendf(nil, `{"id":"p%[1]d","pbx":"0000aa11bb22","company":"it_bench","time":%[2]d,"type":"presence:user","integrationId":"bench","data":{"extension":"%[3]d","email":"u%[3]d@example.test","sourceId":"","status":"dnd","until":null,"message":"Back at %[1]d","location":null}}`, i, at.UnixMilli(), ext)
				} else {
					body = fmt.Appendf(nil, `{"id":"t%[1]d","pbx":"0000aa11bb22","company":"it_bench","time":%[2]d,"type":"presence:telephony","integrationId":"bench","data":{"extension":"%[3]d","email":"u%[3]d@example.test","sourceId":"","status":"%[4]s"}}`, i, at.UnixMilli(), ext, statuses[i%len(statuses)])
				}
				sum := sha256.Sum256(body)
				m := eventlog.Message{ID: hex.EncodeToString(sum[:]), Body: body,
					Header: map[string]string{headerReceived: at.Format(time.RFC3339Nano)}}
				if _, _, err := l.Append(context.Background(), m); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for i := range replayEvents {
		next <- i
	}
	close(next)
	wg.Wait()
	return l
}

// renderMoment renders the board page of m, as GET /?at= does.
func renderMoment(b *testing.B, m Moment) {
	aud := views.Audience{View: views.ViewBoard, Lang: "en"}
	page, err := views.NewView(m.Snapshot, aud).Page(views.Page{Replay: &views.Replay{At: m.At, Seq: m.Seq}})
	if err != nil {
		b.Fatal(err)
	}
	if err := page.Render(context.Background(), io.Discard); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkReplay_500Users_20000Events(b *testing.B) {
	l := replayDay(b)
	ctx := b.Context()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			m, err := newReplayer(l, board.Options{}).atSeq(ctx, replayEvents)
			if err != nil || m.Seq != replayEvents || len(m.Snapshot.Users) != replayUsers {
				b.Fatalf("replay = seq %d, %d users, %v", m.Seq, len(m.Snapshot.Users), err)
			}
			renderMoment(b, m)
		}
	})
	b.Run("step", func(b *testing.B) {
		r := newReplayer(l, board.Options{})
		if _, err := r.atSeq(ctx, replayEvents/2); err != nil {
			b.Fatal(err)
		}
		seq := uint64(replayEvents / 2)
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				seq-- // back: from a checkpoint
			} else {
				seq++ // forward: from the cursor
			}
			m, err := r.atSeq(ctx, seq)
			if err != nil || m.Seq != seq {
				b.Fatalf("step to %d = %d, %v", seq, m.Seq, err)
			}
			renderMoment(b, m)
		}
	})
}
