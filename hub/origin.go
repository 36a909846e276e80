package hub

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SameOrigin returns an Options.CheckOrigin that accepts a request
//   - without an Origin header (a client that is not a browser, which no
//     browser page can pose as);
//   - whose Origin's host equals the request's Host, ignoring case; the
//     scheme is not compared, because behind a TLS-terminating proxy the
//     request itself does not know it; or
//   - whose Origin has the scheme and host of one of allowed, such as the
//     configured public URL ("https://board.example.com/wall/"; any path is
//     ignored), ignoring case.
//
// It refuses everything else, including the opaque Origin "null". It panics if
// an allowed URL lacks a scheme or a host: that is a programming or
// configuration error, to be caught by validating the configuration first.
func SameOrigin(allowed ...string) func(r *http.Request) bool {
	origins := make([]*url.URL, len(allowed))
	for i, a := range allowed {
		u, err := url.Parse(a)
		if err != nil || u.Scheme == "" || u.Host == "" {
			panic(fmt.Sprintf("hub: SameOrigin: allowed %q is not an absolute URL", a))
		}
		origins[i] = u
	}
	return func(r *http.Request) bool {
		header := r.Header.Get("Origin")
		if header == "" {
			return true
		}
		origin, err := parseOrigin(header)
		if err != nil {
			return false
		}
		if strings.EqualFold(origin.Host, r.Host) {
			return true
		}
		for _, a := range origins {
			if strings.EqualFold(origin.Scheme, a.Scheme) && strings.EqualFold(origin.Host, a.Host) {
				return true
			}
		}
		return false
	}
}

// parseOrigin parses an origin: a scheme and a host, and nothing else but an
// optional trailing slash.
func parseOrigin(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("origin %q: %w", s, err)
	}
	if u.Scheme == "" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("origin %q is not scheme://host[:port]", s)
	}
	return u, nil
}
