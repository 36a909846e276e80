package views

import (
	"context"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages are the languages the board speaks, as the codes Audience.Lang
// takes; the first is the default.
var Languages = [5]string{"en", "it", "de", "fr", "es"}

// tags are Languages as language tags, in the same order.
var tags = [5]language.Tag{language.English, language.Italian, language.German, language.French, language.Spanish}

// printers hold one message printer per language over the catalog of
// words.go, built once: the catalog is constant data.
var printers = newPrinters()

func newPrinters() map[string]*message.Printer {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, texts := range words {
		for i, tag := range tags {
			if err := b.SetString(tag, key, texts[i]); err != nil {
				panic("views: catalog: " + err.Error()) // words.go is constant data
			}
		}
	}
	for key, forms := range plurals {
		for i, tag := range tags {
			if err := b.Set(tag, key, plural.Selectf(1, "%d", "one", forms[i][0], "other", forms[i][1])); err != nil {
				panic("views: catalog: " + err.Error())
			}
		}
	}
	ps := make(map[string]*message.Printer, len(tags))
	for i, tag := range tags {
		ps[Languages[i]] = message.NewPrinter(tag, message.Catalog(b))
	}
	return ps
}

// plain holds, per language, the text of every key of words.go that has
// no verb to fill: what tr returns for it without args, written once
// instead of formatted on every call (a 2,000-person board asks for a few
// such words per tile).
var plain = newPlain()

func newPlain() map[string]map[string]string {
	out := make(map[string]map[string]string, len(Languages))
	for _, lang := range Languages {
		p := printers[lang]
		m := make(map[string]string, len(words))
		for key, texts := range words {
			if !strings.Contains(texts[0], "%") {
				m[key] = p.Sprintf(key)
			}
		}
		out[lang] = m
	}
	return out
}

// MatchLanguage returns the code of Languages that the first of asked
// naming a language the board speaks names, each either a code ("de",
// "it-CH") or an Accept-Language header's value, whose preferences are
// tried in order of weight; "" when none does. An empty or unparsable entry
// is skipped, so callers pass their sources in order of precedence
// (account, display link, query, Accept-Language). Only the language
// counts, not its region: "de-AT" is German, and "pt" is none of ours.
func MatchLanguage(asked ...string) string {
	for _, a := range asked {
		if strings.TrimSpace(a) == "" {
			continue
		}
		prefs, _, err := language.ParseAcceptLanguage(a)
		if err != nil {
			continue
		}
		for _, pref := range prefs {
			base, conf := pref.Base()
			if conf == language.No {
				continue
			}
			for i, tag := range tags {
				if b, _ := tag.Base(); b == base {
					return Languages[i]
				}
			}
		}
	}
	return ""
}

// printerFor returns the printer of lang, English for an unknown one.
func printerFor(lang string) *message.Printer {
	if p, ok := printers[lang]; ok {
		return p
	}
	return printers[Languages[0]]
}

// langKey is the context key of the language components render in.
type langKey struct{}

// WithLanguage returns ctx in which components write lang (a code of
// Languages; English for any other).
func WithLanguage(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// langOf is the language of ctx.
func langOf(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok && printers[l] != nil {
		return l
	}
	return Languages[0]
}

// tr is the text of key in ctx's language, with args.
func tr(ctx context.Context, key string, args ...any) string {
	return speaker(langOf(ctx)).Sprintf(key, args...)
}

// speaker writes the words of one language (a code of Languages; English
// for any other): tr without a context.
type speaker string

// Sprintf is the text of key with args.
func (l speaker) Sprintf(key string, args ...any) string {
	if len(args) == 0 {
		if s, ok := plain[string(l)][key]; ok {
			return s
		}
	}
	return printerFor(string(l)).Sprintf(key, args...)
}

// Translate is the text of key in lang (English for an unknown one), with
// args: for words the server writes outside a page, such as errors.
func Translate(lang, key string, args ...any) string {
	return printerFor(lang).Sprintf(key, args...)
}

// number is n written as ctx's language writes numbers (1,234 or 1.234).
func number(ctx context.Context, n int) string {
	return printerFor(langOf(ctx)).Sprint(n)
}

// clientWords is the table of words the browser writes itself, in ctx's
// language, keyed as static/src/words.js reads them.
func clientWords(ctx context.Context) map[string]string {
	p := printerFor(langOf(ctx))
	out := make(map[string]string)
	for key := range words {
		if name, ok := strings.CutPrefix(key, "js."); ok {
			out[name] = p.Sprintf(key)
		}
	}
	return out
}
