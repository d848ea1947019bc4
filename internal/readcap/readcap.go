package readcap

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

// Sizes, for caps and their messages.
const (
	KiB int64 = 1 << 10
	MiB int64 = 1 << 20
	GiB int64 = 1 << 30
)

// MaxObjectBytes caps one object, one watch event or an error answer of a
// server: etcd stores objects of at most 1.5 MiB by default, and the API
// server takes requests of at most 3 MiB. It is client-go's own cap of a
// watch event, which it checks only once the event was read whole.
const MaxObjectBytes = 16 * MiB

// Error says that a source holds more than kdx reads of it.
type Error struct {
	// Source is what was read: "the response to GET https://host/api/v1/pods",
	// "STDIN document 2 (line 40)".
	Source string
	// Cap is the most kdx reads of it, in bytes.
	Cap int64
	// What names the cap: "kdx's cap for one watch event".
	What string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s is larger than %s, %s", e.Source, Size(e.Cap), e.What)
}

// Size is n in the largest unit that divides it: "16 MiB", "1 GiB", "1016 MiB", "300 bytes".
func Size(n int64) string {
	switch {
	case n >= GiB && n%GiB == 0:
		return fmt.Sprintf("%d GiB", n/GiB)
	case n >= MiB && n%MiB == 0:
		return fmt.Sprintf("%d MiB", n/MiB)
	case n >= KiB && n%KiB == 0:
		return fmt.Sprintf("%d KiB", n/KiB)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Reader reads at most a cap of bytes from another reader, then fails with
// its *Error.
type Reader struct {
	r    io.Reader
	left int64 // bytes still allowed; -1 once the cap was passed
	err  *Error
}

// NewReader returns a Reader of r that fails with err once r holds more than
// err.Cap bytes.
func NewReader(r io.Reader, err *Error) *Reader {
	return &Reader{r: r, left: err.Cap, err: err}
}

// Read reads from the underlying reader, reading one byte past the cap to
// tell a source of exactly the cap from a larger one.
func (l *Reader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, l.err
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - 1, l.err
	}
	return n, err
}

// Limit is the cap of one response's body (0 for none) and what names it.
type Limit struct {
	Cap  int64
	What string
}

// LimitFunc is the Limit of the body of resp, the answer to req.
type LimitFunc func(req *http.Request, resp *http.Response) Limit

// Transport caps the body of every response of rt as limit says.
func Transport(rt http.RoundTripper, limit LimitFunc) http.RoundTripper {
	return &transport{next: rt, limit: limit}
}

type transport struct {
	next  http.RoundTripper
	limit LimitFunc
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	l := t.limit(req, resp)
	if l.Cap <= 0 {
		return resp, nil
	}
	e := &Error{Source: "the response to " + req.Method + " " + RequestName(req.URL), Cap: l.Cap, What: l.What}
	resp.Body = body{Reader: NewReader(resp.Body, e), Closer: resp.Body}
	return resp, nil
}

// WrappedRoundTripper lets client-go's debugging tools see the transport beneath.
func (t *transport) WrappedRoundTripper() http.RoundTripper { return t.next }

type body struct {
	*Reader
	io.Closer
}

// RequestName is u without credentials nor query (a continue token can be
// long): scheme, host and path.
func RequestName(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return v.String()
}

// Quiet is ctx for a request whose body may fail to read (a cap passed,
// --request-timeout): client-go logs such an error on stderr besides
// returning it, which kdx reports itself. With -v=6 and more, client-go's
// logs are kept.
func Quiet(ctx context.Context) context.Context {
	if klog.V(6).Enabled() {
		return ctx
	}
	return klog.NewContext(ctx, logr.Discard())
}

type limitKey struct{}

// WithLimit asks the Transport's LimitFunc, through the request's context,
// to cap the responses of requests made with ctx at l (Cap 0: none).
func WithLimit(ctx context.Context, l Limit) context.Context {
	return context.WithValue(ctx, limitKey{}, l)
}

// LimitOf is the Limit WithLimit put in ctx.
func LimitOf(ctx context.Context) (Limit, bool) {
	l, ok := ctx.Value(limitKey{}).(Limit)
	return l, ok
}
