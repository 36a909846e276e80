package config

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of new hashes: OWASP's recommendation of 19 MiB, two
// passes, one lane, which costs a few tens of milliseconds per check.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Bounds on the parameters of a hash read from the file, so that a mistyped
// hash cannot make every login allocate gigabytes.
const (
	maxArgonMemory  = 1024 * 1024 // 1 GiB in KiB
	maxArgonTime    = 16
	maxArgonThreads = 16
)

// PasswordHash is a parsed argon2id hash in the PHC string format
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>".
type PasswordHash struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// HashPassword returns the argon2id hash of password, with a fresh random
// salt, in the PHC string format that ParsePasswordHash reads.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// ParsePasswordHash parses a hash made by HashPassword (or by any argon2id
// implementation writing the PHC format with sane parameters).
func ParsePasswordHash(s string) (PasswordHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return PasswordHash{}, errors.New("not an argon2id hash in the form $argon2id$v=19$m=…,t=…,p=…$salt$key")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return PasswordHash{}, fmt.Errorf("argon2 version %q is not v=%d", parts[2], argon2.Version)
	}
	var h PasswordHash
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return PasswordHash{}, fmt.Errorf("argon2 parameters %q: %w", parts[3], err)
	}
	if h.memory < 8 || h.memory > maxArgonMemory || h.time < 1 || h.time > maxArgonTime || h.threads < 1 || h.threads > maxArgonThreads {
		return PasswordHash{}, fmt.Errorf("argon2 parameters %q are out of range", parts[3])
	}
	b64 := base64.RawStdEncoding
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return PasswordHash{}, errors.New("the salt is not base64 of at least 8 bytes")
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 {
		return PasswordHash{}, errors.New("the key is not base64 of at least 16 bytes")
	}
	return h, nil
}

// Matches reports whether password is the one hashed, in time that does not
// depend on how much of it is right.
func (h PasswordHash) Matches(password string) bool {
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1
}

// Decoy returns a hash with h's parameters that no password matches (its
// key is random): checking a password for an unknown user against it takes
// as long as checking a real one.
func (h PasswordHash) Decoy() PasswordHash {
	d := PasswordHash{memory: h.memory, time: h.time, threads: h.threads, salt: make([]byte, len(h.salt)), key: make([]byte, len(h.key))}
	_, _ = rand.Read(d.salt) // crypto/rand.Read never fails
	_, _ = rand.Read(d.key)
	return d
}
