package server

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
)

// kindQueueSettings is a log entry carrying every queue's settings: the
// formulas and configured members that change figures must reach every
// node's board the same way, so they travel through the log like events.
const kindQueueSettings = "queue-settings"

// queueSettingsBody is the body of a queue-settings entry. Durations are
// whole milliseconds, so that the stored form does not depend on the
// board's types.
type queueSettingsBody struct {
	At     time.Time           `json:"at"`
	Queues []queueSettingEntry `json:"queues"`
}

type queueSettingEntry struct {
	Company        string   `json:"company,omitempty"`
	Name           string   `json:"name"`
	ThresholdMs    int64    `json:"slThresholdMs"`
	ShortAbandonMs int64    `json:"shortAbandonMs"`
	Basis          string   `json:"slBasis"`
	Members        []string `json:"members,omitempty"`
}

// QueueSettingsOf turns the configuration's queues into the board's
// settings, the defaults filled in (see config.Queue).
func QueueSettingsOf(qs []config.Queue) []board.QueueSetting {
	out := make([]board.QueueSetting, 0, len(qs))
	for _, q := range qs {
		f := board.DefaultFormula()
		f.Threshold = cmp.Or(q.SLThreshold, f.Threshold)
		if q.ShortAbandon != nil {
			f.ShortAbandon = *q.ShortAbandon
		}
		f.Basis = cmp.Or(q.SLBasis, f.Basis)
		out = append(out, board.QueueSetting{Company: q.Company, Name: q.Name, Formula: f, Members: q.Members})
	}
	return board.NormalizeQueueSettings(out)
}

// PublishQueueSettings makes the queues' settings of qs (the configuration
// file's queues:) those of every node's board: when they differ from what
// this node's board holds, it appends them to the log and waits until this
// node has applied them. Calls counted afterwards are classified by them;
// calls counted before keep their classification. Run calls it once the
// board has caught up at start and after every reload (see
// wantQueueSettings); a caller may also call it directly.
func (s *Server) PublishQueueSettings(ctx context.Context, qs []config.Queue) error {
	want := QueueSettingsOf(qs)
	var have []board.QueueSetting
	s.state.read(func(b *board.Board, _ uint64) { have = b.QueueSettings() })
	if board.SameQueueSettings(have, want) {
		return nil
	}
	body := queueSettingsBody{At: time.Now().UTC()}
	for _, q := range want {
		body.Queues = append(body.Queues, queueSettingEntry{
			Company: q.Company, Name: q.Name,
			ThresholdMs: q.Formula.Threshold.Milliseconds(), ShortAbandonMs: q.Formula.ShortAbandon.Milliseconds(),
			Basis: q.Formula.Basis, Members: q.Members,
		})
	}
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode queue settings: %w", err)
	}
	sum := sha256.Sum256(data)
	seq, _, err := s.log.Append(ctx, eventlog.Message{
		ID:     kindQueueSettings + ":" + hex.EncodeToString(sum[:]),
		Body:   data,
		Header: map[string]string{headerKind: kindQueueSettings},
	})
	if err != nil {
		return fmt.Errorf("append queue settings: %w", err)
	}
	s.logger.Info("Queue settings recorded in the event log", slog.Int("queues", len(want)), slog.Uint64("log_seq", seq))
	return s.state.waitApplied(ctx, seq, s.cfg.ApplyWait)
}

// wantQueueSettings asks publishQueueSettings to record qs, replacing
// whatever it was asked for and has not recorded yet: New calls it with
// the configuration's queues, Reload with the reloaded ones.
func (s *Server) wantQueueSettings(qs []config.Queue) {
	for {
		select {
		case s.queueWant <- qs:
			return
		default:
			select {
			case <-s.queueWant: // superseded
			default:
			}
		}
	}
}

// publishQueueSettings records the queue settings the configuration asks
// for (see wantQueueSettings) once the board has caught up with the log,
// the latest request first, retrying while the log cannot store them. One
// goroutine does it, so that a reload's settings never overtake the ones
// they replace.
func (s *Server) publishQueueSettings(ctx context.Context) {
	select {
	case <-ctx.Done():
		return
	case <-s.pipe.caughtUpCh:
	}
	for {
		var qs []config.Queue
		select {
		case <-ctx.Done():
			return
		case qs = <-s.queueWant:
		}
		for attempt := 1; ; attempt++ {
			err := s.PublishQueueSettings(ctx, qs)
			if err == nil || ctx.Err() != nil {
				break
			}
			s.logger.Warn("Cannot record the queue settings; retrying", slog.Any("error", err))
			var newer []config.Queue
			select {
			case <-ctx.Done():
				return
			case newer = <-s.queueWant:
				qs, attempt = newer, 0
			case <-time.After(min(time.Duration(attempt)*time.Second, 30*time.Second)):
			}
		}
	}
}

// queueSettingsEvents decodes a queue-settings entry.
func queueSettingsEvents(e eventlog.Entry) ([]board.Event, string, error) {
	var body queueSettingsBody
	if err := json.Unmarshal(e.Body, &body); err != nil {
		return nil, kindQueueSettings, fmt.Errorf("decode queue settings: %w", err)
	}
	set := &board.QueueSettings{Queues: make([]board.QueueSetting, 0, len(body.Queues))}
	for _, q := range body.Queues {
		set.Queues = append(set.Queues, board.QueueSetting{
			Company: q.Company, Name: q.Name, Members: q.Members,
			Formula: board.Formula{
				Threshold:    time.Duration(q.ThresholdMs) * time.Millisecond,
				ShortAbandon: time.Duration(q.ShortAbandonMs) * time.Millisecond,
				Basis:        q.Basis,
			},
		})
	}
	return []board.Event{{At: body.At, Received: body.At, QueueSettings: set}}, kindQueueSettings, nil
}
