package clientconfig

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// TestEndTracesForwardsHooksOnce: the hooks of a request that dials pass
// through the gate, the net package's (ConnectStart) included, each once.
func TestEndTracesForwardsHooksOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer srv.Close()
	base := &http.Transport{}
	defer base.CloseIdleConnections()

	var connectStart, connectDone, gotConn, firstByte atomic.Int32
	trace := &httptrace.ClientTrace{
		ConnectStart:         func(string, string) { connectStart.Add(1) },
		ConnectDone:          func(string, string, error) { connectDone.Add(1) },
		GotConn:              func(httptrace.GotConnInfo) { gotConn.Add(1) },
		GotFirstResponseByte: func() { firstByte.Add(1) },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: Innermost(base)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body %q, want ok", body)
	}
	for name, n := range map[string]int32{"ConnectStart": connectStart.Load(), "ConnectDone": connectDone.Load(), "GotConn": gotConn.Load(), "GotFirstResponseByte": firstByte.Load()} {
		if n != 1 {
			t.Errorf("%s called %d times, want 1", name, n)
		}
	}
}

// TestEndTracesDropsLateHooks: a hook called after RoundTrip returned (as
// net/http does for a connection dialled for a request that got another one)
// does not reach the request's trace, whose reader may be reading it.
func TestEndTracesDropsLateHooks(t *testing.T) {
	var late *httptrace.ClientTrace
	next := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		late = httptrace.ContextClientTrace(req.Context())
		late.GotConn(httptrace.GotConnInfo{})
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	})
	var handshakes, conns atomic.Int32
	trace := &httptrace.ClientTrace{
		GotConn:          func(httptrace.GotConnInfo) { conns.Add(1) },
		TLSHandshakeDone: func(tls.ConnectionState, error) { handshakes.Add(1) },
		Got1xxResponse:   func(int, textproto.MIMEHeader) error { return io.EOF },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, "http://example.invalid/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EndTraces(next).RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if conns.Load() != 1 {
		t.Fatalf("GotConn during the request called %d times, want 1", conns.Load())
	}
	done := make(chan struct{})
	go func() { // another goroutine, as net/http's dialer is
		defer close(done)
		late.TLSHandshakeDone(tls.ConnectionState{}, nil)
		if err := late.Got1xxResponse(103, nil); err != nil {
			t.Errorf("a late Got1xxResponse returned %v, want nil", err)
		}
	}()
	<-done
	if n := handshakes.Load(); n != 0 {
		t.Errorf("TLSHandshakeDone after the request reached its trace %d times, want 0", n)
	}
}

// TestEndTracesWithoutTrace: a request with no trace is passed on as it is.
func TestEndTracesWithoutTrace(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	var got *http.Request
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) { got = r; return nil, io.EOF })
	if _, err := EndTraces(next).RoundTrip(req); err != io.EOF {
		t.Fatalf("err %v, want the inner one", err)
	}
	if got != req {
		t.Fatal("a request without a trace was copied")
	}
}
