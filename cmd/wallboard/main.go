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

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/server"
	"github.com/wallboard/wallboard/sqsingress"
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
	cfg, err := parseSettings(args, getenv, stdout)
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

	elog, err := openLog(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer elog.Close()
	srv, err := newServer(cfg, elog, logger)
	if err != nil {
		return err
	}
	// SIGHUP reloads the configuration file (reload.go); caught from now
	// on, so that it never ends the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	consumers, err := startSQS(ctx, cfg, srv, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	var metricsLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s for metrics: %w", cfg.MetricsAddr, err)
		}
	}
	go newReloader(cfg, srv, logger).watch(ctx, hup)
	return serve(ctx, cfg, srv, ln, metricsLn, consumers, logger)
}

// openLog opens the event log the settings name.
func openLog(ctx context.Context, cfg settings, logger *slog.Logger) (*eventlog.Log, error) {
	if cfg.Demo && cfg.NATSURL == "" {
		if err := freshDemo(cfg.DataDir, cfg.DemoUsers, cfg.DemoRate, time.Now(), logger); err != nil {
			return nil, err
		}
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
		return nil, fmt.Errorf("open event log: %w", err)
	}
	return elog, nil
}

// newServer configures the server from the settings and their
// configuration file.
func newServer(cfg settings, elog *eventlog.Log, logger *slog.Logger) (*server.Server, error) {
	scfg, err := serverConfig(cfg)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(scfg, elog, logger)
	if err != nil {
		return nil, fmt.Errorf("configure server: %w", err)
	}
	return srv, nil
}

// serverConfig is the server's configuration from the settings and their
// configuration file; a reload builds it again from the file read anew.
func serverConfig(cfg settings) (server.Config, error) {
	scfg := server.Config{
		Secrets:           bytesOf(cfg.Secrets),
		PublicURL:         cfg.PublicURL,
		APIToken:          cfg.APIToken,
		TrustedProxies:    cfg.TrustedProxies,
		TickPeriod:        cfg.TickPeriod,
		MaxConns:          cfg.MaxConns,
		MaxConnsPerClient: cfg.MaxConnsPerClient,
		ReadTimeout:       cfg.ReadTimeout,
		MetricsToken:      cfg.MetricsToken,
		SeparateMetrics:   cfg.MetricsAddr != "",
		HistoryRetention:  cfg.HistoryRetention,
		Board:             boardOptions(cfg),
	}
	if f := cfg.File; f != nil {
		for _, in := range f.Integrations {
			if len(in.Secrets) == 0 {
				continue // an SQS integration verified with the AWS key
			}
			scfg.Integrations = append(scfg.Integrations, server.Integration{ID: in.ID, Company: in.Company, Secrets: bytesOf(in.Secrets)})
		}
		scfg.Users, scfg.Displays, scfg.QueueThresholds = f.Users, f.Displays, f.Queues
		scfg.OIDC, scfg.PasswordLoginOff = f.OIDC, !f.PasswordLoginOn()
		// With a configuration file there is always a session key, so
		// that users added by a reload can log in.
		keyFile := cmp.Or(f.SessionKeyFile, filepath.Join(cfg.DataDir, "session.key"))
		var err error
		if scfg.SessionKey, err = sessionKey(keyFile); err != nil {
			return scfg, err
		}
	}
	return scfg, nil
}

// serve runs everything until ctx ends or something fails, then stops in
// order: stop taking requests (in-flight webhooks finish and are stored),
// close WebSockets with 1012 so browsers reconnect, stop consuming, save a
// final snapshot; the caller closes the log.
func serve(ctx context.Context, cfg settings, srv *server.Server, ln, metricsLn net.Listener, consumers []*sqsingress.Consumer, logger *slog.Logger) error {
	errorLog := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	httpServer := srv.HTTPServer(errorLog)
	servers := []*http.Server{httpServer}
	tls := cfg.TLSCert != ""
	logger.Info("Listening", slog.String("addr", ln.Addr().String()), slog.Bool("tls", tls),
		slog.String("event_log", logMode(cfg)), slog.String("secrets", redact(cfg.Secrets)), slog.Int("sqs_queues", len(cfg.SQSQueueURLs)), slog.Bool("demo", cfg.Demo),
		slog.Int("max_conns", cfg.MaxConns), slog.Int("max_conns_per_client", cfg.MaxConnsPerClient))
	logger.Info("Open the board", slog.String("url", boardURL(cfg, ln.Addr(), tls)))

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	errc := make(chan error, 4+len(consumers))
	runDone := make(chan error, 1)
	go func() { runDone <- srv.Run(runCtx) }()
	go func() {
		limited := srv.LimitListener(ln)
		accept := func() error { return httpServer.Serve(limited) }
		if tls {
			accept = func() error { return httpServer.ServeTLS(limited, cfg.TLSCert, cfg.TLSKey) }
		}
		if err := accept(); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serve http: %w", err)
		}
	}()
	if metricsLn != nil {
		metricsServer := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, ErrorLog: errorLog}
		servers = append(servers, metricsServer)
		logger.Info("Serving metrics", slog.String("addr", metricsLn.Addr().String()), slog.Bool("token", cfg.MetricsToken != ""))
		go func() {
			if err := metricsServer.Serve(metricsLn); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve metrics: %w", err)
			}
		}()
	}
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

	var err error
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

	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	for _, hs := range servers {
		if serr := hs.Shutdown(shutdownCtx); serr != nil {
			logger.Warn("HTTP shutdown incomplete", slog.Any("error", serr))
		}
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

func logMode(cfg settings) string {
	if cfg.NATSURL != "" {
		return "external NATS"
	}
	return "embedded NATS JetStream in " + cfg.DataDir
}

func newLogger(cfg settings, w io.Writer) *slog.Logger {
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
	_, err = fmt.Fprintln(stdout, config.HashPassword(password))
	return err
}

// printConfig is -print-config: every setting in effect (flags, their
// environment variables and defaults, and the configuration file), as
// YAML keyed by the flags' names, every secret redacted.
func printConfig(w io.Writer, cfg settings) error {
	type effective struct {
		Addr              string       `yaml:"addr"`
		DataDir           string       `yaml:"data_dir"`
		ConfigFile        string       `yaml:"config"`
		WebhookSecrets    string       `yaml:"webhook_secret"`
		APIToken          string       `yaml:"api_token"`
		Demo              bool         `yaml:"demo"`
		DemoUsers         int          `yaml:"demo_users"`
		DemoRate          float64      `yaml:"demo_rate"`
		NATSURL           string       `yaml:"nats_url"`
		NATSCreds         string       `yaml:"nats_creds"`
		Replicas          int          `yaml:"nats_replicas"`
		SyncInterval      string       `yaml:"sync_interval"`
		DedupeWindow      string       `yaml:"dedupe_window"`
		Retention         string       `yaml:"retention"`
		HistoryRetention  string       `yaml:"history_retention"`
		ConfigPoll        string       `yaml:"config_poll"`
		CallTTL           string       `yaml:"call_ttl"`
		ConferenceTTL     string       `yaml:"conference_ttl"`
		ClockSkew         string       `yaml:"clock_skew"`
		TickPeriod        string       `yaml:"tick_period"`
		Timezone          string       `yaml:"timezone"`
		PublicURL         string       `yaml:"public_url"`
		TLSCert           string       `yaml:"tls_cert"`
		TLSKey            string       `yaml:"tls_key"`
		TrustedProxies    []string     `yaml:"trusted_proxies"`
		MaxConns          int          `yaml:"max_conns"`
		MaxConnsPerClient int          `yaml:"max_conns_per_client"`
		ReadTimeout       string       `yaml:"read_timeout"`
		MetricsAddr       string       `yaml:"metrics_addr"`
		MetricsToken      string       `yaml:"metrics_token"`
		PrintConfig       bool         `yaml:"print_config"`
		SQSQueueURLs      []string     `yaml:"sqs_queue_url"`
		SQSEndpoint       string       `yaml:"sqs_endpoint"`
		SQSSigning        string       `yaml:"sqs_signing_secret"`
		LogLevel          string       `yaml:"log_level"`
		LogFormat         string       `yaml:"log_format"`
		ShutdownGrace     string       `yaml:"shutdown_grace"`
		Authenticated     bool         `yaml:"authenticated"`
		File              *config.File `yaml:"file,omitempty"`
	}
	e := effective{
		Addr: cfg.Addr, DataDir: cfg.DataDir, ConfigFile: cfg.ConfigFile,
		WebhookSecrets: redact(cfg.Secrets), APIToken: redact(nonEmpty(cfg.APIToken)),
		Demo: cfg.Demo, DemoUsers: cfg.DemoUsers, DemoRate: cfg.DemoRate,
		NATSURL: eventlog.RedactURLs(cfg.NATSURL), NATSCreds: cfg.NATSCreds, Replicas: cfg.Replicas,
		SyncInterval: cfg.SyncInterval.String(), DedupeWindow: cfg.DedupeWindow.String(), Retention: cfg.Retention.String(),
		HistoryRetention: cfg.HistoryRetention.String(), ConfigPoll: cfg.ConfigPoll.String(),
		CallTTL: cfg.CallTTL.String(), ConferenceTTL: cfg.ConfTTL.String(), ClockSkew: cfg.ClockSkew.String(),
		TickPeriod: cfg.TickPeriod.String(), Timezone: cfg.DayLocation.String(), PublicURL: cfg.PublicURL,
		TLSCert: cfg.TLSCert, TLSKey: cfg.TLSKey,
		MaxConns: cfg.MaxConns, MaxConnsPerClient: cfg.MaxConnsPerClient, ReadTimeout: cfg.ReadTimeout.String(),
		MetricsAddr: cfg.MetricsAddr, MetricsToken: redact(nonEmpty(cfg.MetricsToken)), PrintConfig: cfg.PrintConfig,
		SQSQueueURLs: cfg.SQSQueueURLs, SQSEndpoint: cfg.SQSEndpoint, SQSSigning: redact(nonEmpty(cfg.SQSSigningSecret)),
		LogLevel: strings.ToLower(cfg.LogLevel.String()), LogFormat: cfg.LogFormat, ShutdownGrace: cfg.ShutdownGrace.String(),
		Authenticated: cfg.authenticated(),
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

// boardURL is where a person opens the board: the public URL when set, else
// the listen address (a wildcard host read as localhost).
func boardURL(cfg settings, addr net.Addr, tls bool) string {
	if cfg.PublicURL != "" {
		return cfg.PublicURL + "/"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + "://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}
