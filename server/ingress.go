package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/eventlog"
	"github.com/wallboard/wallboard/views"
	"github.com/wallboard/wallboard/wildix"
)

// Ingress outcomes, the "outcome" label of wallboard_events_total.
const (
	outcomeAccepted    = "accepted"
	outcomeDuplicate   = "duplicate"
	outcomeUnknownType = "unknown_type"
	outcomeBadSig      = "bad_signature"
	outcomeWrongTenant = "wrong_company"
	outcomeBadRequest  = "bad_request"
	outcomeTooLarge    = "too_large"
	outcomeUnavailable = "unavailable"
)

// ingressResponse is the body of a 2xx webhook answer.
type ingressResponse struct {
	Status    string `json:"status"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// handleWebhook is POST /webhooks/wildix. In order: cap the body, verify the
// signature over the exact bytes received (and the event's company against
// its integration), decode, store durably, answer.
// Nothing reaches the board unless the answer is 2xx, and the 2xx is sent
// only once the event is in the log. A signed body that is valid JSON is
// accepted whatever its Content-Type says (a proxy may relabel it); one that
// is not labelled JSON gets 415 unless it is both. Every refusal is logged
// once, rate-limited (see reject).
func (s *Server) handleWebhook(c echo.Context) error {
	r := c.Request()
	body, err := readBody(r) // bounded by limitBodies
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.metrics.countEvent(TransportWebhook, "", outcomeTooLarge)
			return s.reject(c, http.StatusRequestEntityTooLarge, "too_large", "The body is larger than the limit of "+formatBytes(s.cfg.BodyLimit)+".")
		}
		s.metrics.countEvent(TransportWebhook, "", outcomeBadRequest)
		s.inspector.record(ingressRecord{at: time.Now(), transport: TransportWebhook, outcome: outcomeBadRequest,
			rejected: true, status: http.StatusBadRequest, reason: "bad_request", remote: c.RealIP()})
		return errorJSON(c, http.StatusBadRequest, "The body could not be read.")
	}

	status, reason, msg := s.verifyWebhook(body, r.Header.Get("X-Signature"))
	if !jsonContentType(r.Header.Get(echo.HeaderContentType)) && (status != 0 || !json.Valid(body)) {
		if status == 0 {
			s.metrics.countEvent(TransportWebhook, "", outcomeBadRequest)
		}
		return s.reject(c, http.StatusUnsupportedMediaType, "not_json", "The body must be JSON (Content-Type: application/json).")
	}
	if status != 0 {
		return s.reject(c, status, reason, msg)
	}

	res, err := s.Accept(withRemote(r.Context(), c.RealIP()), body, TransportWebhook)
	switch {
	case errors.Is(err, ErrInvalid):
		return errorJSON(c, http.StatusBadRequest, sentence(err))
	case err != nil:
		s.logger.Error("Cannot store webhook", slog.Any("error", err))
		return errorJSON(c, http.StatusServiceUnavailable, "The event could not be stored; please retry.")
	case res.Ignored:
		return c.JSONBlob(http.StatusAccepted, answerIgnored)
	case res.Duplicate:
		return c.JSONBlob(http.StatusOK, answerDuplicate)
	}
	return c.JSONBlob(http.StatusOK, answerAccepted)
}

// readBody reads r's body whole: in one allocation of its declared length
// when it declares one up to readAhead, as a webhook does. net/http ends
// such a body at that length, and limitBodies has refused a length over the
// limit.
func readBody(r *http.Request) ([]byte, error) {
	n := r.ContentLength
	if n <= 0 || n > readAhead {
		return io.ReadAll(r.Body)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.Body, b); err != nil {
		return nil, err
	}
	return b, nil
}

// readAhead bounds the space readBody sets aside for a declared length
// before the body arrives: a webhook's few kilobytes, not what a client that
// declares a large body and sends nothing could make every connection hold.
const readAhead = 8 << 10

// The 2xx answers, encoded once (as c.JSON would encode them, newline
// included): every accepted webhook gets one.
var (
	answerAccepted  = answer(ingressResponse{Status: "accepted"})
	answerDuplicate = answer(ingressResponse{Status: "accepted", Duplicate: true})
	answerIgnored   = answer(ingressResponse{Status: "ignored: unknown event type"})
)

func answer(r ingressResponse) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// rejectionLogInterval is how often each kind of refused webhook may be
// logged; the lines held back in between are counted in the next one.
const rejectionLogInterval = 10 * time.Second

// reject answers a refused webhook and logs it at info with the reason and
// the remote address, never the body: at most one line per reason every
// rejectionLogInterval, so that a flood cannot fill the disk.
func (s *Server) reject(c echo.Context, status int, reason, msg string) error {
	s.inspector.record(ingressRecord{at: time.Now(), transport: TransportWebhook, outcome: rejectionOutcome(reason),
		rejected: true, status: status, reason: reason, remote: c.RealIP()})
	if ok, held := s.rejections.allow(reason, time.Now()); ok {
		s.logger.Info("Webhook refused", slog.Int("status", status), slog.String("reason", reason),
			slog.String("remote", c.RealIP()), slog.Int("suppressed", held))
	}
	return errorJSON(c, status, msg)
}

// logLimiter lets through at most one log line per key and interval,
// counting those it holds back. Keys are a fixed set (reasons).
type logLimiter struct {
	interval time.Duration
	mu       sync.Mutex
	last     map[string]time.Time
	held     map[string]int
}

func newLogLimiter(interval time.Duration) *logLimiter {
	return &logLimiter{interval: interval, last: map[string]time.Time{}, held: map[string]int{}}
}

// allow reports whether a line for key may be logged now, and how many were
// held back since the last one.
func (l *logLimiter) allow(key string, now time.Time) (ok bool, held int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if last, seen := l.last[key]; seen && now.Sub(last) < l.interval {
		l.held[key]++
		return false, 0
	}
	held = l.held[key]
	l.last[key], l.held[key] = now, 0
	return true, held
}

// verifyWebhook checks that body was signed by its sender and that the
// sender may speak for the event's company. It returns 0 when it may be
// accepted, else the status, a reason for the log and the sentence to
// answer:
//
//   - a signature by one of Config.Secrets is accepted for any company (a
//     single-company setup);
//   - otherwise the body's integrationId names a configured integration,
//     and the signature must be by one of that integration's secrets (so one
//     tenant's secret cannot sign another's events: 401), and the event's
//     company must be the integration's (else 403, nothing stored).
//
// The body is decoded to find its integration before it is authenticated;
// the decoder is bounded (body limit, nesting depth) and what it reads
// selects only which secrets to check. A body that does not decode is
// checked against every integration's secrets, so that its signer gets the
// 400 it would get with a single secret.
func (s *Server) verifyWebhook(body []byte, sig string) (status int, reason, msg string) {
	l := s.live.Load()
	if l.secrets.Len() == 0 && len(l.integrations) == 0 {
		s.metrics.countEvent(TransportWebhook, "", outcomeBadSig)
		return http.StatusUnauthorized, "no_secret_configured", "Webhooks are not enabled: no webhook secret is configured."
	}
	if sig == "" {
		s.metrics.countEvent(TransportWebhook, "", outcomeBadSig)
		return http.StatusUnauthorized, "no_signature", "The x-signature header is missing."
	}
	if l.secrets.Verify(body, sig) {
		return 0, "", ""
	}
	env, err := wildix.Decode(body)
	if err != nil {
		// A body that cannot be decoded names no integration. If one of
		// them signed it, the sender is told what is wrong with it (400,
		// from Accept); this costs a check per integration, bounded by
		// the configuration.
		for _, in := range l.integrations {
			if in.keys.Verify(body, sig) {
				return 0, "", ""
			}
		}
	} else if in, ok := l.integrations[env.IntegrationID]; ok && in.keys.Verify(body, sig) {
		if env.Company != in.Company {
			s.metrics.countEvent(TransportWebhook, s.metrics.typeLabel(env.Type), outcomeWrongTenant)
			return http.StatusForbidden, "wrong_company", "The event's company is not the company of its integration."
		}
		return 0, "", ""
	}
	s.metrics.countEvent(TransportWebhook, "", outcomeBadSig)
	return http.StatusUnauthorized, "bad_signature", "The x-signature header does not match the body for any configured secret."
}

// jsonContentType reports whether a webhook's Content-Type says JSON:
// absent, or application/json with any parameters. A body labelled
// otherwise (a form or text/plain post is all a cross-site page can send
// without a preflight) must be both signed and JSON.
func jsonContentType(v string) bool {
	if v == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(v)
	return err == nil && mt == "application/json"
}

// Transports, the "transport" label of wallboard_events_total.
const (
	TransportWebhook = "webhook"
	TransportSQS     = "sqs"
)

// Result says what Accept did with an event.
type Result struct {
	// Duplicate: the same body was stored before (a retry); nothing new.
	Duplicate bool
	// Ignored: an event type this version does not know; not stored.
	Ignored bool
}

var (
	// ErrInvalid wraps the reason an event can never be accepted: retrying
	// the same body cannot help.
	ErrInvalid = errors.New("invalid event")
	// ErrUnavailable wraps the reason an event could not be stored now; the
	// sender should retry.
	ErrUnavailable = errors.New("event log unavailable")
)

// Accept validates an authenticated event body and appends it to the log,
// returning once it is durably stored, and, within Config.ApplyWait, applied
// to this node's board. Every transport goes through it: the webhook after
// checking the signature, and the SQS consumer after checking the message's.
func (s *Server) Accept(ctx context.Context, body []byte, transport string) (Result, error) {
	arrived := time.Now()
	refused := func(typ, outcome, reason string, status int) {
		s.inspector.record(ingressRecord{at: arrived, transport: transport, typ: typ, outcome: outcome,
			rejected: true, status: status, reason: reason, remote: remoteOf(ctx)})
	}
	env, err := wildix.Decode(body)
	if err != nil {
		s.metrics.countEvent(transport, "", outcomeBadRequest)
		refused("", outcomeBadRequest, "bad_request", http.StatusBadRequest)
		return Result{}, fmt.Errorf("%w: %s", ErrInvalid, decodeMessage(err))
	}
	typ := s.metrics.typeLabel(env.Type)
	taken := func(outcome, who string) {
		r := ingressRecord{at: arrived, transport: transport, integration: env.IntegrationID, company: env.Company,
			typ: typ, outcome: outcome, accepted: true, who: who}
		if env.Time > 0 {
			r.eventTime = time.UnixMilli(env.Time)
		}
		s.inspector.record(r)
	}
	events, err := wildix.Translate(env)
	if err != nil {
		if errors.Is(err, wildix.ErrUnknownType) {
			// Wildix adds event types over time: accept, count, ignore.
			s.metrics.countEvent(transport, typ, outcomeUnknownType)
			taken(outcomeUnknownType, "")
			return Result{Ignored: true}, nil
		}
		s.metrics.countEvent(transport, typ, outcomeBadRequest)
		refused(typ, outcomeBadRequest, "bad_request", http.StatusBadRequest)
		return Result{}, fmt.Errorf("%w: the event could not be understood: %w", ErrInvalid, err)
	}

	sum := sha256.Sum256(body)
	id := hex.EncodeToString(sum[:])
	start := time.Now()
	received := start.UTC().Format(time.RFC3339Nano)
	// This node's pipeline applies these events instead of decoding the
	// body again: exactly what entryEvents makes of the stored entry.
	stamp(events, start.UTC().Round(0))
	s.door.put(id, doorEntry{received: received, typ: env.Type, events: events})
	defer s.door.drop(id, received)
	seq, dup, err := s.log.Append(ctx, eventlog.Message{
		ID:   id,
		Body: body,
		Header: map[string]string{
			headerIntegration: env.IntegrationID,
			headerReceived:    received,
		},
	})
	if err != nil {
		s.metrics.countEvent(transport, typ, outcomeUnavailable)
		refused(typ, outcomeUnavailable, "unavailable", http.StatusServiceUnavailable)
		return Result{}, fmt.Errorf("%w: store %s: %w", ErrUnavailable, env.Type, err)
	}
	s.metrics.appendSeconds.Observe(time.Since(start).Seconds())

	// The event is durable: the answer is success whatever follows. Waiting
	// for the local board to apply it gives the sender read-your-writes on
	// this node; it is bounded so that a slow consumer cannot delay the
	// answer past the PBX's timeout.
	_ = s.state.waitApplied(ctx, seq, s.cfg.ApplyWait)

	if dup {
		s.metrics.countEvent(transport, typ, outcomeDuplicate)
		taken(outcomeDuplicate, views.EventWho(events))
		return Result{Duplicate: true}, nil
	}
	s.metrics.countEvent(transport, typ, outcomeAccepted)
	taken(outcomeAccepted, views.EventWho(events))
	return Result{}, nil
}

// sentence is an ErrInvalid's reason, capitalised for a human.
func sentence(err error) string {
	msg := strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": ")
	if msg == "" {
		return "The event is invalid."
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// decodeMessage turns a decode error into a sentence for the sender.
func decodeMessage(err error) string {
	switch {
	case errors.Is(err, wildix.ErrNoType):
		return "the event has no \"type\""
	case errors.Is(err, wildix.ErrNotObject):
		return "the body is not a JSON object"
	default:
		return "the body could not be decoded"
	}
}
