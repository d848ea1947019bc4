package dynamicclient

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// TestServerGate: once marked down, the gate holds waiters until the
// server answers again, then lets all of them go.
func TestServerGate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	c, err := New(&rest.Config{Host: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.gate.wait(ctx) // not down: returns at once
	c.gate.markDown(ctx)
	released := make(chan struct{})
	for range 3 {
		go func() {
			c.gate.wait(ctx)
			released <- struct{}{}
		}()
	}
	select {
	case <-released:
		t.Fatal("a waiter went on while the server is down")
	case <-time.After(3 * gateProbe):
	}
	if ln, err = net.Listen("tcp", addr); err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{}`)) })}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	for range 3 {
		select {
		case <-released:
		case <-time.After(5 * time.Second):
			t.Fatal("waiters still held after the server answered")
		}
	}
}
