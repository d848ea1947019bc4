package dynamicclient

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"
)

// gateProbe is how often a gate asks a server that could not be reached
// whether it answers again.
const gateProbe = 200 * time.Millisecond

// serverGate makes the watches of one server wait together while it cannot
// be reached: one probe every gateProbe, instead of every watched type
// retrying on its own, and all of them go on as soon as it answers.
type serverGate struct {
	client *Client

	// mu guards down.
	mu sync.Mutex
	// down is set while the server cannot be reached; it is closed when
	// the server answers again.
	down chan struct{}
}

// unreachable reports whether err says that the server could not be
// reached at all (no HTTP answer).
func unreachable(err error) bool {
	var uerr *url.Error
	return errors.As(err, &uerr)
}

// markDown records that the server could not be reached and starts the
// probe, unless it runs already. ctx bounds the probe.
func (g *serverGate) markDown(ctx context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down != nil {
		return
	}
	g.down = make(chan struct{})
	go g.probe(ctx, g.down)
}

// wait returns once the server is not known to be down, or ctx ends.
func (g *serverGate) wait(ctx context.Context) {
	g.mu.Lock()
	ch := g.down
	g.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// probe asks for /version every gateProbe until the server answers
// anything over HTTP, then opens the gate.
func (g *serverGate) probe(ctx context.Context, ch chan struct{}) {
	defer func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.down = nil
		close(ch)
	}()
	tick := time.NewTicker(gateProbe)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		rctx, cancel := context.WithTimeout(ctx, 2*gateProbe)
		err := g.client.rest.Get().AbsPath("/version").MaxRetries(0).Do(rctx).Error()
		cancel()
		if !unreachable(err) || ctx.Err() != nil {
			return
		}
	}
}
