package ui

import (
	"sync"

	tea "charm.land/bubbletea/v2"
)

// handoff is how goroutines (watches, searches, the cluster's warnings)
// hand what they see to the explorer's update loop, in batches: post
// changes the pending state under the lock and wakes the one waiting
// command; take waits for a wake-up and turns everything posted since the
// last take into one message. Many posts between two takes are one update
// of the screen, not one each.
type handoff struct {
	signal chan struct{} // holds one wake-up while anything waits
	mu     sync.Mutex
}

func newHandoff() handoff { return handoff{signal: make(chan struct{}, 1)} }

// post runs f under the lock, then wakes the taker (if not already woken).
func (h *handoff) post(f func()) {
	h.mu.Lock()
	f()
	h.mu.Unlock()
	select {
	case h.signal <- struct{}{}:
	default:
	}
}

// take waits for a post, then returns f's message, made under the lock.
func (h *handoff) take(f func() tea.Msg) tea.Msg {
	<-h.signal
	h.mu.Lock()
	defer h.mu.Unlock()
	return f()
}
