package clientconfig

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"reflect"
	"sync"

	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// Innermost wraps rt with what kdx puts under client-go's own round
// trippers on every client it builds: redirects to another origin are
// refused (see RefuseCrossOriginRedirects) and the request's trace hooks end
// with the request (see EndTraces).
func Innermost(rt http.RoundTripper) http.RoundTripper {
	return RefuseCrossOriginRedirects(EndTraces(rt))
}

// EndTraces wraps rt so that the httptrace hooks of a request are not called
// once rt's RoundTrip has returned, and run one at a time while it has not.
//
// net/http may call a request's hooks from other goroutines and after the
// request has completed: a connection dialled for a request that was given
// another one goes on with its TLS handshake. client-go's debugging round
// tripper (-v=9 and above) writes its timings from those hooks and reads
// them when the request returns, unlocked: a data race, which a kdx built
// with -race reports on a log of parallel requests. Under this wrapper every
// hook that runs happens before RoundTrip returns, and a late one is dropped
// (its timing was not going to be logged).
func EndTraces(rt http.RoundTripper) http.RoundTripper {
	return &endTraces{next: rt}
}

type endTraces struct {
	next http.RoundTripper
}

func (t *endTraces) RoundTrip(req *http.Request) (*http.Response, error) {
	trace := httptrace.ContextClientTrace(req.Context())
	if trace == nil {
		return t.next.RoundTrip(req)
	}
	g := &traceGate{}
	traced := httptrace.WithClientTrace(context.Background(), g.wrap(trace))
	resp, err := t.next.RoundTrip(req.WithContext(swapTrace{Context: req.Context(), traced: traced}))
	g.close()
	return resp, err
}

// WrappedRoundTripper lets client-go find the transport underneath.
func (t *endTraces) WrappedRoundTripper() http.RoundTripper { return t.next }

var _ utilnet.RoundTripperWrapper = (*endTraces)(nil)

// swapTrace is a request's context with its trace replaced: the keys under
// which httptrace stores a trace (its own and the net package's) are the
// only values of traced, a context holding the gated trace alone.
type swapTrace struct {
	context.Context
	traced context.Context
}

func (c swapTrace) Value(key any) any {
	if v := c.traced.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}

// traceGate runs hooks under one lock until it is closed, and none after.
type traceGate struct {
	mu     sync.Mutex
	closed bool
}

func (g *traceGate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// wrap returns a trace with each hook of trace behind the gate. A dropped
// hook returns its zero values (Got1xxResponse: a nil error, go on).
func (g *traceGate) wrap(trace *httptrace.ClientTrace) *httptrace.ClientTrace {
	out := &httptrace.ClientTrace{}
	src, dst := reflect.ValueOf(trace).Elem(), reflect.ValueOf(out).Elem()
	for i := range src.NumField() {
		hook := src.Field(i)
		if hook.Kind() != reflect.Func || hook.IsNil() || !dst.Field(i).CanSet() {
			continue
		}
		typ := hook.Type()
		dst.Field(i).Set(reflect.MakeFunc(typ, func(args []reflect.Value) []reflect.Value {
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.closed {
				zero := make([]reflect.Value, typ.NumOut())
				for j := range zero {
					zero[j] = reflect.Zero(typ.Out(j))
				}
				return zero
			}
			return hook.Call(args)
		}))
	}
	return out
}
