package wildix

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"sync"
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
// right. A caller verifying many bodies with the same secrets should keep
// [NewKeys] of them instead.
func Verify(body []byte, signature string, secrets [][]byte) bool {
	return NewKeys(secrets).Verify(body, signature)
}

// Keys are signing secrets ready to verify with: the keyed HMAC state of
// each secret is computed once and reused, so a verification hashes only the
// body and allocates nothing. Keys are safe for concurrent use.
type Keys struct {
	macs []*sync.Pool // of *keyedMAC, one per non-empty secret
}

// keyedMAC is an HMAC keyed with one secret and room for its sum.
type keyedMAC struct {
	hash.Hash
	sum [sha256.Size]byte
}

// NewKeys prepares secrets (copied; empty ones skipped, as in [Verify]).
func NewKeys(secrets [][]byte) *Keys {
	k := &Keys{}
	for _, secret := range secrets {
		if len(secret) == 0 {
			continue
		}
		secret := bytes.Clone(secret)
		k.macs = append(k.macs, &sync.Pool{New: func() any { return &keyedMAC{Hash: hmac.New(sha256.New, secret)} }})
	}
	return k
}

// Len is the number of secrets that can verify: the non-empty ones.
func (k *Keys) Len() int {
	if k == nil {
		return 0
	}
	return len(k.macs)
}

// Verify is [Verify] with the secrets of k; a nil *Keys has none.
func (k *Keys) Verify(body []byte, signature string) bool {
	var hexSig [2 * sha256.Size]byte // the signature's digits, without allocating
	var want [sha256.Size]byte
	sig := strings.TrimSpace(signature)
	if k.Len() == 0 || len(sig) != len(hexSig) {
		return false
	}
	copy(hexSig[:], sig)
	if _, err := hex.Decode(want[:], hexSig[:]); err != nil {
		return false
	}
	ok := false
	for _, pool := range k.macs {
		mac := pool.Get().(*keyedMAC)
		mac.Reset()
		mac.Write(body)
		if hmac.Equal(mac.Sum(mac.sum[:0]), want[:]) {
			ok = true
		}
		pool.Put(mac)
	}
	return ok
}
