package wildix

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Sign returns the signature Wildix sends with body in the x-signature header
// (or the X-SIGNATURE SQS message attribute): the lower-case hex encoding of
// HMAC-SHA256 keyed with secret over the raw body bytes.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is a valid signature of the exact bytes
// of body under any of secrets, so that an integration can be rotated while
// both the old and the new secret are in use. The signature is hex, in
// either case, surrounded by optional whitespace. An empty signature, an
// empty list of secrets, or a malformed signature is never valid; empty
// secrets are skipped, because anyone can sign with an empty key.
//
// Every secret is tried, each with a constant-time comparison, so the time
// taken does not reveal which secret matched or how much of a guess was
// right.
func Verify(body []byte, signature string, secrets [][]byte) bool {
	want, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(want) != sha256.Size {
		return false
	}
	ok := false
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		if hmac.Equal(mac.Sum(nil), want) {
			ok = true
		}
	}
	return ok
}
