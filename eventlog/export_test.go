package eventlog

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// JetStream exposes the log's JetStream context, for tests that damage
// what the log stores.
func (l *Log) JetStream() jetstream.JetStream { return l.js }

// SetFeedCheck sets how long a consumer waits on the feed before asking the
// server; call it before Consume.
func (l *Log) SetFeedCheck(d time.Duration) { l.feedCheck = d }
