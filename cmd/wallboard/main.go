// Command wallboard serves a live presence and call wall board for a Wildix
// PBX. Run it with -demo for a simulated company and no setup.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/wallboard/wallboard/board"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/wildix/pbxsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wallboard:", err)
		os.Exit(1)
	}
}

// run is the whole program: it returns when ctx ends (after a graceful
// stop) or when something fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	logger := newLogger(cfg, stdout)

	if cfg.Demo && len(cfg.Secrets) == 0 {
		cfg.Secrets = []string{randomSecret()}
	}

	elog, err := eventlog.Open(ctx, eventlog.Options{
		Dir:             cfg.DataDir,
		URL:             cfg.NATSURL,
		Credentials:     cfg.NATSCreds,
		Replicas:        cfg.Replicas,
		DuplicateWindow: cfg.DedupeWindow,
		MaxAge:          cfg.Retention,
		SyncInterval:    cfg.SyncInterval,
		SyncAlways:      cfg.SyncInterval == 0,
		Logger:          logger.With(slog.String("component", "eventlog")),
	})
	if err != nil {
		return fmt.Errorf("open event log: %w", err)
	}
	defer elog.Close()

	secrets := make([][]byte, len(cfg.Secrets))
	for i, s := range cfg.Secrets {
		secrets[i] = []byte(s)
	}
	srv, err := server.New(server.Config{
		Secrets:    secrets,
		PublicURL:  cfg.PublicURL,
		TickPeriod: cfg.TickPeriod,
		Board:      board.Options{CallTTL: cfg.CallTTL, Location: cfg.DayLocation},
	}, elog, logger)
	if err != nil {
		return err
	}

	consumers, err := startSQS(ctx, cfg, srv, logger)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("Listening", slog.String("addr", ln.Addr().String()),
		slog.String("event_log", logMode(cfg)), slog.String("secrets", redact(cfg.Secrets)), slog.Int("sqs_queues", len(cfg.SQSQueueURLs)), slog.Bool("demo", cfg.Demo))

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	errc := make(chan error, 3+len(consumers))
	go func() { errc <- srv.Run(runCtx) }()
	go func() {
		if err := httpServer.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serve http: %w", err)
		}
	}()
	for _, c := range consumers {
		go func() {
			if err := c.Run(runCtx); err != nil {
				errc <- fmt.Errorf("SQS consumer: %w", err)
			}
		}()
	}
	if cfg.Demo {
		go func() { errc <- runDemo(runCtx, cfg, srv, ln.Addr(), logger) }()
	}

	select {
	case <-ctx.Done():
		logger.Info("Stopping")
	case err = <-errc:
		if err != nil {
			logger.Error("Stopping after a failure", slog.Any("error", err))
		}
	}

	// Ordered shutdown: stop taking requests (in-flight webhooks finish and
	// are stored), close WebSockets with 1012 so browsers reconnect, stop
	// consuming, save a final snapshot, close the log (deferred).
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if serr := httpServer.Shutdown(shutdownCtx); serr != nil {
		logger.Warn("HTTP shutdown incomplete", slog.Any("error", serr))
	}
	cancelRun()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		logger.Warn("WebSocket shutdown incomplete", slog.Any("error", serr))
	}
	logger.Info("Stopped")
	return err
}

// runDemo feeds the server a simulated company through its own webhook
// ingress, signed like the PBX signs.
func runDemo(ctx context.Context, cfg config, srv *server.Server, addr net.Addr, logger *slog.Logger) error {
	select {
	case <-srv.CaughtUp():
	case <-ctx.Done():
		return nil
	}
	url := "http://" + loopback(addr) + "/webhooks/wildix"
	sim := pbxsim.New(pbxsim.Options{Users: cfg.DemoUsers, Rate: cfg.DemoRate, Seed: time.Now().UnixNano()})
	send := pbxsim.Poster(&http.Client{Timeout: 10 * time.Second}, url, []byte(cfg.Secrets[0]))
	logger.Info("Demo: simulated PBX posting to the webhook", slog.String("url", url), slog.Int("users", cfg.DemoUsers))
	if err := sim.Run(ctx, send); err != nil && ctx.Err() == nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// loopback is the address to reach a listener on this machine.
func loopback(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	if tcp.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return tcp.String()
}

func logMode(cfg config) string {
	if cfg.NATSURL != "" {
		return "external NATS"
	}
	return "embedded NATS JetStream in " + cfg.DataDir
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func randomSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
