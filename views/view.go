package views

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/a-h/templ"

	"github.com/wallboard/wallboard/board"
)

// View is one audience's whole view of the board at one board seq: the
// masked view model, and the containers rendered from it once. The page
// (BoardPage, AgentPage), the WebSocket's first frame (Frames) and the JSON
// API are all made from one View, so they cannot disagree, and masking
// happens once, when the model is built. A View is immutable once built and
// safe for concurrent use.
type View struct {
	Audience Audience
	Seq      uint64 // the board seq the view reflects
	Board    Board  // the model, for ViewBoard
	Agent    Agent  // the model, for ViewAgent

	parts []part // the containers of the first frame, in order

	framesOnce sync.Once
	frames     [][]byte
	framesMax  int
}

// part is one rendered container (#tiles, #calls, …): its opening tag, its
// items and its closing tag. ends[i] is where item i ends in body.
type part struct {
	id          string
	open, close []byte
	body        []byte
	ends        []int
}

func (p *part) size() int { return len(p.open) + len(p.body) + len(p.close) }

// item returns item i's bytes.
func (p *part) item(i int) []byte {
	start := 0
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.body[start:p.ends[i]]
}

// NewView builds aud's view of snap and renders its containers. It reads no
// clock and does no I/O; callers build it outside any lock the board's
// writer needs.
func NewView(snap board.Snapshot, aud Audience) (*View, error) {
	v := &View{Audience: aud, Seq: snap.Seq}
	ctx := aud.context(context.Background())
	var err error
	add := func(id string, empty templ.Component, items []templ.Component) {
		if err != nil {
			return
		}
		var p *part
		if p, err = renderPart(ctx, id, empty, items); err == nil {
			v.parts = append(v.parts, *p)
		}
	}
	switch aud.View {
	case ViewAgent:
		v.Agent = NewAgent(snap, aud)
		add("people", people(nil), each(v.Agent.People, person))
	default:
		v.Board = NewBoard(snap, aud)
		b := &v.Board
		add("tiles", tiles(nil), each(b.Tiles, tile))
		add("calls", calls(nil), each(b.Calls, callRow))
		add("queues", queues(nil), each(b.Queues, queueRow))
		add("conferences", conferences(nil), each(b.Conferences, conferenceRow))
		add("agents", agents(nil), each(b.Agents, agentRow))
	}
	if err != nil {
		return nil, err
	}
	v.Board.parts, v.Agent.parts = v.parts, v.parts
	return v, nil
}

func each[T any](rows []T, c func(T) templ.Component) []templ.Component {
	out := make([]templ.Component, len(rows))
	for i, r := range rows {
		out[i] = c(r)
	}
	return out
}

// renderPart renders the container empty, to learn its opening and closing
// tags (the closing tag is the last "</" of an empty container), then its
// items one by one.
func renderPart(ctx context.Context, id string, empty templ.Component, items []templ.Component) (*part, error) {
	var buf bytes.Buffer
	if err := empty.Render(ctx, &buf); err != nil {
		return nil, fmt.Errorf("render #%s: %w", id, err)
	}
	shell := buf.Bytes()
	i := bytes.LastIndex(shell, []byte("</"))
	if i < 0 {
		return nil, fmt.Errorf("render #%s: the container has no closing tag", id)
	}
	p := &part{id: id, open: bytes.Clone(shell[:i]), close: bytes.Clone(shell[i:]), ends: make([]int, len(items))}
	buf.Reset()
	for j, it := range items {
		if err := it.Render(ctx, &buf); err != nil {
			return nil, fmt.Errorf("render #%s: %w", id, err)
		}
		p.ends[j] = buf.Len()
	}
	p.body = buf.Bytes()
	return p, nil
}

// Frames is the first WebSocket frame of the view, split into frames of at
// most max bytes where it is larger (a single item larger than max has a
// frame of its own). The first frame carries every container, replacing the
// page's own; when a container does not fit, it carries the items that do,
// and the next frames carry the rest as ordinary elements, which the client
// inserts by data-parent and data-sort. Frames are rendered once per View
// (the first call's max is kept) and shared: callers must not modify them.
func (v *View) Frames(max int) [][]byte {
	v.framesOnce.Do(func() {
		v.framesMax = max
		v.frames = pageParts(v.parts, max)
	})
	return v.frames
}

func pageParts(parts []part, max int) [][]byte {
	total := 0
	for i := range parts {
		total += parts[i].size()
	}
	if total <= max {
		frame := make([]byte, 0, total)
		for i := range parts {
			p := &parts[i]
			frame = append(append(append(frame, p.open...), p.body...), p.close...)
		}
		return [][]byte{frame}
	}
	var frames [][]byte
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			frames = append(frames, cur)
			cur = nil
		}
	}
	for i := range parts {
		p := &parts[i]
		if len(cur)+p.size() <= max {
			cur = append(append(append(cur, p.open...), p.body...), p.close...)
			continue
		}
		// The container with the items that fit, then the others alone.
		if len(cur)+len(p.open)+len(p.close) > max {
			flush()
		}
		cur = append(cur, p.open...)
		j := 0
		for ; j < len(p.ends) && len(cur)+len(p.item(j))+len(p.close) <= max; j++ {
			cur = append(cur, p.item(j)...)
		}
		cur = append(cur, p.close...)
		for ; j < len(p.ends); j++ {
			it := p.item(j)
			if len(cur)+len(it) > max {
				flush()
			}
			cur = append(cur, it...)
		}
	}
	flush()
	return frames
}

// cached is the container id as rendered in parts, or fallback when parts
// do not have it (a model built without a View).
func cached(parts []part, id string, fallback templ.Component) templ.Component {
	for i := range parts {
		if p := &parts[i]; p.id == id {
			return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
				for _, b := range [][]byte{p.open, p.body, p.close} {
					if _, err := w.Write(b); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	return fallback
}
