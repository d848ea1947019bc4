package main

import "testing"

// TestK9sTitle: k9s's title count, as k9s v0.50.16 wrote it on the bench
// server (thousands separated), read as a number.
func TestK9sTitle(t *testing.T) {
	for title, want := range map[string]int{
		"┌ configmaps(all)[10,025] ┐": 10025,
		"┌ configmaps(all)[7] ┐":      7,
	} {
		if n, ok := k9sCount(title); !ok || n != want {
			t.Errorf("%q: got %d (%v), want %d", title, n, ok, want)
		}
	}
}
