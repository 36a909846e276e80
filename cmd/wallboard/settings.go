package main

import (
	"errors"
	"flag"
	"fmt"
	"github.com/wallboard/wallboard/wildix/pbxsim"
	"io"
	"log/slog"
	"math"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wallboard/wallboard/config"
	"github.com/wallboard/wallboard/server"
)

// settings are the command line and environment, validated. Every flag has
// an environment variable; a flag beats the variable, which beats the
// default. (The configuration file they may name is a config.File.)
type settings struct {
	Addr       string
	DataDir    string
	ConfigFile string
	// ConfigPoll is how often the configuration file is checked for
	// changes (reload.go); 0: only on SIGHUP.
	ConfigPoll       time.Duration
	Secrets          []string
	Demo             bool
	DemoUsers        int
	DemoRate         float64
	NATSURL          string
	NATSCreds        string
	Replicas         int
	SyncInterval     time.Duration
	DedupeWindow     time.Duration
	Retention        time.Duration
	HistoryRetention time.Duration
	CallTTL          time.Duration
	ConfTTL          time.Duration
	ClockSkew        time.Duration
	TickPeriod       time.Duration
	DayLocation      *time.Location
	PublicURL        string
	// File is the -config file, validated; nil without one.
	File           *config.File
	APIToken       string
	TLSCert        string
	TLSKey         string
	TrustedProxies []netip.Prefix
	PrintConfig    bool

	// MaxConns and MaxConnsPerClient cap the connections held open.
	MaxConns          int
	MaxConnsPerClient int
	// ReadTimeout bounds reading a request, headers and body.
	ReadTimeout time.Duration
	// MetricsAddr, when set, serves /metrics there instead of on Addr;
	// MetricsToken, when set, is required on it as a bearer token.
	MetricsAddr  string
	MetricsToken string

	SQSQueueURLs     []string
	SQSEndpoint      string
	SQSSigningSecret string
	LogLevel         slog.Level
	LogFormat        string
	ShutdownGrace    time.Duration
}

// minTokenLength is the shortest bearer token accepted (API, metrics): a
// credential that must not be guessable.
const minTokenLength = 16

// authenticated reports whether anyone must authenticate to see the board.
func (s settings) authenticated() bool {
	return s.APIToken != "" || (s.File != nil && len(s.File.Users)+len(s.File.Displays) > 0)
}

// redact describes secrets without showing them.
func redact(secrets []string) string {
	if len(secrets) == 0 {
		return "(none)"
	}
	return fmt.Sprintf("(%d secret(s), redacted)", len(secrets))
}

// rawSettings are the flags whose text parseSettings converts and checks
// once parsed.
type rawSettings struct {
	secret, timezone, proxies, sqsQueues, level *string
}

// parseSettings reads flags from args over environment variables from
// getenv, and reports every bad setting at once, each by name.
func parseSettings(args []string, getenv func(string) string, usage io.Writer) (settings, error) {
	var s settings
	fs := flag.NewFlagSet("wallboard", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() {
		fmt.Fprintf(usage, "Usage:\n  wallboard [flags]          serve the wall board\n  wallboard hash-password    read a password on stdin, print its hash for the config file\n\nFlags:\n")
		fs.PrintDefaults()
	}
	e := &envReader{getenv: getenv}
	raw := defineFlags(fs, e, &s)
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	if fs.NArg() > 0 {
		return s, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	s.resolve(raw, e)
	return s, errors.Join(e.errs...)
}

// defineFlags defines every flag of s on fs, its default from the
// environment.
func defineFlags(fs *flag.FlagSet, e *envReader, s *settings) rawSettings {
	env := e.str
	var raw rawSettings
	fs.StringVar(&s.Addr, "addr", env("WALLBOARD_ADDR", ":8080"), "listen address (WALLBOARD_ADDR)")
	fs.StringVar(&s.DataDir, "data-dir", env("WALLBOARD_DATA_DIR", "./data"), "event log and snapshots (WALLBOARD_DATA_DIR)")
	fs.StringVar(&s.ConfigFile, "config", env("WALLBOARD_CONFIG", ""), "optional YAML configuration file (WALLBOARD_CONFIG)")
	fs.DurationVar(&s.ConfigPoll, "config-poll", e.duration("WALLBOARD_CONFIG_POLL", 5*time.Second), "how often the -config file is checked for changes, which are applied live; 0 = only on SIGHUP (WALLBOARD_CONFIG_POLL)")
	raw.secret = fs.String("webhook-secret", env("WALLBOARD_WEBHOOK_SECRET", ""), "webhook secret(s), comma-separated for rotation (WALLBOARD_WEBHOOK_SECRET; or WALLBOARD_WEBHOOK_SECRET_FILE)")
	fs.BoolVar(&s.Demo, "demo", e.bool("WALLBOARD_DEMO", false), "run the built-in simulated PBX (WALLBOARD_DEMO)")
	fs.IntVar(&s.DemoUsers, "demo-users", e.int("WALLBOARD_DEMO_USERS", 48), "users in the simulated company (WALLBOARD_DEMO_USERS)")
	fs.Float64Var(&s.DemoRate, "demo-rate", e.float("WALLBOARD_DEMO_RATE", pbxsim.DefaultRate), "new simulated calls per second (WALLBOARD_DEMO_RATE)")
	fs.StringVar(&s.NATSURL, "nats-url", env("WALLBOARD_NATS_URL", ""), "external NATS server(s) for scale-out, comma-separated; empty = embedded (WALLBOARD_NATS_URL)")
	fs.StringVar(&s.NATSCreds, "nats-creds", env("WALLBOARD_NATS_CREDS", ""), "NATS credentials file for -nats-url (WALLBOARD_NATS_CREDS)")
	fs.IntVar(&s.Replicas, "nats-replicas", e.int("WALLBOARD_NATS_REPLICAS", 1), "stream replicas on an external cluster: 3 for a 3-node cluster (WALLBOARD_NATS_REPLICAS)")
	fs.DurationVar(&s.SyncInterval, "sync-interval", e.duration("WALLBOARD_SYNC_INTERVAL", 0), "embedded log fsync interval; 0 = fsync every write (WALLBOARD_SYNC_INTERVAL)")
	fs.DurationVar(&s.DedupeWindow, "dedupe-window", e.duration("WALLBOARD_DEDUPE_WINDOW", 15*time.Minute), "how long identical webhook bodies are recognised as retries (WALLBOARD_DEDUPE_WINDOW)")
	fs.DurationVar(&s.HistoryRetention, "history-retention", e.duration("WALLBOARD_HISTORY_RETENTION", server.DefaultHistoryRetention), "how long each day's queue and agent figures are kept for /history (WALLBOARD_HISTORY_RETENTION)")
	fs.DurationVar(&s.Retention, "retention", e.duration("WALLBOARD_RETENTION", 7*24*time.Hour), "how long raw events stay in the log (WALLBOARD_RETENTION)")
	fs.DurationVar(&s.CallTTL, "call-ttl", e.duration("WALLBOARD_CALL_TTL", 2*time.Hour), "a call silent this long is dropped from the board (WALLBOARD_CALL_TTL)")
	fs.DurationVar(&s.ConfTTL, "conference-ttl", e.duration("WALLBOARD_CONFERENCE_TTL", 4*time.Hour), "a conference silent this long is dropped from the board (WALLBOARD_CONFERENCE_TTL)")
	fs.DurationVar(&s.ClockSkew, "clock-skew", e.duration("WALLBOARD_CLOCK_SKEW", 5*time.Minute), "how far ahead of its receive time an event's own time is believed (WALLBOARD_CLOCK_SKEW)")
	fs.DurationVar(&s.TickPeriod, "tick-period", e.duration("WALLBOARD_TICK_PERIOD", 15*time.Second), "how often time passes on the board when no event arrives: call expiry, the day's rollover (WALLBOARD_TICK_PERIOD)")
	raw.timezone = fs.String("timezone", env("WALLBOARD_TIMEZONE", "UTC"), "time zone of the day boundary for today's figures (WALLBOARD_TIMEZONE)")
	fs.StringVar(&s.PublicURL, "public-url", env("WALLBOARD_PUBLIC_URL", ""), "origin browsers use, e.g. https://board.example.com; overrides public_url of the -config file (WALLBOARD_PUBLIC_URL)")
	fs.StringVar(&s.TLSCert, "tls-cert", env("WALLBOARD_TLS_CERT", ""), "serve HTTPS with this PEM certificate (chain) file; needs -tls-key (WALLBOARD_TLS_CERT)")
	fs.StringVar(&s.TLSKey, "tls-key", env("WALLBOARD_TLS_KEY", ""), "the PEM private key of -tls-cert (WALLBOARD_TLS_KEY)")
	raw.proxies = fs.String("trusted-proxies", env("WALLBOARD_TRUSTED_PROXIES", ""), "reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For names the client for per-client limits (WALLBOARD_TRUSTED_PROXIES)")
	fs.IntVar(&s.MaxConns, "max-conns", e.int("WALLBOARD_MAX_CONNS", 8192), "connections held open at most; keep it well below the open-file limit (WALLBOARD_MAX_CONNS)")
	fs.IntVar(&s.MaxConnsPerClient, "max-conns-per-client", e.int("WALLBOARD_MAX_CONNS_PER_CLIENT", 512), "connections held open at most from one client address; trusted proxies are exempt (WALLBOARD_MAX_CONNS_PER_CLIENT)")
	fs.DurationVar(&s.ReadTimeout, "read-timeout", e.duration("WALLBOARD_READ_TIMEOUT", 10*time.Second), "time a client may take to send a request, headers and body; WebSockets are not bound by it (WALLBOARD_READ_TIMEOUT)")
	fs.StringVar(&s.MetricsAddr, "metrics-addr", env("WALLBOARD_METRICS_ADDR", ""), "serve /metrics on this address only, not on -addr (WALLBOARD_METRICS_ADDR)")
	fs.BoolVar(&s.PrintConfig, "print-config", e.bool("WALLBOARD_PRINT_CONFIG", false), "print the effective configuration, secrets redacted, and exit (WALLBOARD_PRINT_CONFIG)")
	raw.sqsQueues = fs.String("sqs-queue-url", env("WALLBOARD_SQS_QUEUE_URL", ""), "AWS SQS queue URL(s) to receive Wildix events from, comma-separated (WALLBOARD_SQS_QUEUE_URL)")
	fs.StringVar(&s.SQSEndpoint, "sqs-endpoint", env("WALLBOARD_SQS_ENDPOINT", ""), "SQS endpoint override, e.g. a VPC endpoint (WALLBOARD_SQS_ENDPOINT; AWS_ENDPOINT_URL_SQS also works)")
	raw.level = fs.String("log-level", env("WALLBOARD_LOG_LEVEL", "info"), "debug, info, warn or error (WALLBOARD_LOG_LEVEL)")
	fs.StringVar(&s.LogFormat, "log-format", env("WALLBOARD_LOG_FORMAT", "text"), "text or json (WALLBOARD_LOG_FORMAT)")
	fs.DurationVar(&s.ShutdownGrace, "shutdown-grace", e.duration("WALLBOARD_SHUTDOWN_GRACE", 10*time.Second), "time allowed for a graceful stop (WALLBOARD_SHUTDOWN_GRACE)")
	return raw
}

// resolve converts and checks what the flags left as text, reads the
// secrets and the configuration file, and records every problem in e.
func (s *settings) resolve(raw rawSettings, e *envReader) {
	var err error
	if s.DayLocation, err = time.LoadLocation(*raw.timezone); err != nil {
		e.fail("-timezone / WALLBOARD_TIMEZONE: unknown time zone %q", *raw.timezone)
	}
	if err := s.LogLevel.UnmarshalText([]byte(*raw.level)); err != nil {
		e.fail("-log-level / WALLBOARD_LOG_LEVEL: %q is not debug, info, warn or error", *raw.level)
	}
	if s.LogFormat != "text" && s.LogFormat != "json" {
		e.fail("-log-format / WALLBOARD_LOG_FORMAT: %q is not text or json", s.LogFormat)
	}
	if s.Replicas < 1 || s.Replicas > 5 {
		e.fail("-nats-replicas / WALLBOARD_NATS_REPLICAS: %d is not between 1 and 5", s.Replicas)
	}
	if s.DedupeWindow < 10*time.Minute {
		e.fail("-dedupe-window / WALLBOARD_DEDUPE_WINDOW: %s is shorter than 10m, the PBX's retries could be applied twice", s.DedupeWindow)
	}
	if s.HistoryRetention < 24*time.Hour {
		e.fail("-history-retention / WALLBOARD_HISTORY_RETENTION: %s is shorter than a day, no day's figures would be kept", s.HistoryRetention)
	}
	if s.MaxConns < 1 || s.MaxConnsPerClient < 1 {
		e.fail("-max-conns, -max-conns-per-client (WALLBOARD_MAX_CONNS, WALLBOARD_MAX_CONNS_PER_CLIENT): must be positive")
	}
	if s.Demo && s.DemoUsers < 1 {
		e.fail("-demo-users / WALLBOARD_DEMO_USERS: %d is not a positive number of people", s.DemoUsers)
	}
	if s.Demo && (s.DemoRate <= 0 || math.IsNaN(s.DemoRate) || math.IsInf(s.DemoRate, 0)) {
		e.fail("-demo-rate / WALLBOARD_DEMO_RATE: %v is not a positive number of calls per second", s.DemoRate)
	}
	if s.ReadTimeout < time.Second {
		e.fail("-read-timeout / WALLBOARD_READ_TIMEOUT: %s is shorter than 1s", s.ReadTimeout)
	}

	s.Secrets = splitList(e.secret("WALLBOARD_WEBHOOK_SECRET", *raw.secret))
	s.SQSQueueURLs = splitList(*raw.sqsQueues)
	s.SQSSigningSecret = e.secret("WALLBOARD_SQS_SIGNING_SECRET", e.getenv("WALLBOARD_SQS_SIGNING_SECRET"))
	s.APIToken = e.token("WALLBOARD_API_TOKEN")
	s.MetricsToken = e.token("WALLBOARD_METRICS_TOKEN")
	if (s.TLSCert == "") != (s.TLSKey == "") {
		e.fail("-tls-cert and -tls-key (WALLBOARD_TLS_CERT, WALLBOARD_TLS_KEY): set both or neither")
	}
	for _, p := range splitList(*raw.proxies) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			e.fail("-trusted-proxies / WALLBOARD_TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/8", p)
			continue
		}
		s.TrustedProxies = append(s.TrustedProxies, prefix)
	}
	if s.ConfigFile != "" {
		f, err := config.Load(s.ConfigFile)
		if err != nil {
			e.fail("-config / WALLBOARD_CONFIG: %w", err)
		} else {
			s.File = f
			if s.PublicURL == "" {
				s.PublicURL = f.PublicURL
			}
		}
	}
	if s.PublicURL != "" {
		if u, err := url.Parse(s.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.fail("-public-url / WALLBOARD_PUBLIC_URL: %q is not an http or https URL such as https://board.example.com", s.PublicURL)
		}
	}
	if s.ConfigPoll < 0 {
		e.fail("-config-poll / WALLBOARD_CONFIG_POLL: %s is negative", s.ConfigPoll)
	}
	if err := checkIngress(*s); err != nil {
		e.fail("%w", err)
	}
}

// checkIngress fails when no event can arrive: no secret, integration or
// queue, and no demo. A reload is held to it as the start is.
func checkIngress(s settings) error {
	if len(s.Secrets) == 0 && len(s.SQSQueueURLs) == 0 && !s.Demo && (s.File == nil || len(s.File.Integrations) == 0) {
		return errors.New("no webhook secret: set -webhook-secret or WALLBOARD_WEBHOOK_SECRET (or WALLBOARD_WEBHOOK_SECRET_FILE) to the secret of your Wildix webhook integration, list integrations in the -config file, configure an SQS queue (WALLBOARD_SQS_QUEUE_URL), or run with -demo")
	}
	return nil
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

// envReader reads defaults from environment variables, remembering every
// malformed value so that the error names the variable.
type envReader struct {
	getenv func(string) string
	errs   []error
}

func (e *envReader) fail(format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf(format, args...))
}

func (e *envReader) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// secret is a secret setting: value when given (by a flag or the variable
// name), else the contents of the file named by name_FILE, trimmed, so
// that secrets need not be in the environment.
func (e *envReader) secret(name, value string) string {
	if value != "" {
		return value
	}
	file := e.getenv(name + "_FILE")
	if file == "" {
		return ""
	}
	b, err := os.ReadFile(file)
	if err != nil {
		e.fail("%s_FILE: %w", name, err)
		return ""
	}
	return strings.TrimSpace(string(b))
}

// token is a bearer token setting (name or name_FILE): empty, or at least
// minTokenLength characters.
func (e *envReader) token(name string) string {
	t := e.secret(name, e.getenv(name))
	if t != "" && len(t) < minTokenLength {
		e.fail("%s: shorter than %d characters; use a long random string such as the output of \"openssl rand -hex 32\"", name, minTokenLength)
	}
	return t
}

func (e *envReader) bool(name string, def bool) bool {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail("%s: %q is not true or false", name, v)
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
		e.fail("%s: %q is not a whole number", name, v)
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
		e.fail("%s: %q is not a number", name, v)
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
		e.fail("%s: %q is not a duration such as 90s or 15m", name, v)
		return def
	}
	return d
}
