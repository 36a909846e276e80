package eventlog_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wallboard/wallboard/eventlog"
)

// records keeps what a logger was given, level, message and attributes.
type records struct {
	mu    sync.Mutex
	lines []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Level.String() + " " + rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, b.String())
	r.mu.Unlock()
	return nil
}

func (r *records) find(prefix string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestCorruptedLogReportsTheLostRange: damaged bytes in the log's files are
// reported when the log opens, as an error naming the entries lost, whether
// or not the server's own index survived.
func TestCorruptedLogReportsTheLostRange(t *testing.T) {
	for _, dropIndex := range []bool{false, true} {
		t.Run(fmt.Sprintf("index dropped %v", dropIndex), func(t *testing.T) {
			dir := t.TempDir()
			l := openEmbedded(t, dir)
			for _, m := range numbered("lost", 40) {
				if _, _, err := l.Append(t.Context(), m); err != nil {
					t.Fatal(err)
				}
			}
			l.Close()

			msgs := filepath.Join(dir, "jetstream", "$G", "streams", eventlog.DefaultStream, "msgs")
			data, err := os.ReadFile(filepath.Join(msgs, "1.blk"))
			if err != nil {
				t.Fatal(err)
			}
			for i := len(data) / 2; i < len(data)/2+16; i++ {
				data[i] ^= 0xff
			}
			if err := os.WriteFile(filepath.Join(msgs, "1.blk"), data, 0o600); err != nil {
				t.Fatal(err)
			}
			if dropIndex {
				os.Remove(filepath.Join(msgs, "index.db"))
			}

			rec := &records{}
			l2 := mustOpen(t, eventlog.Options{Dir: dir, Logger: slog.New(rec)})
			last, err := l2.LastSeq(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			line := rec.find("ERROR Event log lost entries")
			want := fmt.Sprintf("lost_seqs=%d-40 ", last+1)
			if last >= 40 || !strings.Contains(line, want) {
				t.Fatalf("log ends at %d, reported %q; want an error with %q", last, line, want)
			}
			if lost := l2.Stats().Lost; len(lost) != 1 || lost[0] != (eventlog.Range{From: last + 1, To: 40}) {
				t.Fatalf("Stats().Lost = %v", lost)
			}
			l2.Close()

			// A cut tail is reported once: new entries take those numbers.
			// The server keeps its own record of the data it dropped, which
			// is reported as long as it keeps it.
			rec = &records{}
			mustOpen(t, eventlog.Options{Dir: dir, Logger: slog.New(rec)})
			if line := rec.find("ERROR Event log lost entries"); dropIndex && line != "" {
				t.Fatalf("reported again on the next open: %q", line)
			}
		})
	}
}

// TestMarkNamesEveryAnsweredAppend: by the time Append answers, the mark the
// log keeps beside the server's files names the entry, with or without an
// fsync before every answer, so a tail cut short after it is reported when
// the log next opens.
func TestMarkNamesEveryAnsweredAppend(t *testing.T) {
	for _, syncAlways := range []bool{true, false} {
		t.Run(fmt.Sprintf("SyncAlways %v", syncAlways), func(t *testing.T) {
			dir := t.TempDir()
			l := mustOpen(t, eventlog.Options{Dir: dir, SyncAlways: syncAlways})
			for _, m := range numbered("mark", 20) {
				seq, _, err := l.Append(t.Context(), m)
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(dir, "wallboard-last-seq"))
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.TrimSpace(string(b)); got != strconv.FormatUint(seq, 10) {
					t.Fatalf("after the append of seq %d the mark holds %q", seq, got)
				}
			}
		})
	}
}
