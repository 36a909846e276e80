package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix/pbxsim"
)

const (
	// demoCatchUp is how much of the simulated timeline a restarted demo
	// re-sends: the events it may have missed while down. Older ones are on
	// the board already, or were missed too long ago to matter; re-sent ones
	// it had delivered are recognised as retries and applied once.
	demoCatchUp = 10 * time.Minute
	// demoMaxAge bounds how far a restarted demo fast-forwards its timeline;
	// after a longer stop it starts a new day at the company.
	demoMaxAge = 6 * time.Hour
)

// demoTimeline is what the demo keeps in the data directory, so that after a
// restart (Ctrl-C or kill -9) the simulated PBX carries on where it was,
// instead of starting a new company on top of the restored board.
type demoTimeline struct {
	Seed  int64     `json:"seed"`
	Start time.Time `json:"start"`
	Users int       `json:"users"`
	Rate  float64   `json:"rate"`
}

// fits reports whether a run with these settings at now resumes t.
func (t demoTimeline) fits(users int, rate float64, now time.Time) bool {
	return t.Users == users && t.Rate == rate && now.Sub(t.Start) < demoMaxAge && !t.Start.After(now)
}

// freshDemo clears the board an earlier demo left in dir (its embedded
// event log) when this run does not resume that demo's timeline (other
// -demo-users or -demo-rate, or stopped longer than demoMaxAge): a new
// simulated company starts on an empty board, instead of on the earlier
// company's people and calls, which nothing would ever end. It runs before
// the log is opened, and only where a demo ran (dir holds demo.json).
func freshDemo(dir string, users int, rate float64, now time.Time, logger *slog.Logger) error {
	b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var t demoTimeline
	if err == nil && json.Unmarshal(b, &t) == nil && t.fits(users, rate, now) {
		return nil
	}
	for _, name := range []string{"jetstream", "wallboard-last-seq", "demo.json"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("demo: clear the earlier demo's board: %w", err)
		}
	}
	logger.Info("Demo: new settings, a fresh simulated company; the earlier demo's board was cleared", slog.String("data_dir", dir))
	return nil
}

// loadTimeline returns the stored timeline when it fits this run, or a new
// one (stored for next time); resumed says which.
func loadTimeline(dir string, users int, rate float64, now time.Time) (t demoTimeline, resumed bool, err error) {
	path := filepath.Join(dir, "demo.json")
	b, err := os.ReadFile(path)
	if err == nil && json.Unmarshal(b, &t) == nil && t.fits(users, rate, now) {
		return t, true, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return t, false, fmt.Errorf("read demo timeline: %w", err)
	}
	t = demoTimeline{Seed: now.UnixNano(), Start: now.UTC(), Users: users, Rate: rate}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return t, false, fmt.Errorf("store demo timeline: %w", err)
	}
	b, _ = json.Marshal(t)
	if err := os.WriteFile(path, b, 0o640); err != nil {
		return t, false, fmt.Errorf("store demo timeline: %w", err)
	}
	return t, false, nil
}

// runDemo feeds the server a simulated company through its own webhook
// ingress, signed like the PBX signs, paced in real time.
func runDemo(ctx context.Context, cfg settings, srv *server.Server, addr net.Addr, logger *slog.Logger) error {
	select {
	case <-srv.CaughtUp():
	case <-ctx.Done():
		return nil
	}
	now := time.Now()
	tl, resumed, err := loadTimeline(cfg.DataDir, cfg.DemoUsers, cfg.DemoRate, now)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	sim := pbxsim.New(pbxsim.Options{Users: tl.Users, Rate: tl.Rate, Seed: tl.Seed, Now: func() time.Time { return tl.Start }})
	url := "http://" + loopback(addr) + "/webhooks/wildix"
	send := pbxsim.Poster(&http.Client{Timeout: 10 * time.Second}, url, []byte(cfg.Secrets[0]))
	logger.Info("Demo: simulated PBX posting to the webhook", slog.String("url", url), slog.Int("users", tl.Users), slog.Bool("resumed", resumed))

	if !resumed {
		for _, body := range sim.Initial() {
			if err := send(ctx, body); err != nil {
				return demoErr(ctx, err)
			}
		}
	}
	catchUpFrom := now.Add(-demoCatchUp)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		at, body := sim.Next()
		if resumed && at.Before(catchUpFrom) {
			continue // fast-forward through what the board already reflects
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return nil
			case <-timer.C:
			}
		}
		if err := send(ctx, body); err != nil {
			return demoErr(ctx, err)
		}
	}
}

// demoErr is nil when the demo stopped because the program is stopping.
func demoErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("demo: %w", err)
}
