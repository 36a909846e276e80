package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	configfile "github.com/wallboard/wallboard/config"
)

// config is the command line and environment, validated. Every flag has an
// environment variable; a flag beats the variable, which beats the default.
type config struct {
	Addr         string
	DataDir      string
	ConfigFile   string
	Secrets      []string
	Demo         bool
	DemoUsers    int
	DemoRate     float64
	NATSURL      string
	NATSCreds    string
	Replicas     int
	SyncInterval time.Duration
	DedupeWindow time.Duration
	Retention    time.Duration
	CallTTL      time.Duration
	ConfTTL      time.Duration
	ClockSkew    time.Duration
	TickPeriod   time.Duration
	DayLocation  *time.Location
	PublicURL    string
	// File is the -config file, validated; nil without one.
	File           *configfile.File
	APIToken       string
	TLSCert        string
	TLSKey         string
	TrustedProxies []netip.Prefix
	PrintConfig    bool

	SQSQueueURLs     []string
	SQSEndpoint      string
	SQSSigningSecret string
	LogLevel         slog.Level
	LogFormat        string
	ShutdownGrace    time.Duration
}

// minAPITokenLength is the shortest API token accepted: it is a bearer
// credential and must not be guessable.
const minAPITokenLength = 16

// authenticated reports whether anyone must authenticate to see the board.
func (c config) authenticated() bool {
	return c.APIToken != "" || (c.File != nil && len(c.File.Users)+len(c.File.Displays) > 0)
}

// redact describes secrets without showing them.
func redact(secrets []string) string {
	if len(secrets) == 0 {
		return "(none)"
	}
	return fmt.Sprintf("(%d secret(s), redacted)", len(secrets))
}

// parseConfig reads flags from args over environment variables from getenv.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("wallboard", flag.ContinueOnError)
	fs.SetOutput(usage)
	e := &envReader{getenv: getenv}
	env := e.str

	fs.StringVar(&cfg.Addr, "addr", env("WALLBOARD_ADDR", ":8080"), "listen address (WALLBOARD_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", env("WALLBOARD_DATA_DIR", "./data"), "event log and snapshots (WALLBOARD_DATA_DIR)")
	fs.StringVar(&cfg.ConfigFile, "config", env("WALLBOARD_CONFIG", ""), "optional YAML configuration file (WALLBOARD_CONFIG)")
	secret := fs.String("webhook-secret", env("WALLBOARD_WEBHOOK_SECRET", ""), "webhook secret(s), comma-separated for rotation (WALLBOARD_WEBHOOK_SECRET; or WALLBOARD_WEBHOOK_SECRET_FILE)")
	fs.BoolVar(&cfg.Demo, "demo", e.bool("WALLBOARD_DEMO", false), "run the built-in simulated PBX (WALLBOARD_DEMO)")
	fs.IntVar(&cfg.DemoUsers, "demo-users", e.int("WALLBOARD_DEMO_USERS", 48), "users in the simulated company (WALLBOARD_DEMO_USERS)")
	fs.Float64Var(&cfg.DemoRate, "demo-rate", e.float("WALLBOARD_DEMO_RATE", 0.5), "new simulated calls per second (WALLBOARD_DEMO_RATE)")
	fs.StringVar(&cfg.NATSURL, "nats-url", env("WALLBOARD_NATS_URL", ""), "external NATS server(s) for scale-out, comma-separated; empty = embedded (WALLBOARD_NATS_URL)")
	fs.StringVar(&cfg.NATSCreds, "nats-creds", env("WALLBOARD_NATS_CREDS", ""), "NATS credentials file for -nats-url (WALLBOARD_NATS_CREDS)")
	fs.IntVar(&cfg.Replicas, "nats-replicas", e.int("WALLBOARD_NATS_REPLICAS", 1), "stream replicas on an external cluster: 3 for a 3-node cluster (WALLBOARD_NATS_REPLICAS)")
	fs.DurationVar(&cfg.SyncInterval, "sync-interval", e.duration("WALLBOARD_SYNC_INTERVAL", 0), "embedded log fsync interval; 0 = fsync every write (WALLBOARD_SYNC_INTERVAL)")
	fs.DurationVar(&cfg.DedupeWindow, "dedupe-window", e.duration("WALLBOARD_DEDUPE_WINDOW", 15*time.Minute), "how long identical webhook bodies are recognised as retries (WALLBOARD_DEDUPE_WINDOW)")
	fs.DurationVar(&cfg.Retention, "retention", e.duration("WALLBOARD_RETENTION", 7*24*time.Hour), "how long raw events stay in the log (WALLBOARD_RETENTION)")
	fs.DurationVar(&cfg.CallTTL, "call-ttl", e.duration("WALLBOARD_CALL_TTL", 2*time.Hour), "a call silent this long is dropped from the board (WALLBOARD_CALL_TTL)")
	fs.DurationVar(&cfg.ConfTTL, "conference-ttl", e.duration("WALLBOARD_CONFERENCE_TTL", 4*time.Hour), "a conference silent this long is dropped from the board (WALLBOARD_CONFERENCE_TTL)")
	fs.DurationVar(&cfg.ClockSkew, "clock-skew", e.duration("WALLBOARD_CLOCK_SKEW", 5*time.Minute), "how far ahead of its receive time an event's own time is believed (WALLBOARD_CLOCK_SKEW)")
	fs.DurationVar(&cfg.TickPeriod, "tick-period", e.duration("WALLBOARD_TICK_PERIOD", 15*time.Second), "how often time passes on the board when no event arrives: call expiry, the day's rollover (WALLBOARD_TICK_PERIOD)")
	tz := fs.String("timezone", env("WALLBOARD_TIMEZONE", "UTC"), "time zone of the day boundary for today's figures (WALLBOARD_TIMEZONE)")
	fs.StringVar(&cfg.PublicURL, "public-url", env("WALLBOARD_PUBLIC_URL", ""), "origin browsers use, e.g. https://board.example.com; overrides public_url of the -config file (WALLBOARD_PUBLIC_URL)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", env("WALLBOARD_TLS_CERT", ""), "serve HTTPS with this PEM certificate (chain) file; needs -tls-key (WALLBOARD_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", env("WALLBOARD_TLS_KEY", ""), "the PEM private key of -tls-cert (WALLBOARD_TLS_KEY)")
	proxies := fs.String("trusted-proxies", env("WALLBOARD_TRUSTED_PROXIES", ""), "reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For names the client for per-client limits (WALLBOARD_TRUSTED_PROXIES)")
	fs.BoolVar(&cfg.PrintConfig, "print-config", e.bool("WALLBOARD_PRINT_CONFIG", false), "print the effective configuration, secrets redacted, and exit (WALLBOARD_PRINT_CONFIG)")
	sqsQueues := fs.String("sqs-queue-url", env("WALLBOARD_SQS_QUEUE_URL", ""), "AWS SQS queue URL(s) to receive Wildix events from, comma-separated (WALLBOARD_SQS_QUEUE_URL)")
	fs.StringVar(&cfg.SQSEndpoint, "sqs-endpoint", env("WALLBOARD_SQS_ENDPOINT", ""), "SQS endpoint override, e.g. a VPC endpoint (WALLBOARD_SQS_ENDPOINT; AWS_ENDPOINT_URL_SQS also works)")
	level := fs.String("log-level", env("WALLBOARD_LOG_LEVEL", "info"), "debug, info, warn or error (WALLBOARD_LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", env("WALLBOARD_LOG_FORMAT", "text"), "text or json (WALLBOARD_LOG_FORMAT)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", e.duration("WALLBOARD_SHUTDOWN_GRACE", 10*time.Second), "time allowed for a graceful stop (WALLBOARD_SHUTDOWN_GRACE)")

	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	errs := e.errs
	var err error
	if cfg.DayLocation, err = time.LoadLocation(*tz); err != nil {
		errs = append(errs, fmt.Errorf("-timezone / WALLBOARD_TIMEZONE: unknown time zone %q", *tz))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		errs = append(errs, fmt.Errorf("-log-level / WALLBOARD_LOG_LEVEL: %q is not debug, info, warn or error", *level))
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("-log-format / WALLBOARD_LOG_FORMAT: %q is not text or json", cfg.LogFormat))
	}
	if cfg.Replicas < 1 || cfg.Replicas > 5 {
		errs = append(errs, fmt.Errorf("-nats-replicas / WALLBOARD_NATS_REPLICAS: %d is not between 1 and 5", cfg.Replicas))
	}
	if cfg.DedupeWindow < 10*time.Minute {
		errs = append(errs, fmt.Errorf("-dedupe-window / WALLBOARD_DEDUPE_WINDOW: %s is shorter than 10m, the PBX's retries could be applied twice", cfg.DedupeWindow))
	}

	s := *secret
	if file := getenv("WALLBOARD_WEBHOOK_SECRET_FILE"); file != "" && !flagSet(fs, "webhook-secret") {
		b, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, fmt.Errorf("WALLBOARD_WEBHOOK_SECRET_FILE: %w", err))
		}
		s = strings.TrimSpace(string(b))
	}
	cfg.Secrets = splitList(s)
	cfg.SQSQueueURLs = splitList(*sqsQueues)
	cfg.SQSSigningSecret = getenv("WALLBOARD_SQS_SIGNING_SECRET")
	if file := getenv("WALLBOARD_SQS_SIGNING_SECRET_FILE"); file != "" && cfg.SQSSigningSecret == "" {
		b, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, fmt.Errorf("WALLBOARD_SQS_SIGNING_SECRET_FILE: %w", err))
		}
		cfg.SQSSigningSecret = strings.TrimSpace(string(b))
	}
	cfg.APIToken = getenv("WALLBOARD_API_TOKEN")
	if file := getenv("WALLBOARD_API_TOKEN_FILE"); file != "" && cfg.APIToken == "" {
		b, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, fmt.Errorf("WALLBOARD_API_TOKEN_FILE: %w", err))
		}
		cfg.APIToken = strings.TrimSpace(string(b))
	}
	if cfg.APIToken != "" && len(cfg.APIToken) < minAPITokenLength {
		errs = append(errs, fmt.Errorf("WALLBOARD_API_TOKEN: shorter than %d characters; use a long random string such as the output of \"openssl rand -hex 32\"", minAPITokenLength))
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		errs = append(errs, errors.New("-tls-cert and -tls-key (WALLBOARD_TLS_CERT, WALLBOARD_TLS_KEY): set both or neither"))
	}
	for _, p := range splitList(*proxies) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("-trusted-proxies / WALLBOARD_TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/8", p))
			continue
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, prefix)
	}
	if cfg.ConfigFile != "" {
		f, err := configfile.Load(cfg.ConfigFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("-config / WALLBOARD_CONFIG: %w", err))
		} else {
			cfg.File = f
			if cfg.PublicURL == "" {
				cfg.PublicURL = f.PublicURL
			}
		}
	}
	if cfg.PublicURL != "" {
		if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("-public-url / WALLBOARD_PUBLIC_URL: %q is not an http or https URL such as https://board.example.com", cfg.PublicURL))
		}
	}
	if len(cfg.Secrets) == 0 && len(cfg.SQSQueueURLs) == 0 && !cfg.Demo && (cfg.File == nil || len(cfg.File.Integrations) == 0) {
		errs = append(errs, errors.New("no webhook secret: set -webhook-secret or WALLBOARD_WEBHOOK_SECRET (or WALLBOARD_WEBHOOK_SECRET_FILE) to the secret of your Wildix webhook integration, list integrations in the -config file, configure an SQS queue (WALLBOARD_SQS_QUEUE_URL), or run with -demo"))
	}
	return cfg, errors.Join(errs...)
}

// splitList splits a comma-separated setting, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// envReader reads defaults from environment variables, remembering every
// malformed value so that the error names the variable.
type envReader struct {
	getenv func(string) string
	errs   []error
}

func (e *envReader) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

func (e *envReader) bool(name string, def bool) bool {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not true or false", name, v))
		return def
	}
	return b
}

func (e *envReader) int(name string, def int) int {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not a whole number", name, v))
		return def
	}
	return n
}

func (e *envReader) float(name string, def float64) float64 {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not a number", name, v))
		return def
	}
	return f
}

func (e *envReader) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not a duration such as 90s or 15m", name, v))
		return def
	}
	return d
}
