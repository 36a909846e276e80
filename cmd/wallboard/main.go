// Command wallboard serves a live presence and call wall board for a Wildix
// PBX. Run it with -demo for a simulated company and no setup.
//
// "wallboard hash-password" reads a password on stdin and prints its hash
// for the users of the configuration file.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"

	configfile "github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "hash-password" {
		if err := hashPassword(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "wallboard hash-password:", err)
			os.Exit(1)
		}
		return
	}
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
	if cfg.PrintConfig {
		return printConfig(stdout, cfg)
	}
	logger := newLogger(cfg, stdout)
	if !cfg.authenticated() {
		logger.Warn("The board is open to anyone who can reach it: no users or display links in a -config file, and no WALLBOARD_API_TOKEN")
	}

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

	scfg := server.Config{
		Secrets:        bytesOf(cfg.Secrets),
		PublicURL:      cfg.PublicURL,
		APIToken:       cfg.APIToken,
		TrustedProxies: cfg.TrustedProxies,
		TickPeriod:     cfg.TickPeriod,
		Board:          boardOptions(cfg),
	}
	if f := cfg.File; f != nil {
		for _, in := range f.Integrations {
			scfg.Integrations = append(scfg.Integrations, server.Integration{ID: in.ID, Company: in.Company, Secrets: bytesOf(in.Secrets)})
		}
		scfg.Users, scfg.Displays, scfg.QueueThresholds = f.Users, f.Displays, f.Queues
		if len(f.Users) > 0 {
			keyFile := cmp.Or(f.SessionKeyFile, filepath.Join(cfg.DataDir, "session.key"))
			if scfg.SessionKey, err = sessionKey(keyFile); err != nil {
				return err
			}
		}
	}
	srv, err := server.New(scfg, elog, logger)
	if err != nil {
		return fmt.Errorf("configure server: %w", err)
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
	tls := cfg.TLSCert != ""
	logger.Info("Listening", slog.String("addr", ln.Addr().String()), slog.Bool("tls", tls),
		slog.String("event_log", logMode(cfg)), slog.String("secrets", redact(cfg.Secrets)), slog.Int("sqs_queues", len(cfg.SQSQueueURLs)), slog.Bool("demo", cfg.Demo))

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	errc := make(chan error, 3+len(consumers))
	runDone := make(chan error, 1)
	go func() { runDone <- srv.Run(runCtx) }()
	go func() {
		serve := func() error { return httpServer.Serve(ln) }
		if tls {
			serve = func() error { return httpServer.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey) }
		}
		if err := serve(); !errors.Is(err, http.ErrServerClosed) {
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

	runReturned := false
	select {
	case <-ctx.Done():
		logger.Info("Stopping")
	case err = <-errc:
		logger.Info("Stopping after a failure") // the error is returned, and printed by main
	case err = <-runDone:
		runReturned = true
		logger.Info("Stopping: the event log consumer ended")
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
	if !runReturned {
		if rerr := <-runDone; err == nil {
			err = rerr
		}
	}
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		logger.Warn("WebSocket shutdown incomplete", slog.Any("error", serr))
	}
	logger.Info("Stopped")
	return err
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

func bytesOf(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// sessionKey reads the key that signs session cookies from path, creating
// it (32 random bytes, hex, mode 0600) on first use. Sessions last across
// restarts as long as the file does; deleting it logs everyone out.
func sessionKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key := bytes.TrimSpace(b)
		if len(key) < 32 {
			return nil, fmt.Errorf("session key %s: shorter than 32 bytes", path)
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("session key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	key := []byte(randomSecret() + randomSecret())
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another node created it meanwhile
		return sessionKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	if _, err := f.Write(append(key, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("session key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	return key, nil
}

// hashPassword is "wallboard hash-password": it reads a password (one line)
// on stdin and prints its argon2id hash for password_hash in the
// configuration file.
func hashPassword(stdin io.Reader, stdout io.Writer) error {
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password: %w", err)
	}
	password := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if len(password) < 8 {
		return errors.New("the password on stdin is shorter than 8 characters")
	}
	_, err = fmt.Fprintln(stdout, configfile.HashPassword(password))
	return err
}

// printConfig is -print-config: the effective configuration, as YAML,
// every secret redacted.
func printConfig(w io.Writer, cfg config) error {
	type effective struct {
		Addr           string           `yaml:"addr"`
		DataDir        string           `yaml:"data_dir"`
		ConfigFile     string           `yaml:"config,omitempty"`
		PublicURL      string           `yaml:"public_url,omitempty"`
		WebhookSecrets string           `yaml:"webhook_secrets"`
		APIToken       string           `yaml:"api_token"`
		TLSCert        string           `yaml:"tls_cert,omitempty"`
		TLSKey         string           `yaml:"tls_key,omitempty"`
		TrustedProxies []string         `yaml:"trusted_proxies,omitempty"`
		Demo           bool             `yaml:"demo"`
		NATSURL        string           `yaml:"nats_url,omitempty"`
		SQSQueueURLs   []string         `yaml:"sqs_queue_urls,omitempty"`
		SQSSigning     string           `yaml:"sqs_signing_secret"`
		CallTTL        string           `yaml:"call_ttl"`
		Timezone       string           `yaml:"timezone"`
		Authenticated  bool             `yaml:"authenticated"`
		File           *configfile.File `yaml:"file,omitempty"`
	}
	e := effective{
		Addr: cfg.Addr, DataDir: cfg.DataDir, ConfigFile: cfg.ConfigFile, PublicURL: cfg.PublicURL,
		WebhookSecrets: redact(cfg.Secrets), APIToken: redact(nonEmpty(cfg.APIToken)),
		TLSCert: cfg.TLSCert, TLSKey: cfg.TLSKey, Demo: cfg.Demo, NATSURL: eventlog.RedactURLs(cfg.NATSURL),
		SQSQueueURLs: cfg.SQSQueueURLs, SQSSigning: redact(nonEmpty(cfg.SQSSigningSecret)),
		CallTTL: cfg.CallTTL.String(), Timezone: cfg.DayLocation.String(), Authenticated: cfg.authenticated(),
	}
	for _, p := range cfg.TrustedProxies {
		e.TrustedProxies = append(e.TrustedProxies, p.String())
	}
	if cfg.File != nil {
		e.File = cfg.File.Redacted()
	}
	out, err := yaml.Marshal(e)
	if err != nil {
		return fmt.Errorf("print configuration: %w", err)
	}
	_, err = w.Write(out)
	return err
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
