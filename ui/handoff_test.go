package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestHandoffBatches: posts made before a take are one message with all of
// them; take waits for the next post, and a post after a take wakes it.
func TestHandoffBatches(t *testing.T) {
	h := newHandoff()
	var got []int
	for i := range 3 {
		h.post(func() { got = append(got, i) })
	}
	takeAll := func() tea.Msg {
		b := got
		got = nil
		return b
	}
	if m := h.take(takeAll).([]int); len(m) != 3 {
		t.Fatalf("first take = %v, want the three posts", m)
	}
	taken := make(chan tea.Msg, 1)
	go func() { taken <- h.take(takeAll) }()
	select {
	case m := <-taken:
		t.Fatalf("take returned %v with nothing posted since the last", m)
	case <-time.After(50 * time.Millisecond):
	}
	h.post(func() { got = append(got, 7) })
	select {
	case m := <-taken:
		if b := m.([]int); len(b) != 1 || b[0] != 7 {
			t.Fatalf("take after one post = %v, want [7]", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("take did not wake on a post")
	}
}
