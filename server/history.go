package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
)

// History: at each company's day rollover the board hands over the day's
// queue and agent figures (board.DayFigures); they are kept in a table every
// node shares (a JetStream KV bucket next to the log), keyed by company and
// day, for HistoryRetention. Every node closes the same days with the same
// figures (the board is a function of the log), so every node writes the
// same value under the same key: writes are idempotent, and a node that
// replays the log writes them again, harmlessly.

const (
	historyTable = "HISTORY"
	// maxHistoryKeys bounds the table: 10,000 companies for 400 days.
	maxHistoryKeys = 4_000_000
	// historyBacklog is how many closed days wait for the table; a day
	// closes once per company per day, so this is a burst of a midnight.
	historyBacklog = 16_384
	// DefaultHistoryRetention is how long a day's figures are kept.
	DefaultHistoryRetention = 400 * 24 * time.Hour
)

// history stores and reads closed days.
type history struct {
	table   atomic.Pointer[counterTable] // nil until open: nothing is kept or read
	pending chan board.DayFigures
	logger  *slog.Logger
}

func newHistory(logger *slog.Logger) *history {
	return &history{pending: make(chan board.DayFigures, historyBacklog), logger: logger}
}

// open opens the table, retrying with a back-off while the log cannot
// (history is never a reason not to start). Without shared tables (a log
// that has none) days are dropped and /history says it keeps none.
func (h *history) open(ctx context.Context, tables tableOpener, retention time.Duration) bool {
	if tables == nil {
		return false
	}
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 30*time.Second) {
		t, err := tables.openTable(ctx, historyTable, retention, maxHistoryKeys)
		if err == nil {
			h.table.Store(&t)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		h.logger.Warn("Cannot open the history table; retrying", slog.Any("error", err))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
}

// record queues the closed days for the writer. Called on the pipeline's
// goroutine: it never blocks it.
func (h *history) record(days []board.DayFigures) {
	for _, d := range days {
		select {
		case h.pending <- d:
		default:
			h.logger.Error("History backlog full; a day's figures are not kept", slog.String("company", d.Company), slog.String("day", d.Day))
		}
	}
}

// run opens the table, then writes the queued days until ctx ends,
// retrying a failed write (the table is unavailable while the log is) with
// a back-off.
func (h *history) run(ctx context.Context, tables tableOpener, retention time.Duration) {
	if !h.open(ctx, tables, retention) {
		return
	}
	table := *h.table.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-h.pending:
			data, err := json.Marshal(d)
			if err != nil {
				h.logger.Error("Cannot encode a day's figures", slog.Any("error", err))
				continue
			}
			for wait := 100 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
				err := table.put(ctx, historyKey(d.Company, d.Day), data)
				if err == nil || ctx.Err() != nil {
					break
				}
				h.logger.Warn("Cannot store a day's figures; retrying", slog.String("company", d.Company), slog.String("day", d.Day), slog.Any("error", err))
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
	}
}

// days returns the stored figures of company for the n days before today
// (in loc), oldest first; days without figures are left out.
func (h *history) days(ctx context.Context, company string, n int, now time.Time, loc *time.Location) ([]board.DayFigures, error) {
	y, m, d := now.In(loc).Date()
	var out []board.DayFigures
	for i := n; i >= 1; i-- {
		day := time.Date(y, m, d-i, 12, 0, 0, 0, loc).Format(time.DateOnly)
		f, ok, err := h.day(ctx, company, day)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// day returns the stored figures of company's day (YYYY-MM-DD); ok is
// false when none are kept.
func (h *history) day(ctx context.Context, company, day string) (f board.DayFigures, ok bool, err error) {
	tp := h.table.Load()
	if tp == nil {
		return f, false, errNoHistory
	}
	data, _, err := (*tp).get(ctx, historyKey(company, day))
	if errors.Is(err, eventlog.ErrNoKey) {
		return f, false, nil
	}
	if err != nil {
		return f, false, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		h.logger.Warn("Ignoring unreadable history", slog.String("company", company), slog.String("day", day), slog.Any("error", err))
		return f, false, nil
	}
	return f, true, nil
}

var errNoHistory = errors.New("this event log keeps no history (or its table is not open yet)")

// historyKey is the table's key of a company's day. Company ids are
// encoded: a key allows only some characters.
func historyKey(company, day string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(company)) + "." + day
}
