package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wallboard/wallboard/eventlog"
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
// only once the event is in the log.
func (s *Server) handleWebhook(c echo.Context) error {
	r := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.BodyLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.metrics.countEvent(TransportWebhook, "", outcomeTooLarge)
			return errorJSON(c, http.StatusRequestEntityTooLarge, "The body is larger than the limit of "+formatBytes(s.cfg.BodyLimit)+".")
		}
		s.metrics.countEvent(TransportWebhook, "", outcomeBadRequest)
		return errorJSON(c, http.StatusBadRequest, "The body could not be read.")
	}

	if !jsonContentType(r.Header.Get(echo.HeaderContentType)) {
		s.metrics.countEvent(TransportWebhook, "", outcomeBadRequest)
		return errorJSON(c, http.StatusUnsupportedMediaType, "The body must be JSON (Content-Type: application/json).")
	}
	if status, msg := s.verifyWebhook(body, r.Header.Get("X-Signature")); status != 0 {
		return errorJSON(c, status, msg)
	}

	res, err := s.Accept(r.Context(), body, TransportWebhook)
	switch {
	case errors.Is(err, ErrInvalid):
		return errorJSON(c, http.StatusBadRequest, sentence(err))
	case err != nil:
		s.logger.Error("Cannot store webhook", slog.Any("error", err))
		return errorJSON(c, http.StatusServiceUnavailable, "The event could not be stored; please retry.")
	case res.Ignored:
		return c.JSON(http.StatusAccepted, ingressResponse{Status: "ignored: unknown event type"})
	}
	return c.JSON(http.StatusOK, ingressResponse{Status: "accepted", Duplicate: res.Duplicate})
}

// verifyWebhook checks that body was signed by its sender and that the
// sender may speak for the event's company. It returns 0 when it may be
// accepted, else the status and sentence to answer:
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
func (s *Server) verifyWebhook(body []byte, sig string) (status int, msg string) {
	if len(s.cfg.Secrets) == 0 && len(s.integrations) == 0 {
		s.metrics.countEvent(TransportWebhook, "", outcomeBadSig)
		return http.StatusUnauthorized, "Webhooks are not enabled: no webhook secret is configured."
	}
	if sig == "" {
		s.metrics.countEvent(TransportWebhook, "", outcomeBadSig)
		return http.StatusUnauthorized, "The x-signature header is missing."
	}
	if len(s.cfg.Secrets) > 0 && wildix.Verify(body, sig, s.cfg.Secrets) {
		return 0, ""
	}
	env, err := wildix.Decode(body)
	if err != nil {
		// A body that cannot be decoded names no integration. If one of
		// them signed it, the sender is told what is wrong with it (400,
		// from Accept); this costs a check per integration, bounded by
		// the configuration.
		for _, in := range s.integrations {
			if wildix.Verify(body, sig, in.Secrets) {
				return 0, ""
			}
		}
	} else if in, ok := s.integrations[env.IntegrationID]; ok && wildix.Verify(body, sig, in.Secrets) {
		if env.Company != in.Company {
			s.metrics.countEvent(TransportWebhook, s.metrics.typeLabel(env.Type), outcomeWrongTenant)
			return http.StatusForbidden, "The event's company is not the company of its integration."
		}
		return 0, ""
	}
	s.metrics.countEvent(TransportWebhook, "", outcomeBadSig)
	return http.StatusUnauthorized, "The x-signature header does not match the body for any configured secret."
}

// jsonContentType reports whether a webhook's Content-Type may be JSON:
// absent, or application/json with any parameters. A form or text/plain
// post, all a cross-site page can send without a preflight, is refused.
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
	env, err := wildix.Decode(body)
	if err != nil {
		s.metrics.countEvent(transport, "", outcomeBadRequest)
		return Result{}, fmt.Errorf("%w: %s", ErrInvalid, decodeMessage(err))
	}
	typ := s.metrics.typeLabel(env.Type)
	if _, err := wildix.Translate(env); err != nil {
		if errors.Is(err, wildix.ErrUnknownType) {
			// Wildix adds event types over time: accept, count, ignore.
			s.metrics.countEvent(transport, typ, outcomeUnknownType)
			return Result{Ignored: true}, nil
		}
		s.metrics.countEvent(transport, typ, outcomeBadRequest)
		return Result{}, fmt.Errorf("%w: the event could not be understood: %w", ErrInvalid, err)
	}

	sum := sha256.Sum256(body)
	start := time.Now()
	seq, dup, err := s.log.Append(ctx, eventlog.Message{
		ID:   hex.EncodeToString(sum[:]),
		Body: body,
		Header: map[string]string{
			headerIntegration: env.IntegrationID,
			headerReceived:    start.UTC().Format(time.RFC3339Nano),
		},
	})
	if err != nil {
		s.metrics.countEvent(transport, typ, outcomeUnavailable)
		return Result{}, fmt.Errorf("%w: store %s: %w", ErrUnavailable, env.Type, err)
	}
	s.metrics.appendSeconds.Observe(time.Since(start).Seconds())

	// The event is durable: the answer is success whatever follows. Waiting
	// for the local board to apply it gives the sender read-your-writes on
	// this node; it is bounded so that a slow consumer cannot delay the
	// answer past the PBX's timeout.
	wctx, cancel := context.WithTimeout(ctx, s.cfg.ApplyWait)
	_ = s.state.waitApplied(wctx, seq)
	cancel()

	if dup {
		s.metrics.countEvent(transport, typ, outcomeDuplicate)
		return Result{Duplicate: true}, nil
	}
	s.metrics.countEvent(transport, typ, outcomeAccepted)
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
