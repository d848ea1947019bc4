package clientconfig

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// RedirectError is a redirect to another origin (scheme, host or port) that
// kdx refused to follow: client-go's credential round trippers add the
// token (or the basic auth, or a credential plugin's token) to every request
// they see, a redirected one included, and the client certificate is shown
// to any TLS server, so following would hand them to whoever the server
// named. kubectl follows; kdx stops with this error.
type RedirectError struct {
	// From is the URL that answered with the redirect, To where it pointed.
	From, To *url.URL
}

// maxRedirectURL bounds the redirect target quoted in the error: a hostile
// server's Location is not printed whole.
const maxRedirectURL = 200

func (e *RedirectError) Error() string {
	to := e.To.Redacted()
	if len(to) > maxRedirectURL {
		to = strings.ToValidUTF8(to[:maxRedirectURL], "") + "..."
	}
	return fmt.Sprintf("refused to follow a redirect from %s to %s (another %s): kdx sends credentials only to the server it is configured for",
		origin(e.From), to, differs(e.From, e.To))
}

// differs names what makes the origins of a and b different.
func differs(a, b *url.URL) string {
	switch {
	case !strings.EqualFold(a.Scheme, b.Scheme):
		return "scheme"
	case !strings.EqualFold(a.Hostname(), b.Hostname()):
		return "host"
	}
	return "port"
}

// origin is scheme://host[:port] of u, without its path or user info.
func origin(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (a port left out is the scheme's default).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// sameOriginRedirects is a transport that sends a request only if it is not
// a redirect to another origin than the request that was redirected. It is
// the innermost wrapper of every client kdx builds (see Load): the
// credential round trippers run before it, and it sends nothing that they
// prepared for another server.
type sameOriginRedirects struct {
	next http.RoundTripper
}

// RefuseCrossOriginRedirects wraps rt so that a redirect to another scheme,
// host or port is a *RedirectError instead of a request.
func RefuseCrossOriginRedirects(rt http.RoundTripper) http.RoundTripper {
	return &sameOriginRedirects{next: rt}
}

func (t *sameOriginRedirects) RoundTrip(req *http.Request) (*http.Response, error) {
	// http.Client sets Response on the request it makes for a redirect;
	// client-go's wrappers copy the request with it.
	if prev := req.Response; prev != nil && prev.Request != nil && prev.Request.URL != nil && !sameOrigin(prev.Request.URL, req.URL) {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper closes the body, even on errors
		}
		return nil, &RedirectError{From: prev.Request.URL, To: req.URL}
	}
	return t.next.RoundTrip(req)
}

// WrappedRoundTripper lets client-go find the transport underneath.
func (t *sameOriginRedirects) WrappedRoundTripper() http.RoundTripper { return t.next }

var _ utilnet.RoundTripperWrapper = (*sameOriginRedirects)(nil)
