package eventlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// Lost entries. JetStream drops what it finds damaged when it loads a
// stream's files (a torn or corrupted block is cut at its first bad record)
// and says little about it, or nothing: a block truncated at its tail just
// makes a shorter stream. Resuming silently would lose state, so [Open]
// reports, as an error naming the sequences, entries that should be there
// and are not:
//
//   - holes inside the stream (this log never deletes single entries, and
//     entries only expire from the front), and the server's own account of
//     lost data;
//   - in embedded mode, a tail cut short: the writer keeps the highest seq it
//     has stored in a small file next to the server's files (markName),
//     written once the entries it names are on disk and flushed with a
//     later write's at most a second after (see markSyncEvery), and Open
//     compares the stream with it.
const markName = "wallboard-last-seq"

// mark is the file holding the highest seq stored, embedded mode.
type mark struct {
	mu   sync.Mutex
	f    *os.File
	last uint64
}

func openMark(dir string) (*mark, error) {
	f, err := os.OpenFile(filepath.Join(dir, markName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("eventlog: open %s: %w", markName, err)
	}
	b := make([]byte, 20)
	n, _ := f.ReadAt(b, 0)
	last, _ := strconv.ParseUint(strings.TrimSpace(string(b[:n])), 10, 64)
	return &mark{f: f, last: last}, nil
}

// set records seq as stored, if higher. The file is written in place (the
// operating system has it at once; a log that syncs itself flushes it with
// the entries).
func (m *mark) set(seq uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if seq <= m.last {
		return nil
	}
	m.last = seq
	if _, err := m.f.WriteAt(fmt.Appendf(nil, "%20d", seq), 0); err != nil {
		return fmt.Errorf("eventlog: write %s: %w", markName, err)
	}
	return nil
}

// reset records seq as the highest stored, once what was beyond it has
// been reported lost: new entries reuse those numbers.
func (m *mark) reset(seq uint64) error {
	m.mu.Lock()
	m.last = 0
	m.mu.Unlock()
	return m.set(seq)
}

func (m *mark) get() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

// close flushes the mark and closes it.
func (m *mark) close() {
	if m != nil {
		m.f.Sync()
		m.f.Close()
	}
}

// Range is a span of sequence numbers, both ends included.
type Range struct{ From, To uint64 }

func (r Range) String() string {
	if r.From == r.To {
		return strconv.FormatUint(r.From, 10)
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// checkIntegrity reports the entries missing from the stream as an error
// log line, and returns them.
func (l *Log) checkIntegrity(ctx context.Context, s jetstream.Stream) ([]Range, error) {
	info, err := s.Info(ctx, jetstream.WithDeletedDetails(true))
	if err != nil {
		return nil, fmt.Errorf("eventlog: stream %s info: %w", l.opts.Stream, err)
	}
	st := info.State
	seqs := slices.Clone(st.Deleted)
	if st.Lost != nil {
		seqs = append(seqs, st.Lost.Msgs...)
	}
	// Below the first entry is what expired, not what was lost.
	seqs = slices.DeleteFunc(seqs, func(seq uint64) bool { return seq == 0 || seq < st.FirstSeq })
	lost := ranges(seqs)
	if l.mark != nil {
		if want := l.mark.get(); want > st.LastSeq {
			// Drop what the tail range covers, then add it.
			lost = slices.DeleteFunc(lost, func(r Range) bool { return r.From > st.LastSeq })
			lost = append(lost, Range{st.LastSeq + 1, want})
			if err := l.mark.reset(st.LastSeq); err != nil {
				return nil, err
			}
		}
	}
	if len(lost) == 0 {
		return nil, nil
	}
	var n uint64
	names := make([]string, len(lost))
	for i, r := range lost {
		n += r.To - r.From + 1
		names[i] = r.String()
	}
	l.log.Error("Event log lost entries: its files were damaged or cut short; the board lacks what they held",
		"stream", l.opts.Stream, "lost_seqs", strings.Join(names, ","), "lost_count", n, "last_seq", st.LastSeq)
	return lost, nil
}

// ranges turns sequence numbers into sorted, merged ranges.
func ranges(seqs []uint64) []Range {
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	var rs []Range
	for _, s := range seqs {
		if n := len(rs); n > 0 && rs[n-1].To+1 == s {
			rs[n-1].To = s
			continue
		}
		rs = append(rs, Range{s, s})
	}
	return rs
}
