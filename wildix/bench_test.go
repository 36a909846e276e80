package wildix_test

import (
	"testing"

	"github.com/wallboard/wallboard/wildix"
)

// BenchmarkIngest is the package's share of a webhook: verify, decode and
// translate one typical (~1 KB) live call event.
func BenchmarkIngest(b *testing.B) {
	body := mustReadFile(b, "call_live_start.json")
	secrets := [][]byte{[]byte("current-secret"), []byte("previous-secret")}
	signature := wildix.Sign(secrets[1], body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if !wildix.Verify(body, signature, secrets) {
			b.Fatal("Verify failed")
		}
		env, err := wildix.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wildix.Translate(env); err != nil {
			b.Fatal(err)
		}
	}
}
