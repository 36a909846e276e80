package views

import "testing"

func TestShortName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Agnieszka Kowalczyk-Wiśniewska", "Agnieszka K."},
		{"Jean-Pierre de la Fontaine", "Jean-Pierre F."},
		{"élodie ørsted", "élodie Ø."},
		{"Ann", ""},
		{"  ", ""},
		{"agnieszka.kowalczyk@example.com", "agnieszka.kowalczyk"},
		{"Ann (3)", "Ann"},
	} {
		if got := ShortName(tt.in); got != tt.want {
			t.Errorf("ShortName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Élodie", "elodie"},
		{"Ángel Muñoz", "angel munoz"},
		{"Zoë Çelik", "zoe celik"},
		{"BOB", "bob"},
		{"1001", "1001"},
	} {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
