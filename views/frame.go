package views

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/a-h/templ"

	"github.com/wallboard/wallboard/board"
)

// The push protocol. A frame is an HTML fragment: a sequence of top-level
// elements, each with an id. The client replaces the element with that id,
// removes it when the frame's element carries data-remove, or inserts it
// into the container named by data-parent, at the place given by data-sort.

// Source looks up the current value of one entity. *board.Board satisfies
// it.
type Source interface {
	User(company, extension string) (board.User, bool)
	Call(company, id string) (board.Call, bool)
	Conference(company, id string) (board.Conference, bool)
	Queue(company, name string) (board.QueueStats, bool)
	QueueTotal(company string) (board.QueueStats, bool)
	Agent(company, extension string) (board.AgentStats, bool)
}

// Initial is the first frame on every connection, whole: the current view
// of snap for aud, as the containers that replace the page's own (#tiles,
// #calls, #queues, #conferences and #agents for the board view; #people for
// the agent view). The server sends View.Frames instead, which is the same
// bytes split to the hub's bound.
func Initial(snap board.Snapshot, aud Audience) ([]byte, error) {
	frames, err := NewView(snap, aud).Frames(int(^uint(0) >> 1))
	if err != nil {
		return nil, err
	}
	return frames[0], nil
}

// Push is one frame for a batch of changes: for each changed entity that
// aud shows, its element as the page renders it, or a removal when it no
// longer exists. An entity named twice in changes is rendered once, with
// its current value from src. Push returns nil when aud shows none of the
// changes; the caller then sends nothing.
//
// A day change renders nothing: the board reports every queue and agent it
// resets at the day's rollover as a queue or agent change.
func Push(src Source, changes []board.Change, aud Audience) ([]byte, error) {
	type key struct {
		kind          board.ChangeKind
		company, name string
	}
	seen := make(map[key]bool, len(changes))
	var parts []templ.Component
	for _, c := range changes {
		k := key{c.Kind, c.Company, c.Key}
		if seen[k] || !aud.shows(c.Company) {
			continue
		}
		seen[k] = true
		if p := element(src, c, aud); p != nil {
			parts = append(parts, p)
		}
		// A queue's change is its company's total's too, once per frame.
		total := key{board.ChangeQueue, c.Company, "\x00total"}
		if c.Kind == board.ChangeQueue && aud.View != ViewAgent && !seen[total] {
			seen[total] = true
			if q, ok := src.QueueTotal(c.Company); ok {
				parts = append(parts, queueTotal(newQueueTotalRow(q, aud)))
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return render(parts, aud)
}

// element renders one change for aud, or returns nil when aud does not
// display that kind of entity.
func element(src Source, c board.Change, aud Audience) templ.Component {
	if aud.View == ViewAgent {
		if c.Kind != board.ChangeUser {
			return nil
		}
		if u, ok := src.User(c.Company, c.Key); ok && !c.Removed {
			return person(newTile(u, nil, aud))
		}
		return removal(TileID(c.Company, c.Key))
	}
	switch c.Kind {
	case board.ChangeUser:
		if u, ok := src.User(c.Company, c.Key); ok && !c.Removed {
			return tile(newTile(u, src.Call, aud))
		}
		return removal(TileID(c.Company, c.Key))
	case board.ChangeCall:
		if call, ok := src.Call(c.Company, c.Key); ok && !c.Removed {
			return callRow(newCallRow(call, aud))
		}
		return removal(CallID(c.Company, c.Key))
	case board.ChangeConference:
		if conf, ok := src.Conference(c.Company, c.Key); ok && !c.Removed {
			return conferenceRow(newConferenceRow(conf, aud))
		}
		return removal(ConferenceID(c.Company, c.Key))
	case board.ChangeQueue:
		if q, ok := src.Queue(c.Company, c.Key); ok && !c.Removed {
			return queueRow(newQueueRow(q, aud))
		}
		return removal(QueueID(c.Company, c.Key))
	case board.ChangeAgent:
		if a, ok := src.Agent(c.Company, c.Key); ok && !c.Removed {
			var name string
			if u, ok := src.User(c.Company, c.Key); ok {
				name = displayName(u)
			}
			return agentRow(newAgentRow(a, name))
		}
		return removal(AgentID(c.Company, c.Key))
	default:
		return nil
	}
}

// Heartbeat is the frame the server sends while nothing changes, so that
// the client can tell a quiet board from a dead connection. The client
// treats it as a no-op element.
func Heartbeat(at time.Time) []byte {
	return []byte(`<template id="heartbeat" data-at="` + at.UTC().Format(time.RFC3339) + `"></template>`)
}

func render(parts []templ.Component, aud Audience) ([]byte, error) {
	var buf bytes.Buffer
	// Rendering into memory does no I/O; the context carries only the
	// audience's language.
	ctx := aud.context(context.Background())
	for _, p := range parts {
		if err := p.Render(ctx, &buf); err != nil {
			return nil, fmt.Errorf("render frame: %w", err)
		}
	}
	return buf.Bytes(), nil
}
