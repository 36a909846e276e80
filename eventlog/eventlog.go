// Package eventlog is the wallboard's durable, ordered, deduplicating event
// log, stored in a NATS JetStream stream.
//
// The ingress appends every verified webhook body and answers the PBX only
// after [Log.Append] has returned, that is after JetStream acknowledged storage.
// Every node then reads the whole log in order with [Log.Consume] and applies
// it to its in-memory board. A node restarts from the latest shared snapshot
// ([Log.LoadSnapshot]) and replays the entries after it.
//
// The log runs in one of two modes:
//
//   - embedded (Options.URL empty): a nats-server runs inside the process with
//     JetStream file storage under Options.Dir and no network listener;
//   - external (Options.URL set): the log connects to an existing NATS server or
//     cluster and keeps reconnecting for as long as it is open.
//
// Deduplication is JetStream's: an append whose message ID was already stored
// within Options.DuplicateWindow is acknowledged as a duplicate of the stored
// entry instead of being stored again. The window is kept by the server, so it
// is shared by every node and survives restarts.
package eventlog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Defaults applied by [Open] to zero [Options] fields.
const (
	DefaultStream          = "WALLBOARD"
	DefaultSubject         = "wallboard.events"
	DefaultDuplicateWindow = 15 * time.Minute
	DefaultMaxAge          = 7 * 24 * time.Hour
	DefaultArchiveEvery    = time.Hour
	DefaultReplicas        = 1
)

// embeddedStartTimeout bounds how long [Open] waits for the embedded server
// to accept in-process connections (including JetStream recovering its files).
const embeddedStartTimeout = 30 * time.Second

// Options configure [Open]. The zero value of every field but Dir (embedded
// mode) or URL (external mode) selects a documented default.
type Options struct {
	// Dir is where the embedded server keeps its JetStream files. Required in
	// embedded mode (URL empty), ignored in external mode.
	Dir string

	// URL selects external mode: one NATS URL, or several separated by commas
	// (the members of a cluster). Empty selects embedded mode.
	URL string

	// Credentials is an optional NATS .creds file (external mode).
	Credentials string
	// TLSCA is an optional PEM file of CAs that verify the server (external mode).
	TLSCA string
	// TLSCert and TLSKey are an optional PEM client certificate and its key
	// (external mode); set both or neither.
	TLSCert, TLSKey string

	// Stream is the JetStream stream name. Default [DefaultStream]. Snapshots
	// live in the object store bucket Stream+"_SNAPSHOTS".
	Stream string
	// Subject is the one subject the stream stores. Default [DefaultSubject].
	Subject string

	// DuplicateWindow is how long an appended message ID is remembered for
	// deduplication. Default [DefaultDuplicateWindow]; must not exceed MaxAge.
	DuplicateWindow time.Duration

	// Replicas is the number of copies of the stream and of the snapshots kept
	// by an external cluster. Default [DefaultReplicas]; use 3 on a three-node
	// cluster so that losing one node loses neither data nor availability.
	// Embedded mode supports only 1.
	Replicas int

	// MaxAge is how long entries are kept. Default [DefaultMaxAge]. State older
	// than this survives only through snapshots, so nodes must save snapshots
	// more often than MaxAge.
	MaxAge time.Duration

	// ArchiveEvery is how often a snapshot is kept for replay besides the
	// latest (see [Log.Archives]): rebuilding the board at any moment
	// replays at most this much of the log. Archives are deleted with the
	// entries after them, after MaxAge. Default [DefaultArchiveEvery];
	// negative keeps none.
	ArchiveEvery time.Duration

	// SyncInterval is how often the embedded server fsyncs its files; zero
	// keeps the JetStream default (2 minutes). An acknowledged append is in
	// the operating system's page cache: it survives a crash of this process,
	// but a power loss may lose the last SyncInterval of appends unless
	// SyncAlways is set.
	SyncInterval time.Duration
	// SyncAlways makes the embedded server fsync every append before
	// acknowledging it: slower appends, no loss even on power failure.
	SyncAlways bool

	// Logger receives connection events and the embedded server's warnings.
	// Nil discards them.
	Logger *slog.Logger
}

// Message is what [Log.Append] stores.
type Message struct {
	// ID is the deduplication key (sent as the Nats-Msg-Id header), for
	// example the hex SHA-256 of Body. Required.
	ID string
	// Body is stored as is.
	Body []byte
	// Header holds optional metadata stored with Body. Names starting with
	// "Nats-" are reserved for the server and rejected.
	Header map[string]string
}

// Entry is one stored message as [Log.Consume] delivers it.
type Entry struct {
	// Seq is the entry's position in the log: 1 for the first entry, then
	// strictly increasing by one.
	Seq uint64
	// ID is the Message.ID the entry was appended with.
	ID string
	// Body is the stored body.
	Body []byte
	// Header is the Message.Header the entry was appended with, or nil.
	Header map[string]string
	// Time is when the server stored the entry (for an entry an embedded
	// log hands over from its writer, when the write was on disk, a
	// millisecond or so later).
	Time time.Time
}

// Stats is what a metrics collector cannot observe from outside the log.
type Stats struct {
	// Embedded reports whether the log runs its own in-process server.
	Embedded bool
	// Connected reports whether the connection to the server is up now.
	Connected bool
	// Disconnects counts lost connections since [Open].
	Disconnects uint64
	// Reconnects counts successful reconnections since [Open].
	Reconnects uint64
	// Lost lists the entries Open found missing from the log (damaged or
	// truncated files); they are also logged as an error.
	Lost []Range
	// Syncs counts the flushes to disk of an embedded log with SyncAlways,
	// one per group of concurrent appends; SyncTime is their total time.
	Syncs    uint64
	SyncTime time.Duration
}

// ErrGap is returned (wrapped) by [Log.Consume] when the log no longer holds
// an entry it has to deliver, because the entry outlived MaxAge or was
// deleted. Resuming past the gap would silently lose state; the caller
// decides, typically by loading a newer snapshot.
var ErrGap = errors.New("eventlog: entries missing from the log")

// GapError is the error [Log.Consume] returns for a gap: the entry it
// wanted and the one the log continues at. It matches [ErrGap].
type GapError struct {
	Want, Next uint64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("%v: want seq %d, log continues at %d", ErrGap, e.Want, e.Next)
}

// Is makes errors.Is(err, ErrGap) true.
func (e *GapError) Is(target error) bool { return target == ErrGap }

// ErrBeyondEnd is returned (wrapped) by [Log.Consume] when asked to start
// after a seq the log has not reached.
var ErrBeyondEnd = errors.New("eventlog: position beyond the end of the log")

// Log is an open event log. Its methods are safe for concurrent use.
type Log struct {
	opts     Options
	log      *slog.Logger
	emb      *embedded // nil in external mode
	nc       *nats.Conn
	js       jetstream.JetStream
	snaps    jetstream.ObjectStore
	closed   chan struct{} // closed by the connection's ClosedHandler
	closeOne sync.Once

	// The writer (append.go): Append queues, one goroutine writes.
	queue      chan *appendReq
	stop       chan struct{} // closed by Close: the writer and recovery end
	writerDone chan struct{} // closed when the writer has ended
	bg         sync.WaitGroup

	// groupSync: an embedded log with SyncAlways that flushes each write
	// itself. durable is the highest seq known to be on disk; Consume
	// delivers nothing beyond it.
	groupSync   bool
	durMu       sync.Mutex
	durable     uint64
	durMoved    chan struct{}
	syncs       atomic.Uint64
	syncSeconds atomic.Uint64 // nanoseconds, summed

	// The storage fault of an embedded log (storage.go), nil when none.
	faultMu sync.Mutex
	fault   *StorageError

	// mark records the highest seq stored (embedded mode); lost is what
	// Open found missing.
	mark *mark
	// tail flushes what each write added (groupSync; the writer's own).
	tail *tail
	// feed hands this process's appends to Consume (embedded mode);
	// feedCheck is how often a consumer waiting on it asks the server.
	feed      *feed
	feedCheck time.Duration
	lost      []Range

	disconnects atomic.Uint64

	// The newest archived snapshot (replay.go), read once from the bucket.
	archMu     sync.Mutex
	archLoaded bool
	archLast   Archive
}

// Open starts (embedded mode) or connects to (external mode) the NATS
// server, then creates the stream and the snapshot bucket, or updates their
// configuration to match opts. It fails if the server cannot be reached now;
// once open, the log reconnects by itself. Close the log when done.
func Open(ctx context.Context, opts Options) (*Log, error) {
	opts, err := withDefaults(opts)
	if err != nil {
		return nil, err
	}
	l := &Log{
		opts:       opts,
		log:        opts.Logger,
		closed:     make(chan struct{}),
		queue:      make(chan *appendReq, queueLen),
		stop:       make(chan struct{}),
		writerDone: make(chan struct{}),
		durMoved:   make(chan struct{}),
		groupSync:  opts.URL == "" && opts.SyncAlways && canSyncDir,
	}

	connOpts := []nats.Option{
		nats.Name("wallboard"),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if nc.IsClosed() {
				return // Close, not a lost connection
			}
			l.disconnects.Add(1)
			l.log.Warn("NATS connection lost", "error", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			l.log.Info("NATS connection restored", "url", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			l.log.Error("NATS asynchronous error", "subject", subject, "error", err)
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(l.closed) }),
	}

	url := opts.URL
	if opts.URL == "" {
		srv, err := startEmbedded(l.serverOptions())
		if err != nil {
			return nil, err
		}
		l.emb = &embedded{srv: srv}
		if l.mark, err = openMark(opts.Dir); err != nil {
			l.stopServer()
			return nil, err
		}
		l.tail = newTail(opts.Dir, opts.Stream, l.mark)
		l.feed, l.feedCheck = newFeed(), feedCheck
		// After a storage fault the server is restarted in-process: the
		// connection reaches the new one through l.emb, promptly.
		connOpts = append(connOpts, nats.InProcessServer(l.emb),
			nats.ReconnectWait(20*time.Millisecond), nats.ReconnectJitter(10*time.Millisecond, 0))
	} else {
		if opts.Credentials != "" {
			connOpts = append(connOpts, nats.UserCredentials(opts.Credentials))
		}
		if opts.TLSCA != "" {
			connOpts = append(connOpts, nats.RootCAs(opts.TLSCA))
		}
		if opts.TLSCert != "" {
			connOpts = append(connOpts, nats.ClientCert(opts.TLSCert, opts.TLSKey))
		}
	}

	l.nc, err = nats.Connect(url, connOpts...)
	if err != nil {
		l.stopServer()
		return nil, fmt.Errorf("eventlog: connect to NATS %s: %w", l.where(), err)
	}
	if err := l.setup(ctx); err != nil {
		l.Close()
		return nil, err
	}
	l.bg.Go(l.writeLoop)
	return l, nil
}

func withDefaults(o Options) (Options, error) {
	if o.URL == "" && o.Dir == "" {
		return o, errors.New("eventlog: Options.Dir is required in embedded mode (no URL)")
	}
	if o.URL == "" && o.Replicas > 1 {
		return o, fmt.Errorf("eventlog: Options.Replicas %d needs an external cluster (URL); embedded mode keeps 1 copy", o.Replicas)
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return o, errors.New("eventlog: Options.TLSCert and Options.TLSKey must be set together")
	}
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.Subject == "" {
		o.Subject = DefaultSubject
	}
	if o.DuplicateWindow == 0 {
		o.DuplicateWindow = DefaultDuplicateWindow
	}
	if o.ArchiveEvery == 0 {
		o.ArchiveEvery = DefaultArchiveEvery
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Replicas == 0 {
		o.Replicas = DefaultReplicas
	}
	if o.DuplicateWindow < 0 || o.MaxAge < 0 || o.Replicas < 0 || o.SyncInterval < 0 {
		return o, errors.New("eventlog: Options durations and Replicas must not be negative")
	}
	if o.DuplicateWindow > o.MaxAge {
		return o, fmt.Errorf("eventlog: Options.DuplicateWindow %v exceeds MaxAge %v", o.DuplicateWindow, o.MaxAge)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// serverOptions are the options the embedded server runs with: a log that
// flushes each write itself needs no fsync per message from the server.
func (l *Log) serverOptions() Options {
	o := l.opts
	if l.groupSync {
		o.SyncAlways = false
	}
	return o
}

func startEmbedded(o Options) (*server.Server, error) {
	srv, err := server.NewServer(&server.Options{
		ServerName:   "wallboard-embedded",
		JetStream:    true,
		StoreDir:     o.Dir,
		SyncInterval: o.SyncInterval,
		SyncAlways:   o.SyncAlways,
		DontListen:   true,
		NoSigs:       true,
	})
	if err != nil {
		return nil, fmt.Errorf("eventlog: configure embedded NATS server in %s: %w", o.Dir, err)
	}
	srv.SetLoggerV2(serverLogger{o.Logger.With("component", "nats-server")}, false, false, false)
	srv.Start()
	if !srv.ReadyForConnections(embeddedStartTimeout) || !srv.JetStreamEnabled() {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("eventlog: embedded NATS server with JetStream in %s did not start within %v", o.Dir, embeddedStartTimeout)
	}
	return srv, nil
}

// setup creates or updates the stream and the snapshot bucket.
func (l *Log) setup(ctx context.Context) error {
	js, err := jetstream.New(l.nc, jetstream.WithPublishAsyncTimeout(writeTimeout))
	if err != nil {
		return fmt.Errorf("eventlog: JetStream context: %w", err)
	}
	l.js = js
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        l.opts.Stream,
		Description: "wallboard events, in arrival order",
		Subjects:    []string{l.opts.Subject},
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      l.opts.MaxAge,
		Duplicates:  l.opts.DuplicateWindow,
		Storage:     jetstream.FileStorage,
		Replicas:    l.opts.Replicas,
	})
	if err != nil {
		return fmt.Errorf("eventlog: create or update stream %s on %s: %w", l.opts.Stream, l.where(), err)
	}
	lost, err := l.checkIntegrity(ctx, stream)
	if err != nil {
		return err
	}
	l.lost = lost
	if l.groupSync {
		// What the files hold now (also what a crashed process left in
		// the page cache) is on disk from here on.
		if err := syncDir(l.opts.Dir); err != nil {
			return fmt.Errorf("eventlog: %w", err)
		}
		l.markDurable(stream.CachedInfo().State.LastSeq)
	}
	if l.feed != nil {
		// What the log held before is read from the server.
		l.feed.stored(stream.CachedInfo().State.LastSeq)
	}
	l.snaps, err = l.createSnapshotBucket(ctx)
	return err
}

// createSnapshotBucket creates the snapshot bucket or updates its
// configuration. The handle it returns names the bucket: one made before
// the bucket was deleted and created again keeps working.
func (l *Log) createSnapshotBucket(ctx context.Context) (jetstream.ObjectStore, error) {
	snaps, err := l.js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket:      l.snapshotBucket(),
		Description: "wallboard snapshots: the latest, and those kept for replay",
		Storage:     jetstream.FileStorage,
		Replicas:    l.opts.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("eventlog: create or update snapshot bucket %s on %s: %w", l.snapshotBucket(), l.where(), err)
	}
	return snaps, nil
}

func (l *Log) snapshotBucket() string { return l.opts.Stream + "_SNAPSHOTS" }

// where names the server for error messages.
func (l *Log) where() string {
	if l.opts.URL == "" {
		return "embedded server in " + l.opts.Dir
	}
	return RedactURLs(l.opts.URL)
}

// LastSeq returns the sequence number of the newest entry, 0 for an empty
// log. A consumer whose last delivered seq equals it is caught up.
func (l *Log) LastSeq(ctx context.Context) (uint64, error) {
	s, err := l.js.Stream(ctx, l.opts.Stream)
	if err != nil {
		return 0, fmt.Errorf("eventlog: stream %s info: %w", l.opts.Stream, err)
	}
	return s.CachedInfo().State.LastSeq, nil
}

// Ready returns nil when an append made now can succeed: the connection is
// up and the stream answers (in a cluster: it has a leader). It is meant for
// a readiness probe. Give ctx a short deadline: a check in flight when the
// connection drops ends only when ctx does.
func (l *Log) Ready(ctx context.Context) error {
	if err := l.checkStorage(); err != nil {
		return fmt.Errorf("eventlog: not ready: %w", err)
	}
	if st := l.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("eventlog: not ready: NATS connection is %s", st)
	}
	if _, err := l.js.Stream(ctx, l.opts.Stream); err != nil {
		return fmt.Errorf("eventlog: not ready: stream %s: %w", l.opts.Stream, err)
	}
	return nil
}

// Stats returns a snapshot of the connection's health counters.
func (l *Log) Stats() Stats {
	return Stats{
		Embedded:    l.emb != nil,
		Connected:   l.nc.IsConnected(),
		Disconnects: l.disconnects.Load(),
		Reconnects:  l.nc.Stats().Reconnects,
		Lost:        l.lost,
		Syncs:       l.syncs.Load(),
		SyncTime:    time.Duration(l.syncSeconds.Load()),
	}
}

// Close drains the connection (pending acknowledgements are awaited, running
// Consume calls end with an error) and shuts the embedded server down. Stop
// Consume calls through their context first for a clean stop. Close is
// idempotent and always returns nil: problems while draining are logged,
// as nothing can be done about them.
func (l *Log) Close() error {
	l.closeOne.Do(func() {
		close(l.stop)
		l.bg.Wait() // the writer finishes the write in flight
		if err := l.nc.Drain(); err != nil {
			// Drain refuses a connection that is reconnecting; close it outright.
			l.nc.Close()
		}
		<-l.closed
		l.stopServer()
		l.mark.close()
		if l.tail != nil {
			l.tail.close()
		}
	})
	return nil
}

func (l *Log) stopServer() {
	if l.emb == nil {
		return
	}
	if srv := l.emb.get(); srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// isReserved reports whether a header name belongs to the server.
func isReserved(header string) bool {
	return len(header) >= 5 && strings.EqualFold(header[:5], "nats-")
}

// RedactURLs strips the user information (passwords, tokens) from
// comma-separated NATS URLs, for logs and printed configuration.
func RedactURLs(urls string) string {
	parts := strings.Split(urls, ",")
	for i, u := range parts {
		u = strings.TrimSpace(u)
		if at := strings.LastIndex(u, "@"); at >= 0 {
			if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
				u = u[:scheme+3] + "REDACTED" + u[at:]
			}
		}
		parts[i] = u
	}
	return strings.Join(parts, ",")
}
