package pbxsim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wallboard/wallboard/wildix"
)

// Poster returns a send function for Run that delivers a body as a Wildix
// webhook would: a POST to url with Content-Type application/json and an
// x-signature header holding the lower-case hex HMAC-SHA256 of the body
// keyed with secret.
//
// A 2xx answer is success. A network error or a 5xx answer is retried up to
// three times with a short back-off; any other status, or the last failure,
// is returned as an error naming the status. The send function is safe for
// concurrent use if client is.
func Poster(client *http.Client, url string, secret []byte) func(ctx context.Context, body []byte) error {
	// Up to three retries, as the PBX makes, within about a second and a half.
	return poster(client, url, secret, []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 900 * time.Millisecond})
}

// poster is Poster with the back-off schedule as a parameter: backoff[i] is
// the wait before retry i+1.
func poster(client *http.Client, url string, secret []byte, backoff []time.Duration) func(ctx context.Context, body []byte) error {
	return func(ctx context.Context, body []byte) error {
		signature := wildix.Sign(secret, body)
		var err error
		for attempt := 0; ; attempt++ {
			var retry bool
			retry, err = post(ctx, client, url, signature, body)
			if !retry || attempt == len(backoff) {
				return err
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("pbxsim: post %s: %w (after %w)", url, ctx.Err(), err)
			case <-time.After(backoff[attempt]):
			}
		}
	}
}

// post makes one attempt and reports whether a failure is worth retrying.
func post(ctx context.Context, client *http.Client, url, signature string, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("pbxsim: post %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-signature", signature)
	resp, err := client.Do(req)
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("pbxsim: post %s: %w", url, err)
	}
	// Drain a little so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode >= 500:
		return true, fmt.Errorf("pbxsim: post %s: status %s", url, resp.Status)
	default:
		return false, fmt.Errorf("pbxsim: post %s: status %s", url, resp.Status)
	}
}
