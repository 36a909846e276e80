package wildix_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/wallboard/wallboard/wildix"
)

func TestSign(t *testing.T) {
	// RFC 4231, test case 2.
	got := wildix.Sign([]byte("Jefe"), []byte("what do ya want for nothing?"))
	const want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"id":"it_q200001_2101","type":"presence:user","data":{"status":"away"}}`)
	current, previous := []byte("s3cret-current"), []byte("s3cret-previous")
	good := wildix.Sign(current, body)

	tampered := []byte(strings.Replace(string(body), "away", "dnd ", 1))
	flipped := []byte(good)
	flipped[10] ^= 1 // a different hex digit

	tests := []struct {
		name      string
		body      []byte
		signature string
		secrets   [][]byte
		want      bool
	}{
		{"right key", body, good, [][]byte{current}, true},
		{"wrong key", body, good, [][]byte{previous}, false},
		{"second secret of several", body, wildix.Sign(previous, body), [][]byte{current, previous}, true},
		{"first secret of several", body, good, [][]byte{current, previous}, true},
		{"tampered body", tampered, good, [][]byte{current}, false},
		{"upper-case hex", body, strings.ToUpper(good), [][]byte{current}, true},
		{"surrounding whitespace", body, " " + good + "\n", [][]byte{current}, true},
		{"flipped digit", body, string(flipped), [][]byte{current}, false},
		{"garbage hex", body, "zz" + good[2:], [][]byte{current}, false},
		{"truncated", body, good[:62], [][]byte{current}, false},
		{"too long", body, good + "00", [][]byte{current}, false},
		{"prefixed", body, "sha256=" + good, [][]byte{current}, false},
		{"empty signature", body, "", [][]byte{current}, false},
		{"no secrets", body, good, nil, false},
		{"empty secret", body, wildix.Sign(nil, body), [][]byte{{}, nil}, false},
		{"empty body", nil, wildix.Sign(current, nil), [][]byte{current}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wildix.Verify(tt.body, tt.signature, tt.secrets); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestKeysVerifyTheSameAsVerify: prepared keys accept and refuse exactly
// what Verify does, again and again and from many goroutines at once (their
// keyed states are reused), and a secret changed by its owner afterwards
// changes nothing.
func TestKeysVerifyTheSameAsVerify(t *testing.T) {
	bodies := [][]byte{nil, []byte(`{"type":"call:update"}`), []byte(strings.Repeat("x", 5000))}
	secret, other := []byte("s3cret-current"), []byte("s3cret-other")
	keys := wildix.NewKeys([][]byte{nil, other, secret})
	secret[0] = 'S' // the caller's copy; keys hold their own
	signer := []byte("s3cret-current")
	if keys.Len() != 2 {
		t.Fatalf("Len = %d, want the 2 non-empty secrets", keys.Len())
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for _, body := range bodies {
					if !keys.Verify(body, wildix.Sign(signer, body)) {
						t.Error("a good signature was refused")
					}
					if keys.Verify(body, wildix.Sign([]byte("guess"), body)) {
						t.Error("a wrong key's signature was accepted")
					}
				}
			}
		})
	}
	wg.Wait()
	var none *wildix.Keys
	if none.Verify(bodies[1], wildix.Sign(signer, bodies[1])) || wildix.NewKeys(nil).Verify(nil, wildix.Sign(nil, nil)) {
		t.Error("keys with no secret accepted a signature")
	}
	sig := wildix.Sign(signer, bodies[2])
	if n := testing.AllocsPerRun(100, func() { keys.Verify(bodies[2], sig) }); n > 0 && !raceEnabled {
		t.Errorf("Verify allocates %v times", n)
	}
}
