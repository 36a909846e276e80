package eventlog

import "github.com/nats-io/nats.go/jetstream"

// JetStream exposes the log's JetStream context, for tests that damage
// what the log stores.
func (l *Log) JetStream() jetstream.JetStream { return l.js }
