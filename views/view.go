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
// masked view model, and the containers rendered from it once, when first
// needed. The page (Page), the WebSocket's first frame (Frames) and the JSON
// API (the Board model) are all made from one View, so they cannot disagree,
// and masking happens once, when the model is built. A View is immutable once
// built and safe for concurrent use.
type View struct {
	Audience Audience
	Seq      uint64 // the board seq the view reflects
	Board    Board  // the model, for ViewBoard
	Agent    Agent  // the model, for ViewAgent

	renderOnce sync.Once
	parts      []part // the containers of the first frame, in order
	renderErr  error

	framesOnce sync.Once
	frames     [][]byte
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

// NewView builds aud's view of snap. It reads no clock and does no I/O;
// callers build it outside any lock the board's writer needs.
func NewView(snap board.Snapshot, aud Audience) *View {
	v := &View{Audience: aud, Seq: snap.Seq}
	if aud.View == ViewAgent {
		v.Agent = NewAgent(snap, aud)
	} else {
		v.Board = NewBoard(snap, aud)
	}
	return v
}

// render renders the containers once.
func (v *View) render() error {
	v.renderOnce.Do(func() {
		ctx := v.Audience.context(context.Background())
		add := func(id string, empty templ.Component, items []templ.Component) {
			if v.renderErr != nil {
				return
			}
			var p *part
			if p, v.renderErr = renderPart(ctx, id, empty, items); v.renderErr == nil {
				v.parts = append(v.parts, *p)
			}
		}
		if v.Audience.View == ViewAgent {
			add("people", people(nil), each(v.Agent.People, person))
			return
		}
		b := &v.Board
		add("tiles", tiles(nil), each(b.Tiles, tile))
		add("calls", calls(nil), each(b.Calls, callRow))
		add("queue-totals", queueTotals(nil), each(b.QueueTotals, queueTotal))
		add("queues", queues(nil), each(b.Queues, queueRow))
		add("conferences", conferences(nil), each(b.Conferences, conferenceRow))
		add("agents", agents(nil), each(b.Agents, agentRow))
	})
	return v.renderErr
}

// LayoutQueues is Page.Layout of the queue wall.
const LayoutQueues = "queues"

// Page is the view's page (BoardPage or AgentPage) with p, in the view's
// language, its containers written as the first frame has them.
func (v *View) Page(p Page) (templ.Component, error) {
	if err := v.render(); err != nil {
		return nil, err
	}
	var page templ.Component
	if v.Audience.View == ViewAgent {
		a := v.Agent
		a.parts = v.parts
		page = AgentPage(p, a)
	} else {
		b := v.Board
		b.parts = v.parts
		page = BoardPage(p, b)
		if p.Layout == LayoutQueues {
			page = QueuesPage(p, b)
		}
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return page.Render(v.Audience.context(ctx), w)
	}), nil
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
// page's own, with the items that fit, in order; the next frames carry the
// rest as ordinary elements, which the client inserts by data-parent and
// data-sort. Frames are made once per View (the
// first call's max is kept) and shared: callers must not modify them.
func (v *View) Frames(max int) ([][]byte, error) {
	if err := v.render(); err != nil {
		return nil, err
	}
	v.framesOnce.Do(func() { v.frames = pageParts(v.parts, max) })
	return v.frames, nil
}

func pageParts(parts []part, max int) [][]byte {
	total, shells := 0, 0
	for i := range parts {
		total += parts[i].size()
		shells += len(parts[i].open) + len(parts[i].close)
	}
	if total <= max {
		frame := make([]byte, 0, total)
		for i := range parts {
			p := &parts[i]
			frame = append(append(append(frame, p.open...), p.body...), p.close...)
		}
		return [][]byte{frame}
	}
	// The first frame: every container, with the items that fit in what
	// the containers' own tags leave; the rest follow as elements.
	budget := max - shells
	first := make([]byte, 0, max)
	var rest [][]byte
	for i := range parts {
		p := &parts[i]
		first = append(first, p.open...)
		for j := range p.ends {
			if it := p.item(j); len(rest) == 0 && len(it) <= budget {
				first = append(first, it...)
				budget -= len(it)
			} else {
				rest = append(rest, it)
			}
		}
		first = append(first, p.close...)
	}
	frames := [][]byte{first}
	var cur []byte
	for _, it := range rest {
		if len(cur) > 0 && len(cur)+len(it) > max {
			frames = append(frames, cur)
			cur = nil
		}
		cur = append(cur, it...)
	}
	if len(cur) > 0 {
		frames = append(frames, cur)
	}
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
