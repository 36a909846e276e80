// Command pbxsim simulates a Wildix PBX: it POSTs realistic, signed
// webhook events (presence, calls in both formats, conferences, analytics)
// for a company of N users to a URL. With -fast it sends as fast as the
// receiver accepts and serves as a load generator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wallboard/wallboard/wildix/pbxsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pbxsim:", err)
		os.Exit(1)
	}
}

// replyTimeout bounds one POST, as the PBX does: Wildix documents a 5 s
// reply timeout for webhooks.
const replyTimeout = 5 * time.Second

const usage = `Usage: pbxsim -url URL -secret SECRET [flags]

pbxsim simulates a Wildix PBX company and POSTs its integration events to a
webhook URL, signed with the x-signature header (HMAC-SHA256 of the body),
exactly as a Wildix webhook integration would: presence, calls in the
legacy and the live format, queues, transfers, conferences, analytics, and
the odd retry or unknown event type.

By default events are paced in real time (Rate new calls per second). With
-fast pacing is off and -concurrency senders POST as fast as the receiver
answers: pbxsim is then a load generator; -users and -rate shape the load.

It stops after -count events or -duration, or on Ctrl-C, and prints how
many events were sent and failed.

Every flag can also be set with an environment variable, PBXSIM_ and the
flag name in capitals (e.g. PBXSIM_SECRET); a flag beats its variable.

Flags:
`

// config is the parsed command line.
type config struct {
	url         string
	secret      string
	opts        pbxsim.Options
	duration    time.Duration
	count       int64
	fast        bool
	concurrency int
}

// parse reads flags, then the PBXSIM_* variable of every flag not given.
func parse(args []string, getenv func(string) string, stdout io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("pbxsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.url, "url", "", "webhook `URL`, e.g. http://127.0.0.1:8080/webhooks/wildix (required)")
	fs.StringVar(&c.secret, "secret", "", "integration `secret` that signs every body (required)")
	fs.StringVar(&c.opts.Company, "company", pbxsim.DefaultCompany, "Wildix company `id`")
	fs.StringVar(&c.opts.IntegrationID, "integration", pbxsim.DefaultIntegrationID, "integration `id` of every event")
	fs.IntVar(&c.opts.Users, "users", pbxsim.DefaultUsers, "users in the simulated company")
	fs.Float64Var(&c.opts.Rate, "rate", pbxsim.DefaultRate, "new calls per second across the company")
	fs.Int64Var(&c.opts.Seed, "seed", 1, "random seed: the same seed replays the same traffic")
	fs.DurationVar(&c.duration, "duration", 0, "stop after this long (0 = run until interrupted)")
	fs.Int64Var(&c.count, "count", 0, "stop after this many events (0 = no limit)")
	fs.BoolVar(&c.fast, "fast", false, "no pacing: send as fast as possible (load generator)")
	fs.IntVar(&c.concurrency, "concurrency", 8, "parallel senders with -fast")
	fs.Usage = func() {
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "PBXSIM_" + strings.ToUpper(f.Name)
		if v := getenv(name); v != "" && !given[f.Name] && err == nil {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	if err != nil {
		return c, err
	}
	return c, c.validate()
}

// validate reports the first unusable setting.
func (c config) validate() error {
	u, err := url.Parse(c.url)
	switch {
	case c.url == "":
		return errors.New("-url (PBXSIM_URL) is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("-url %q: want an http or https URL", c.url)
	case c.secret == "":
		return errors.New("-secret (PBXSIM_SECRET) is required: the receiver rejects unsigned events")
	case c.opts.Users < 2:
		return fmt.Errorf("-users %d: want at least 2", c.opts.Users)
	case c.opts.Rate <= 0:
		return fmt.Errorf("-rate %g: want more than 0", c.opts.Rate)
	case c.duration < 0:
		return fmt.Errorf("-duration %s: want 0 or more", c.duration)
	case c.count < 0:
		return fmt.Errorf("-count %d: want 0 or more", c.count)
	case c.concurrency < 1:
		return fmt.Errorf("-concurrency %d: want at least 1", c.concurrency)
	}
	return nil
}

// run is the whole command; main only adds the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	c, err := parse(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.duration)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	client := &http.Client{Timeout: replyTimeout}
	t := tally{post: pbxsim.Poster(client, c.url, []byte(c.secret))}
	sim := pbxsim.New(c.opts)
	began := time.Now()
	if c.fast {
		sendFast(ctx, sim, &t, c.count, c.concurrency)
	} else {
		// Run only fails when send does, and tally.send never does.
		_ = sim.Run(ctx, func(ctx context.Context, body []byte) error {
			t.send(ctx, body)
			if c.count > 0 && t.sent.Load()+t.failed.Load() >= c.count {
				cancel()
			}
			return nil
		})
	}
	return t.report(stdout, time.Since(began))
}

// sendFast sends Initial and Next bodies without pacing from concurrency
// goroutines until count bodies (if count > 0) or ctx is done.
func sendFast(ctx context.Context, sim *pbxsim.Sim, t *tally, count int64, concurrency int) {
	bodies := make(chan []byte, concurrency)
	go func() {
		defer close(bodies)
		initial := sim.Initial()
		for n := int64(0); count == 0 || n < count; n++ {
			var body []byte
			if n < int64(len(initial)) {
				body = initial[n]
			} else {
				_, body = sim.Next()
			}
			select {
			case bodies <- body:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for body := range bodies {
				t.send(ctx, body)
			}
		})
	}
	wg.Wait()
}

// tally sends bodies and counts the outcomes; it is safe for concurrent use.
type tally struct {
	post    func(ctx context.Context, body []byte) error
	sent    atomic.Int64
	failed  atomic.Int64
	lastErr atomic.Pointer[error]
}

// send posts one body. A failure caused by stopping (ctx done) is not
// counted: the event was abandoned, not refused.
func (t *tally) send(ctx context.Context, body []byte) {
	switch err := t.post(ctx, body); {
	case err == nil:
		t.sent.Add(1)
	case ctx.Err() == nil:
		t.failed.Add(1)
		t.lastErr.Store(&err)
	}
}

// report prints the summary and returns an error if any event failed.
func (t *tally) report(w io.Writer, elapsed time.Duration) error {
	sent, failed := t.sent.Load(), t.failed.Load()
	rate := float64(sent) / max(elapsed.Seconds(), 1e-9)
	if _, err := fmt.Fprintf(w, "sent %d, failed %d in %s (%.1f events/s)\n", sent, failed, elapsed.Round(time.Millisecond), rate); err != nil {
		return fmt.Errorf("print summary: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d events failed; last: %w", failed, sent+failed, *t.lastErr.Load())
	}
	return nil
}
