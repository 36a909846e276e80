package views

import "strings"

// DOM ids are derived here and nowhere else: the page and every push use the
// same functions, so a push always finds the element it replaces.
//
// An id is a fixed prefix followed by its encoded parts joined by "-". Each
// part keeps ASCII letters and digits; every other byte (including "-" and
// "_") becomes "_" and two lower-case hex digits. The result therefore only
// uses [A-Za-z0-9_-], always starts with a letter, is a valid HTML id and
// CSS identifier, and is injective: distinct inputs (or distinct tenants
// with the same key) never share an id.

// TileID is the id of a user's element: the tile on the board, the row in the
// agent view.
func TileID(company, extension string) string { return makeID("user", company, extension) }

// CallID is the id of an active call's row.
func CallID(company, id string) string { return makeID("call", company, id) }

// ConferenceID is the id of a live conference's row.
func ConferenceID(company, id string) string { return makeID("conf", company, id) }

// QueueID is the id of a queue's row.
func QueueID(company, name string) string { return makeID("queue", company, name) }

// QueueTotalID is the id of a company's all-queues row.
func QueueTotalID(company string) string { return makeID("queues", company) }

// AgentID is the id of an agent's row in today's figures.
func AgentID(company, extension string) string { return makeID("agent", company, extension) }

// ChartID is the id of a history chart's title, one per queue.
func ChartID(company, name string) string { return makeID("chart", company, name) }

func makeID(prefix string, parts ...string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, p := range parts {
		b.WriteByte('-')
		encodeIDPart(&b, p)
	}
	return b.String()
}

func encodeIDPart(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('_')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
}
