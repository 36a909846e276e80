package server

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sessions.
//
// The cookie is "<email>.<expiry>.<mac>", the MAC keyed by the session key
// over the email, the expiry and the user's current password hash. So a
// session survives restarts and is valid on every node sharing the key, and
// it ends at its expiry, when the user is removed from the configuration,
// when their password changes or password login is turned off, or when it
// is revoked. A single sign-on session (sso.go) is
// "sso.<email>.<basis>.<expiry>.<mac>", the MAC over the provider's issuer,
// the email, what let it in (basis: "" for the email's user entry, else the
// group) and the expiry: it ends when that entry or the provider changes,
// or as any session does. Logging out revokes
// the session on every node (the revocation is in a table the nodes share,
// kept until the session would have expired), and closes the WebSockets it
// opened, on every node.

const (
	sessionCookie = "wallboard_session"
	// sessionVersion is bumped when the signed fields change, ending every
	// session.
	sessionVersion = "v1"
	// ssoSessionPrefix starts the cookie of a single sign-on session.
	ssoSessionPrefix = "sso"
	// maxRevokedSessions bounds the revocations remembered. Only a
	// logged-in user can revoke a session (their own), so reaching it
	// takes that many logins within a session's lifetime.
	maxRevokedSessions = 100_000
)

// newSession returns a cookie value for acc, valid until expiry.
func (a *auth) newSession(acc account, expiry time.Time) string {
	email := base64.RawURLEncoding.EncodeToString([]byte(acc.user.Email))
	exp := strconv.FormatInt(expiry.Unix(), 10)
	return email + "." + exp + "." + base64.RawURLEncoding.EncodeToString(a.sessionMAC(acc, exp))
}

func (a *auth) sessionMAC(acc account, exp string) []byte {
	m := hmac.New(sha256.New, a.sessionKey)
	for _, part := range []string{sessionVersion, acc.user.Email, exp, acc.user.PasswordHash} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// newSSOSession returns a cookie value for email signed in with the
// identity provider of issuer, let in by basis (see ssoViewer), valid until
// expiry.
func (a *auth) newSSOSession(issuer, email, basis string, expiry time.Time) string {
	e := base64.RawURLEncoding.EncodeToString([]byte(email))
	b := base64.RawURLEncoding.EncodeToString([]byte(basis))
	exp := strconv.FormatInt(expiry.Unix(), 10)
	return ssoSessionPrefix + "." + e + "." + b + "." + exp + "." + base64.RawURLEncoding.EncodeToString(a.ssoSessionMAC(issuer, email, basis, exp))
}

func (a *auth) ssoSessionMAC(issuer, email, basis, exp string) []byte {
	m := hmac.New(sha256.New, a.sessionKey)
	for _, part := range []string{sessionVersion, ssoSessionPrefix, issuer, email, basis, exp} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// session returns the viewer and expiry of a valid, unexpired session
// cookie value. It does not check revocation.
func (a *auth) session(value string, now time.Time) (viewer, time.Time, bool) {
	return a.sessionOf(a.creds.Load(), value, now)
}

// sessionOf is session against the credentials of cr: a password session
// needs its account with the same password hash and password login on; a
// single sign-on session needs the same identity provider and what let it
// in (the email's user entry, or its group entry) still there.
func (a *auth) sessionOf(cr *credentials, value string, now time.Time) (viewer, time.Time, bool) {
	parts := strings.Split(value, ".")
	if len(parts) == 5 && parts[0] == ssoSessionPrefix {
		return a.ssoSessionOf(cr, parts[1:], now)
	}
	if len(parts) != 3 || !cr.passwords {
		return viewer{}, time.Time{}, false
	}
	email, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return viewer{}, time.Time{}, false
	}
	exp, ok := unexpired(parts[1], now)
	if !ok {
		return viewer{}, time.Time{}, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return viewer{}, time.Time{}, false
	}
	acc, ok := cr.accounts[string(email)]
	if !ok || !acc.hasPassword() || !hmac.Equal(mac, a.sessionMAC(acc, parts[1])) {
		return viewer{}, time.Time{}, false
	}
	return userViewer(acc.user), exp, true
}

// ssoSessionOf checks the parts after the prefix of a single sign-on
// session: email, basis, expiry, MAC.
func (a *auth) ssoSessionOf(cr *credentials, parts []string, now time.Time) (viewer, time.Time, bool) {
	if cr.sso == nil {
		return viewer{}, time.Time{}, false
	}
	email, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	basis, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	mac, err3 := base64.RawURLEncoding.DecodeString(parts[3])
	exp, ok := unexpired(parts[2], now)
	if err1 != nil || err2 != nil || err3 != nil || !ok ||
		!hmac.Equal(mac, a.ssoSessionMAC(cr.sso.cfg.Issuer, string(email), string(basis), parts[2])) {
		return viewer{}, time.Time{}, false
	}
	if len(basis) == 0 {
		acc, ok := cr.accounts[string(email)]
		if !ok {
			return viewer{}, time.Time{}, false
		}
		return userViewer(acc.user), exp, true
	}
	for _, g := range cr.sso.cfg.Groups {
		if g.Group == string(basis) {
			return groupViewer(string(email), g), exp, true
		}
	}
	return viewer{}, time.Time{}, false
}

// unexpired parses a session's expiry (Unix seconds) and reports whether it
// is after now.
func unexpired(s string, now time.Time) (time.Time, bool) {
	exp, err := strconv.ParseInt(s, 10, 64)
	if err != nil || now.Unix() >= exp {
		return time.Time{}, false
	}
	return time.Unix(exp, 0), true
}

// sessionID names a session in the revocation table without being a
// credential: a hash of its cookie value.
func sessionID(value string) string {
	sum := sha256.Sum256([]byte("wallboard session id\x00" + value))
	return base64.RawURLEncoding.EncodeToString(sum[:18])
}

// revocations are the sessions revoked before their expiry, and the sockets
// each open session holds, to close when it is revoked.
type revocations struct {
	table counterTable // shared by the nodes; nil: this node's only
	// loaded is closed once the revocations made before this node
	// started are known; until then no session is accepted.
	loaded     chan struct{}
	loadedOnce sync.Once

	mu      sync.Mutex
	revoked map[string]time.Time // session ID → when it would have expired
	sockets map[string]map[*socketLife]struct{}
}

// socketLife is the lifetime of one socket of a session.
type socketLife struct{ cancel context.CancelFunc }

func newRevocations(table counterTable) *revocations {
	r := &revocations{table: table, loaded: make(chan struct{}), revoked: map[string]time.Time{}, sockets: map[string]map[*socketLife]struct{}{}}
	if table == nil {
		close(r.loaded)
	}
	return r
}

// loadWait bounds how long a request waits for the revocations of a node
// that has just started.
const loadWait = 5 * time.Second

// has reports whether session id was revoked, or may have been: while the
// revocations made before this node started are not yet known.
func (r *revocations) has(ctx context.Context, id string) bool {
	ctx, cancel := context.WithTimeout(ctx, loadWait)
	defer cancel()
	select {
	case <-r.loaded:
	case <-ctx.Done():
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.revoked[id]
	return ok
}

// revoke ends session id, which would have expired at expiry, on this node
// at once and on the others through the shared table.
func (r *revocations) revoke(ctx context.Context, id string, expiry time.Time) error {
	r.mark(id, expiry)
	if r.table == nil {
		return nil
	}
	return r.table.put(ctx, "s."+id, []byte(strconv.FormatInt(expiry.Unix(), 10)))
}

// mark records a revocation and closes the session's sockets.
func (r *revocations) mark(id string, expiry time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.revoked[id]; !ok && len(r.revoked)%1024 == 1023 {
		now := time.Now()
		for k, exp := range r.revoked {
			if now.After(exp) {
				delete(r.revoked, k)
			}
		}
	}
	r.revoked[id] = expiry
	for s := range r.sockets[id] {
		s.cancel()
	}
}

// lifetime returns the context of a socket of session id: it ends when the
// session expires or is revoked, or when end is called (the socket closed).
func (r *revocations) lifetime(id string, expiry time.Time) (ctx context.Context, end func()) {
	ctx, cancel := context.WithDeadline(context.Background(), expiry)
	s := &socketLife{cancel: cancel}
	r.mu.Lock()
	if _, revoked := r.revoked[id]; revoked {
		cancel()
	}
	if r.sockets[id] == nil {
		r.sockets[id] = map[*socketLife]struct{}{}
	}
	r.sockets[id][s] = struct{}{}
	r.mu.Unlock()
	context.AfterFunc(ctx, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.sockets[id], s)
		if len(r.sockets[id]) == 0 {
			delete(r.sockets, id)
		}
	})
	return ctx, cancel
}

// watch applies the revocations of every node until ctx ends.
func (r *revocations) watch(ctx context.Context, logger *slog.Logger) {
	if r.table == nil {
		return
	}
	for ctx.Err() == nil {
		err := r.table.watch(ctx, func(key string, value []byte) {
			id, ok := strings.CutPrefix(key, "s.")
			exp, err := strconv.ParseInt(string(value), 10, 64)
			if ok && err == nil {
				r.mark(id, time.Unix(exp, 0))
			}
		}, func() { r.loadedOnce.Do(func() { close(r.loaded) }) })
		if err != nil && ctx.Err() == nil {
			logger.Warn("Cannot follow session revocations; retrying", slog.Any("error", err))
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// lifetimeWriter ends a socket's lifetime when the connection it hands to
// the WebSocket upgrade is closed.
type lifetimeWriter struct {
	http.ResponseWriter
	end      func()
	hijacked atomic.Bool
}

// Hijack implements http.Hijacker for the upgrade.
func (w *lifetimeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.hijacked.Store(true)
	return &endConn{Conn: conn, end: w.end}, rw, nil
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *lifetimeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// endConn calls end when closed.
type endConn struct {
	net.Conn
	end func()
}

func (c *endConn) Close() error {
	err := c.Conn.Close()
	c.end()
	return err
}
