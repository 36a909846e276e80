package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
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
// signature over the exact bytes received, decode, store durably, answer.
// Nothing reaches the board unless the answer is 2xx, and the 2xx is sent
// only once the event is in the log.
func (s *Server) handleWebhook(c echo.Context) error {
	r := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.BodyLimit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.metrics.countEvent("", outcomeTooLarge)
			return errorJSON(c, http.StatusRequestEntityTooLarge, "The body is larger than the limit of "+formatBytes(s.cfg.BodyLimit)+".")
		}
		s.metrics.countEvent("", outcomeBadRequest)
		return errorJSON(c, http.StatusBadRequest, "The body could not be read.")
	}

	sig := r.Header.Get("X-Signature")
	if sig == "" {
		s.metrics.countEvent("", outcomeBadSig)
		return errorJSON(c, http.StatusUnauthorized, "The x-signature header is missing.")
	}
	if !wildix.Verify(body, sig, s.cfg.Secrets) {
		s.metrics.countEvent("", outcomeBadSig)
		return errorJSON(c, http.StatusUnauthorized, "The x-signature header does not match the body for any configured secret.")
	}

	env, err := wildix.Decode(body)
	if err != nil {
		s.metrics.countEvent("", outcomeBadRequest)
		return errorJSON(c, http.StatusBadRequest, decodeMessage(err))
	}
	typ := s.metrics.typeLabel(env.Type)
	if _, err := wildix.Translate(env); err != nil {
		if errors.Is(err, wildix.ErrUnknownType) {
			// Wildix adds event types over time: accept, count, ignore.
			s.metrics.countEvent(typ, outcomeUnknownType)
			return c.JSON(http.StatusAccepted, ingressResponse{Status: "ignored: unknown event type"})
		}
		s.metrics.countEvent(typ, outcomeBadRequest)
		return errorJSON(c, http.StatusBadRequest, "The event could not be understood: "+err.Error())
	}

	sum := sha256.Sum256(body)
	start := time.Now()
	seq, dup, err := s.log.Append(r.Context(), eventlog.Message{
		ID:   hex.EncodeToString(sum[:]),
		Body: body,
		Header: map[string]string{
			headerIntegration: env.IntegrationID,
			headerReceived:    start.UTC().Format(time.RFC3339Nano),
		},
	})
	if err != nil {
		s.metrics.countEvent(typ, outcomeUnavailable)
		s.logger.Error("Cannot store webhook", slog.String("type", env.Type), slog.Any("error", err))
		return errorJSON(c, http.StatusServiceUnavailable, "The event could not be stored; please retry.")
	}
	s.metrics.appendSeconds.Observe(time.Since(start).Seconds())

	// The event is durable: the answer is 2xx whatever follows. Waiting for
	// the local board to apply it gives the sender read-your-writes on this
	// node; it is bounded so that a slow consumer cannot delay the answer
	// past the PBX's timeout.
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ApplyWait)
	_ = s.state.waitApplied(ctx, seq)
	cancel()

	if dup {
		s.metrics.countEvent(typ, outcomeDuplicate)
		return c.JSON(http.StatusOK, ingressResponse{Status: "accepted", Duplicate: true})
	}
	s.metrics.countEvent(typ, outcomeAccepted)
	return c.JSON(http.StatusOK, ingressResponse{Status: "accepted"})
}

// decodeMessage turns a decode error into a sentence for the sender.
func decodeMessage(err error) string {
	switch {
	case errors.Is(err, wildix.ErrNoType):
		return "The event has no \"type\"."
	case errors.Is(err, wildix.ErrNotObject):
		return "The body is not a JSON object."
	default:
		return "The body could not be decoded."
	}
}
