package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/wallboard/wallboard/eventlog"
)

// Login throttling.
//
// Failed logins are counted in fixed windows under three keys at once: the
// client network and the email (a guesser at one account), the client
// network (a guesser across accounts; IPv6 clients by /64, what one
// subscriber holds) and the email (a guesser at one account from many
// addresses; unknown emails are counted like known ones, so that the
// answers never tell them apart). An attempt is counted before its password
// is checked, atomically on every node, and refused while any of its keys
// has reached its limit: so no request can make the server check more than
// one password per free slot. A success clears the first key only.
//
// The counts live in a table the nodes share, bounded to maxThrottleKeys:
// when full, the key written longest ago is forgotten first.
const (
	defaultLoginWindow             = 15 * time.Minute
	defaultLoginFailures           = 5
	defaultLoginFailuresPerClient  = 20
	defaultLoginFailuresPerAccount = 50
	maxThrottleKeys                = 10_000
	// maxConflicts bounds the retries of a count that other nodes kept
	// changing underneath.
	maxConflicts = 16
)

// throttleLimits are the window and the failures allowed in it per key.
type throttleLimits struct {
	window                time.Duration
	pair, client, account int
}

// throttle counts failed logins.
type throttle struct {
	limits throttleLimits
	table  counterTable
}

func newThrottle(limits throttleLimits, table counterTable) *throttle {
	return &throttle{limits: limits, table: table}
}

// throttleKey is one count an attempt is made against.
type throttleKey struct {
	name  string
	limit int
}

// keys are the counts a login attempt for email from client is made
// against; the first is the one a success clears.
func (t *throttle) keys(client, email string) []throttleKey {
	network := clientNetwork(client)
	return []throttleKey{
		{tableKey("pair", network+"|"+email), t.limits.pair},
		{tableKey("client", network), t.limits.client},
		{tableKey("account", email), t.limits.account},
	}
}

// clientNetwork is what one client holds: its IPv4 address, or its IPv6
// /64.
func clientNetwork(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// tableKey names a count in the table without storing addresses or emails.
func tableKey(scope, value string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + value))
	return "f." + base64.RawURLEncoding.EncodeToString(sum[:18])
}

// failures is one key's count in its window.
type failures struct {
	N     int       `json:"n"`
	Since time.Time `json:"since"`
}

// wait is how long a key with this count must wait before its next attempt
// at limit, or 0.
func (f failures) wait(limit int, window time.Duration, now time.Time) time.Duration {
	if f.N < limit {
		return 0
	}
	return max(0, f.Since.Add(window).Sub(now))
}

// attempt counts an attempt against every key before its password is
// checked, and returns 0, or how long the client must wait instead when a
// key has reached its limit (nothing is counted then). It fails when the
// shared table cannot be reached: the attempt must then be refused.
func (t *throttle) attempt(ctx context.Context, keys []throttleKey, now time.Time) (time.Duration, error) {
	// Refuse before counting anything if a key is already spent, so that a
	// refused attempt costs no other key a slot.
	for _, k := range keys {
		f, _, err := t.load(ctx, k.name)
		if err != nil {
			return 0, err
		}
		if wait := f.wait(k.limit, t.limits.window, now); wait > 0 {
			return wait, nil
		}
	}
	for _, k := range keys {
		if wait, err := t.count(ctx, k, now); err != nil || wait > 0 {
			return wait, err
		}
	}
	return 0, nil
}

// count adds one to k's count, unless it has reached its limit (then it
// returns the wait), retrying while other nodes change it concurrently.
func (t *throttle) count(ctx context.Context, k throttleKey, now time.Time) (time.Duration, error) {
	for range maxConflicts {
		f, rev, err := t.load(ctx, k.name)
		if err != nil {
			return 0, err
		}
		if wait := f.wait(k.limit, t.limits.window, now); wait > 0 {
			return wait, nil
		}
		if f.N == 0 || now.Sub(f.Since) >= t.limits.window {
			f = failures{Since: now}
		}
		f.N++
		b, _ := json.Marshal(f)
		switch err := t.table.set(ctx, k.name, b, rev); {
		case err == nil:
			return 0, nil
		case !errors.Is(err, eventlog.ErrConflict):
			return 0, fmt.Errorf("count a login attempt: %w", err)
		}
	}
	return 0, errors.New("count a login attempt: too many concurrent changes")
}

// load reads a key's count; a missing key has none.
func (t *throttle) load(ctx context.Context, key string) (failures, uint64, error) {
	b, rev, err := t.table.get(ctx, key)
	if errors.Is(err, eventlog.ErrNoKey) {
		return failures{}, 0, nil
	}
	if err != nil {
		return failures{}, 0, fmt.Errorf("read login failures: %w", err)
	}
	var f failures
	if err := json.Unmarshal(b, &f); err != nil {
		return failures{}, rev, nil // an unreadable count starts afresh
	}
	return f, rev, nil
}

// forget clears k's count after a successful login.
func (t *throttle) forget(ctx context.Context, k throttleKey) error {
	return t.table.del(ctx, k.name)
}
