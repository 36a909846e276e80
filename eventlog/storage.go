package eventlog

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Recovery from storage faults (embedded mode). When the disk is full or a
// write fails, JetStream marks the stream with the write error and stores
// nothing more in it (it answers no publish) until the stream is loaded
// again; when the server's storage limit, computed from the free space at
// start, is reached, it refuses every publish. Either lasts until the server
// restarts. So the log:
//
//   - notices: a write that fails or takes longer than healthAfter makes it
//     ask the server's health check, which reports a stream's write error;
//   - fails fast: from then on Append and Ready return an error matching
//     ErrStorage at once, so that webhooks get a prompt 503;
//   - recovers: every recoverEvery it writes and fsyncs a probe file of
//     probeSize in Dir; once that succeeds it restarts the embedded server
//     in-process on the same files. The connection reconnects to the new
//     server by itself and consumers resume where they were. What was
//     acknowledged was fsynced (SyncAlways) or written to the operating
//     system (SyncInterval) before its acknowledgement, so the restarted
//     server finds it; a write that failed was never acknowledged.
//     Entries it finds that nobody was answered for are delivered too: the
//     senders' retries are then duplicates.
const (
	recoverEvery = 500 * time.Millisecond
	probeSize    = 1 << 20
	probeName    = ".wallboard-space-probe"
	// restartReadyTimeout bounds the wait for the restarted server to
	// answer on the reconnected connection.
	restartReadyTimeout = 10 * time.Second
)

// ErrStorage is matched by the errors of [Log.Append] and [Log.Ready] while
// the embedded server cannot store (disk full, write error, storage limit
// reached). The log recovers by itself once the storage can write again.
var ErrStorage = errors.New("eventlog: storage cannot write")

// StorageError is the error for a storage fault: its cause and since when.
// It matches [ErrStorage].
type StorageError struct {
	Cause string
	Since time.Time
}

func (e *StorageError) Error() string {
	return fmt.Sprintf("%v since %s: %s", ErrStorage, e.Since.UTC().Format(time.RFC3339), e.Cause)
}

// Is makes errors.Is(err, ErrStorage) true.
func (e *StorageError) Is(target error) bool { return target == ErrStorage }

// embedded holds the in-process server, which recovery replaces. It is the
// connection's in-process dialer: a reconnection reaches the current server.
type embedded struct {
	mu  sync.Mutex
	srv *server.Server // nil while being replaced
}

func (e *embedded) get() *server.Server {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.srv
}

func (e *embedded) set(srv *server.Server) {
	e.mu.Lock()
	e.srv = srv
	e.mu.Unlock()
}

// InProcessConn implements nats.InProcessConnProvider.
func (e *embedded) InProcessConn() (net.Conn, error) {
	srv := e.get()
	if srv == nil || !srv.Running() {
		return nil, errors.New("embedded NATS server is restarting")
	}
	return srv.InProcessConn()
}

var _ nats.InProcessConnProvider = (*embedded)(nil)

// storageFault returns the current storage fault, nil when none.
func (l *Log) storageFault() error {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.fault == nil {
		return nil
	}
	return l.fault
}

// setStorageFault records a storage fault (the first cause is kept) and
// starts recovering from it.
func (l *Log) setStorageFault(cause error) {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.fault != nil {
		return
	}
	l.fault = &StorageError{Cause: cause.Error(), Since: time.Now()}
	l.log.Error("Event log cannot store; appends fail until the storage can write again",
		"dir", l.opts.Dir, "error", cause)
	l.bg.Go(l.recoverStorage)
}

// watchStorage makes a write that takes longer than healthAfter check the
// embedded server's storage every healthAfter, and cancel the write when
// the storage has failed. Call the returned function when the write ends.
func (l *Log) watchStorage(ctx context.Context, cancel context.CancelFunc) (stop func()) {
	if l.emb == nil {
		return func() {}
	}
	done := make(chan struct{})
	t := time.AfterFunc(healthAfter, func() {
		tick := time.NewTicker(healthAfter)
		defer tick.Stop()
		for {
			if l.checkStorage() != nil {
				cancel()
				return
			}
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		t.Stop()
		close(done)
	}
}

// checkStorage asks the embedded server whether its streams can write,
// records a fault if not, and returns the current fault.
func (l *Log) checkStorage() error {
	if l.emb == nil {
		return nil
	}
	if err := l.storageFault(); err != nil {
		return err
	}
	if err := l.serverHealth(); err != nil {
		l.setStorageFault(err)
	}
	return l.storageFault()
}

// serverHealth returns the embedded server's JetStream health problem, nil
// when healthy (including while it restarts: recovery judges that).
func (l *Log) serverHealth() error {
	srv := l.emb.get()
	if srv == nil {
		return nil
	}
	h := srv.Healthz(&server.HealthzOptions{Account: server.DEFAULT_GLOBAL_ACCOUNT})
	if h.Status == "ok" {
		return nil
	}
	if h.Error == "" {
		return fmt.Errorf("JetStream health: %s", h.Status)
	}
	return errors.New(h.Error)
}

// recoverStorage waits until Dir can store again, then restarts the
// embedded server, until that has worked or the log closes.
func (l *Log) recoverStorage() {
	t := time.NewTicker(recoverEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		if err := probe(l.opts.Dir); err != nil {
			l.log.Debug("Event log storage still cannot write", "error", err)
			continue
		}
		if err := l.restartEmbedded(); err != nil {
			l.log.Warn("Cannot restart the embedded NATS server; retrying", "error", err)
			continue
		}
		l.faultMu.Lock()
		since := l.fault.Since
		l.fault = nil
		l.faultMu.Unlock()
		l.log.Info("Event log storage recovered; appends resume", "down_for", time.Since(since).Round(time.Millisecond).String())
		return
	}
}

// probe writes, fsyncs and removes a file of probeSize in dir.
func probe(dir string) error {
	name := filepath.Join(dir, probeName)
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("probe storage: %w", err)
	}
	defer os.Remove(name)
	_, err = f.Write(make([]byte, probeSize))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("probe storage: %w", err)
	}
	return nil
}

// restartEmbedded replaces the embedded server by a new one on the same
// files and waits until the connection reaches it and it is healthy.
func (l *Log) restartEmbedded() error {
	if old := l.emb.get(); old != nil {
		l.emb.set(nil)
		old.Shutdown()
		old.WaitForShutdown()
	}
	srv, err := startEmbedded(l.serverOptions())
	if err != nil {
		return err
	}
	l.emb.set(srv)

	ctx, cancel := context.WithTimeout(context.Background(), restartReadyTimeout)
	defer cancel()
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for {
		err := l.serverHealth()
		if err == nil && l.nc.IsConnected() {
			var s jetstream.Stream
			if s, err = l.js.Stream(ctx, l.opts.Stream); err == nil {
				if l.groupSync {
					if err := syncDir(l.opts.Dir); err != nil {
						return err
					}
					l.markDurable(s.CachedInfo().State.LastSeq)
				}
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("restarted embedded NATS server not ready within %v: %w", restartReadyTimeout, err)
		case <-l.stop:
			return ErrClosed
		case <-poll.C:
		}
	}
}
