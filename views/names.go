package views

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ShortName is how a TV tile names a person whose name does not fit on two
// lines: the given name and the family name's initial, "Agnieszka K." for
// "Agnieszka Kowalczyk-Wiśniewska"; the part before "@" of an email. It is
// "" when there is nothing shorter to show (a single word), so that pages
// carry it only when it helps.
func ShortName(name string) string {
	name = strings.TrimSpace(name)
	if local, _, ok := strings.Cut(name, "@"); ok && local != "" && !strings.ContainsRune(name, ' ') {
		return local
	}
	words := strings.Fields(name)
	if len(words) < 2 {
		return ""
	}
	last := words[len(words)-1]
	initial, _ := utf8.DecodeRuneInString(last)
	if !unicode.IsLetter(initial) {
		return words[0]
	}
	return words[0] + " " + string(unicode.ToUpper(initial)) + "."
}

// Fold is s as the browser's search compares it: lower case, without
// accents ("Élodie" folds to "elodie"), so that a search typed without
// them matches. The client folds the search text the same way (NFD, marks
// removed, lower case).
func Fold(s string) string {
	// Most names are plain ASCII: nothing to strip, and no transformer to
	// build.
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		// The transformers only fail on invalid input they cannot map; the
		// plain lower-case text still matches a search typed with accents.
		folded = s
	}
	return strings.ToLower(folded)
}

// searchText is what a person's search matches: the folded name and the
// extension.
func searchText(name, extension string) string { return Fold(name) + " " + extension }
