// Package sqsingress receives Wildix integration events from Amazon SQS, the
// transport for installations that cannot expose an HTTPS endpoint.
//
// A [Consumer] long-polls one queue, verifies each message's X-SIGNATURE
// attribute (hex HMAC-SHA256 of the message body) and hands the body to a
// [Handler], which stores it durably. A message is deleted from the queue
// only once the handler has stored it, or once it is known that it can
// never succeed; a message that failed for a reason that may pass is left in
// the queue, and SQS delivers it again when its visibility timeout expires.
//
// Standard SQS queues deliver at least once and in no particular order, so a
// handler sees the same body more than once; collapsing duplicates is the
// handler's job (the event log's), not the consumer's.
//
// The package logs through the injected *slog.Logger only, and exports its
// counters as a [Stats] snapshot rather than depending on a metrics library.
package sqsingress
