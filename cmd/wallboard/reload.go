package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/server"
)

// Live reload of the -config file: on SIGHUP, and when its contents (or
// those of a secrets_file it names) change, checked every -config-poll.
// The file goes through the same checks as at start; one that fails them
// is refused, the running configuration stays, and a log line and
// wallboard_config_reloads_total{result="refused"} say so. What the
// server cannot take live (see restartOnly) is reported and waits for the
// next start.

// reloader holds the configuration in force and what it was read from.
type reloader struct {
	cfg    settings
	srv    *server.Server
	logger *slog.Logger
	// seen is the fingerprint of the files last read, applied or refused,
	// so that a refused file is reported once, not at every poll.
	seen [32]byte
}

func newReloader(cfg settings, srv *server.Server, logger *slog.Logger) *reloader {
	r := &reloader{cfg: cfg, srv: srv, logger: logger.With(slog.String("component", "config"))}
	r.seen, _ = fingerprint(cfg.ConfigFile, cfg.File)
	return r
}

// watch reloads on every signal from hup and on every change seen by
// polling, until ctx ends.
func (r *reloader) watch(ctx context.Context, hup <-chan os.Signal) {
	var poll <-chan time.Time
	if r.cfg.ConfigFile != "" && r.cfg.ConfigPoll > 0 {
		t := time.NewTicker(r.cfg.ConfigPoll)
		defer t.Stop()
		poll = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if r.cfg.ConfigFile == "" {
				r.logger.Info("SIGHUP: there is no -config file to reload")
				continue
			}
			r.logger.Info("SIGHUP: reloading the configuration", slog.String("file", r.cfg.ConfigFile))
			_ = r.reload(ctx)
		case <-poll:
			fp, err := fingerprint(r.cfg.ConfigFile, r.cfg.File)
			if err != nil || fp == r.seen {
				// A file being replaced may be missing for a moment;
				// the next poll sees the new one.
				continue
			}
			r.logger.Info("The configuration file changed; reloading", slog.String("file", r.cfg.ConfigFile))
			_ = r.reload(ctx)
		}
	}
}

// reload reads, checks and applies the configuration file.
func (r *reloader) reload(ctx context.Context) error {
	fp, _ := fingerprint(r.cfg.ConfigFile, r.cfg.File)
	r.seen = fp
	next, err := r.load()
	if err == nil {
		err = r.srv.Reload(ctx, next.scfg)
	} else {
		r.srv.RecordReload(err)
	}
	if err != nil {
		r.logger.Error("Configuration refused; the running configuration stays", slog.String("file", r.cfg.ConfigFile), slog.Any("error", err))
		return err
	}
	if later := restartOnly(r.cfg, next.cfg); len(later) > 0 {
		r.logger.Warn("Some changes take effect at the next start", slog.Any("keys", later))
	}
	r.cfg = next.cfg
	r.seen, _ = fingerprint(r.cfg.ConfigFile, r.cfg.File)
	return nil
}

// loaded is a configuration file read and checked, as settings and as the
// server's configuration.
type loaded struct {
	cfg  settings
	scfg server.Config
}

// load reads the file as at start.
func (r *reloader) load() (loaded, error) {
	f, err := config.Load(r.cfg.ConfigFile)
	if err != nil {
		return loaded{}, err
	}
	next := r.cfg
	next.File = f
	if err := checkIngress(next); err != nil {
		return loaded{}, err
	}
	scfg, err := serverConfig(next)
	if err != nil {
		return loaded{}, err
	}
	return loaded{cfg: next, scfg: scfg}, nil
}

// restartOnly names the keys that changed from old to next which a running
// server does not take: they apply at the next start.
func restartOnly(old, next settings) []string {
	var a, b config.File
	if old.File != nil {
		a = *old.File
	}
	if next.File != nil {
		b = *next.File
	}
	var keys []string
	if a.PublicURL != b.PublicURL {
		keys = append(keys, "public_url")
	}
	if a.SessionKeyFile != b.SessionKeyFile {
		keys = append(keys, "session_key_file")
	}
	if a.Limits != b.Limits {
		keys = append(keys, "limits")
	}
	if !maps.EqualFunc(a.Locations(), b.Locations(), func(x, y *time.Location) bool { return x.String() == y.String() }) {
		keys = append(keys, "integrations[].timezone")
	}
	if !slices.Equal(sqsLines(a), sqsLines(b)) {
		keys = append(keys, "integrations[].sqs_queue_url")
	}
	return keys
}

// sqsLines describes the SQS queues of f and what each accepts.
func sqsLines(f config.File) []string {
	var out []string
	for _, in := range f.Integrations {
		if in.SQSQueueURL != "" {
			out = append(out, fmt.Sprintf("%s\x00%s\x00%s\x00%x", in.SQSQueueURL, in.ID, in.Company, sha256.Sum256(fmt.Append(nil, in.Secrets))))
		}
	}
	return out
}

// fingerprint is a hash of the configuration file and of every
// secrets_file f names.
func fingerprint(path string, f *config.File) ([32]byte, error) {
	if path == "" {
		return [32]byte{}, errors.New("no configuration file")
	}
	h := sha256.New()
	b, err := os.ReadFile(path)
	if err != nil {
		return [32]byte{}, err
	}
	h.Write(b)
	if f != nil {
		for _, in := range f.Integrations {
			if in.SecretsFile != "" {
				b, _ := os.ReadFile(in.SecretsFile)
				h.Write([]byte{0})
				h.Write(b)
			}
		}
	}
	return [32]byte(h.Sum(nil)), nil
}
