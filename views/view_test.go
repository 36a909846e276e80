package views

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigFixture is fixture() with n users of company it_a1.
func bigFixture(n int) (snapWithUsers func() []byte, aud Audience, view *View) {
	snap := fixture()
	base := snap.Users[:8]
	snap.Users = nil
	for i := range n {
		u := base[i%len(base)]
		u.Extension = fmt.Sprint(2000 + i)
		u.Name = fmt.Sprintf("%s %d", u.Name, i)
		u.Since = t0.Add(-time.Duration(i) * 7 * time.Second)
		snap.Users = append(snap.Users, u)
	}
	aud = Audience{View: ViewBoard, Company: "it_a1", Masked: true}
	whole, _ := Initial(snap, aud)
	return func() []byte { return whole }, aud, NewView(snap, aud)
}

// TestFramesSplitToTheBound: a first frame larger than the bound is split
// into frames within it; the first carries every container, and together
// they carry every element of the whole frame exactly once, in order.
func TestFramesSplitToTheBound(t *testing.T) {
	whole, _, v := bigFixture(300)
	const max = 16 << 10
	frames, err := v.Frames(max)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) < 2 {
		t.Fatalf("%d frames for %d bytes with a bound of %d", len(frames), len(whole()), max)
	}
	for i, f := range frames {
		if len(f) > max {
			t.Errorf("frame %d: %d bytes > %d", i, len(f), max)
		}
	}
	for _, id := range []string{"tiles", "calls", "queues", "conferences", "agents"} {
		if !bytes.Contains(frames[0], []byte(`id="`+id+`"`)) {
			t.Errorf("the first frame lacks #%s", id)
		}
	}
	// Removing the containers' tags from the whole frame and from the
	// joined frames leaves the same elements in the same order.
	strip := func(b []byte) string {
		s := string(b)
		for _, tag := range []string{"<ul ", "<tbody "} {
			for {
				i := strings.Index(s, tag)
				if i < 0 {
					break
				}
				s = s[:i] + s[i+strings.IndexByte(s[i:], '>')+1:]
			}
		}
		return strings.NewReplacer("</ul>", "", "</tbody>", "").Replace(s)
	}
	if got, want := strip(bytes.Join(frames, nil)), strip(whole()); got != want {
		t.Errorf("the frames do not carry the whole frame's elements once each, in order")
	}
	if n := bytes.Count(bytes.Join(frames, nil), []byte(`data-testid="tile"`)); n != 300 {
		t.Errorf("%d tiles in the frames, want 300", n)
	}
}

// TestFramesWithinBoundAreTheWholeFrame: below the bound the first frame is
// one message, the bytes of Initial, and the page embeds the same bytes.
func TestFramesWithinBoundAreTheWholeFrame(t *testing.T) {
	whole, _, v := bigFixture(50)
	frames, err := v.Frames(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 1 || !bytes.Equal(frames[0], whole()) {
		t.Fatalf("%d frames; want the whole frame once", len(frames))
	}
	c, err := v.Page(page)
	if err != nil {
		t.Fatal(err)
	}
	pageHTML := renderComponent(t, c)
	tiles := whole()[:bytes.Index(whole(), []byte("</ul>"))+len("</ul>")]
	if !bytes.Contains(pageHTML, tiles) {
		t.Error("the page does not embed the first frame's #tiles")
	}
}
