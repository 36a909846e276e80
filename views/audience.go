package views

import (
	"context"

	"net/url"
	"strings"
)

// Views an Audience can watch.
const (
	ViewBoard = "board" // the supervisors' wall board
	ViewAgent = "agent" // the agents' colleague list
)

// Audience is everything that decides what one group of browsers is shown.
// Browsers with equal Audiences receive identical bytes, so the server
// renders each change once per Audience, not once per browser.
type Audience struct {
	View    string // ViewBoard or ViewAgent
	Company string // one tenant; "" means every company
	Masked  bool   // replace remote parties' numbers by a masked form
	Lang    string // a code of Languages; "" means the first (English)
}

// Key is a stable name for the Audience, usable as a hub topic, e.g.
// "board|it_5fw118741|masked|de". Distinct Audiences have distinct Keys; the
// company is encoded as in the DOM ids, "*" stands for every company, and an
// empty Lang is written as English.
func (a Audience) Key() string {
	var b strings.Builder
	b.Grow(len(a.View) + 3*len(a.Company) + len("|*|masked|") + 8)
	b.WriteString(a.View)
	b.WriteByte('|')
	if a.Company == "" {
		b.WriteByte('*')
	} else {
		encodeIDPart(&b, a.Company)
	}
	if a.Masked {
		b.WriteString("|masked")
	} else {
		b.WriteString("|clear")
	}
	b.WriteByte('|')
	b.WriteString(a.lang())
	return b.String()
}

// context returns ctx carrying what the components need to know of the
// audience besides their models.
func (a Audience) context(ctx context.Context) context.Context {
	return WithLanguage(ctx, a.lang())
}

// lang is the Audience's language, English when not one of Languages.
func (a Audience) lang() string {
	if printers[a.Lang] != nil {
		return a.Lang
	}
	return Languages[0]
}

// printer writes the Audience's language.
func (a Audience) printer() speaker { return speaker(a.lang()) }

// shows reports whether the Audience may see an entity of company.
func (a Audience) shows(company string) bool {
	return a.Company == "" || a.Company == company
}

// SocketURL is the WebSocket path a page of view connects to: "/ws" with the
// page's own query (rawQuery, as in url.URL.RawQuery) and view set. The
// server, not the query, decides the audience; the query only carries what
// the page was opened with (filters, a display token).
func SocketURL(view, rawQuery string) string {
	// ParseQuery returns what did parse along with the first error; the
	// socket needs only view, so a malformed pair is simply dropped.
	q, _ := url.ParseQuery(rawQuery)
	q.Set("view", view)
	return "/ws?" + q.Encode()
}
