package views

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/a-h/templ/parser/v2"

	"github.com/wallboard/wallboard/board"
)

var (
	verb        = regexp.MustCompile(`%(\[\d+\])?[sdv]`)
	placeholder = regexp.MustCompile(`\{\w+\}`)
	// keyUse finds the catalog keys the code names: tr(ctx, "key"),
	// p.Sprintf("key") and the keys built from a prefix.
	keyUse = regexp.MustCompile(`(?:tr\(ctx, |Sprintf\()"([a-z_]+\.[a-z_.]+)"`)
)

// TestCatalog fails when a language misses a text, or a translation's
// parameters differ from the English text's: fmt verbs, or the {name}s the
// browser fills in.
func TestCatalog(t *testing.T) {
	params := func(key, s string) []string {
		re := verb
		if strings.HasPrefix(key, "js.") {
			re = placeholder
		}
		ps := re.FindAllString(s, -1)
		slices.Sort(ps)
		return ps
	}
	for key, texts := range words {
		for i, text := range texts {
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: no %s text", key, Languages[i])
				continue
			}
			if got, want := params(key, text), params(key, texts[0]); !slices.Equal(got, want) {
				t.Errorf("%s in %s has parameters %v, English %v", key, Languages[i], got, want)
			}
		}
	}
	for key, forms := range plurals {
		for i, f := range forms {
			if f[0] == "" || f[1] == "" {
				t.Errorf("%s: a %s plural form is missing", key, Languages[i])
			}
			if !strings.Contains(f[1], "%[1]d") {
				t.Errorf("%s in %s: the plural form does not show the count", key, Languages[i])
			}
		}
	}
}

// TestEveryKeyUsedIsInTheCatalog: a key the code names but the catalog
// lacks would be shown as the key itself.
func TestEveryKeyUsedIsInTheCatalog(t *testing.T) {
	files, _ := filepath.Glob("*.templ")
	gos, _ := filepath.Glob("*.go")
	for _, f := range append(files, gos...) {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			if _, ok := words[m[1]]; !ok {
				if _, ok := plurals[m[1]]; !ok {
					t.Errorf("%s uses %q, which the catalog lacks", f, m[1])
				}
			}
		}
	}
	// Keys made from a prefix and a value.
	for _, s := range append(slices.Clone(headerStates[:]), "bogus") {
		l := stateLabel(context.Background(), s)
		if _, ok := words["state."+string(l.State)]; !ok {
			t.Errorf("no word for state %s", l.State)
		}
	}
	for _, d := range []board.Direction{board.Inbound, board.Outbound, board.Internal, board.DirectionUnknown} {
		for _, prefix := range []string{"direction", "call_with"} {
			if _, ok := words[directionKey(prefix, d)]; !ok {
				t.Errorf("no word %s", directionKey(prefix, d))
			}
		}
	}
	for _, e := range legend() {
		if _, ok := words[e.Signal]; !ok {
			t.Errorf("no legend text %s", e.Signal)
		}
	}
	for _, d := range figureDefs() {
		for _, k := range []string{d.Label, d.Explain} {
			if _, ok := words[k]; !ok {
				t.Errorf("figure %s: no text %s", d.ID, k)
			}
		}
	}
}

// visibleAttrs are the attributes a person reads (or hears).
var visibleAttrs = map[string]bool{"title": true, "aria-label": true, "placeholder": true, "alt": true, "aria-description": true, "data-empty": true}

// TestTemplatesHoldNoWords fails when a template writes a word itself
// rather than through the catalog: a text node with a letter, a visible
// attribute with a constant value, or text in a CSS class (content-['…']).
func TestTemplatesHoldNoWords(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	hasLetter := func(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }
	for _, f := range files {
		tf, err := parser.Parse(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var walk func(nodes []parser.Node)
		var checkAttrs func(el *parser.Element, attrs []parser.Attribute)
		checkAttrs = func(el *parser.Element, attrs []parser.Attribute) {
			for _, a := range attrs {
				switch a := a.(type) {
				case *parser.ConstantAttribute:
					name := a.Key.String()
					if visibleAttrs[name] && hasLetter(a.Value) {
						t.Errorf("%s: <%s %s=%q> is a word outside the catalog", f, el.Name, name, a.Value)
					}
					if name == "class" && strings.Contains(a.Value, "content-['") {
						t.Errorf("%s: <%s class=%q> holds text in a CSS class", f, el.Name, a.Value)
					}
				case *parser.ConditionalAttribute:
					checkAttrs(el, a.Then)
					checkAttrs(el, a.Else)
				}
			}
		}
		walk = func(nodes []parser.Node) {
			for _, n := range nodes {
				switch n := n.(type) {
				case *parser.Text:
					if hasLetter(n.Value) {
						t.Errorf("%s: text %q is a word outside the catalog", f, n.Value)
					}
				case *parser.Element:
					checkAttrs(n, n.Attributes)
					walk(n.Children)
				case *parser.IfExpression:
					walk(n.Then)
					for _, ei := range n.ElseIfs {
						walk(ei.Then)
					}
					walk(n.Else)
				case *parser.SwitchExpression:
					for _, c := range n.Cases {
						walk(c.Children)
					}
				case parser.CompositeNode:
					walk(n.ChildNodes())
				}
			}
		}
		for _, n := range tf.Nodes {
			if ht, ok := n.(*parser.HTMLTemplate); ok {
				walk(ht.Children)
			}
		}
	}
}

// TestPagesSpeakTheAudienceLanguage renders the board in every language:
// the state words, the legend and the browser's words change, and none of
// the English words of the page remain in another language.
func TestPagesSpeakTheAudienceLanguage(t *testing.T) {
	snap := fixture()
	for i, lang := range Languages {
		aud := Audience{View: ViewBoard, Company: "it_a1", Masked: true, Lang: lang}
		c, err := NewView(snap, aud).Page(page)
		if err != nil {
			t.Fatal(err)
		}
		out := string(renderComponent(t, c))
		if !strings.Contains(out, `<html lang="`+lang+`"`) {
			t.Errorf("%s: the page does not declare its language", lang)
		}
		for _, key := range []string{"state.dnd", "legend.title", "panel.queues", "js.reconnecting", "figure.avg_wait"} {
			text := printerFor(lang).Sprintf(key)
			if !strings.Contains(out, templEscape(text)) {
				t.Errorf("%s: the page lacks %s %q", lang, key, text)
			}
			if en := words[key][0]; i > 0 && en != words[key][i] && strings.Contains(out, ">"+templEscape(en)+"<") {
				t.Errorf("%s: the page still shows the English %q", lang, en)
			}
		}
	}
}

func templEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestMatchLanguage(t *testing.T) {
	for _, tc := range []struct {
		asked []string
		want  string
	}{
		{[]string{"de"}, "de"},
		{[]string{"", "it-CH"}, "it"},
		{[]string{"", "", "fr-CA,fr;q=0.9,en;q=0.8"}, "fr"},
		{[]string{"xx", "es-MX"}, "es"},
		{[]string{"ja"}, ""},
		{[]string{"tlh", "pt-BR"}, ""},
		{[]string{"ja;q=0.9,de;q=0.5"}, "de"},
		{[]string{"", "de-AT,de;q=0.9", "it"}, "de"}, // the first source that matches wins
		{nil, ""},
		{[]string{"not a language tag !!"}, ""},
	} {
		if got := MatchLanguage(tc.asked...); got != tc.want {
			t.Errorf("MatchLanguage(%q) = %q, want %q", tc.asked, got, tc.want)
		}
	}
}

// TestNumbersAndPluralsPerLanguage: counts take the language's plural form
// and digit grouping.
func TestNumbersAndPluralsPerLanguage(t *testing.T) {
	ctx := WithLanguage(context.Background(), "de")
	if got := participantsText(ctx, []Participant{{Display: "Ann"}}); got != "1 Person im Gespräch: Ann" {
		t.Errorf("one participant in German = %q", got)
	}
	if got := participantsText(ctx, []Participant{{Display: "Ann"}, {Display: "Bo"}}); got != "2 Personen im Gespräch: Ann, Bo" {
		t.Errorf("two participants in German = %q", got)
	}
	for lang, want := range map[string]string{"en": "12,345", "de": "12.345", "it": "12.345", "es": "12.345"} {
		if got := number(WithLanguage(context.Background(), lang), 12345); got != want {
			t.Errorf("12345 in %s = %q, want %q", lang, got, want)
		}
	}
}
