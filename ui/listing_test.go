package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kdxproject/kdx/discovery"
)

// pagedBackend's watch hands out the first two rows of a list, as the
// engine hands out a first page, and the rest with Synced only once more
// is closed.
type pagedBackend struct {
	*fakeBackend
	more chan struct{}
}

func (p pagedBackend) Watch(ctx context.Context, targets []discovery.Target, ns string, h WatchHandlers) error {
	h.Change(cm("team-a", "first", 1, "1m"))
	h.Change(cm("team-a", "second", 1, "1m"))
	select {
	case <-p.more:
	case <-ctx.Done():
		return nil
	}
	h.Change(cm("team-b", "third", 1, "1m"))
	h.Synced()
	<-ctx.Done()
	return nil
}

// TestRowsBeforeTheWholeList: the rows of a first page are on screen, the
// title saying the table is still listing, before the rest of the list;
// once it is synced, every row is there and the title says no more.
func TestRowsBeforeTheWholeList(t *testing.T) {
	b := pagedBackend{fakeBackend: newFake(), more: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a := New(ctx, b, Options{Context: "kind-a", AllNamespaces: true, Open: []string{"configmaps"}})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 8})
	driveUntil(t, a, a.Init(), func() bool { tb := a.table(); return tb != nil && tb.total() == 2 })
	goldenScreen(t, "listing-first-page", a)
	close(b.more)
	drive(t, a, nil)
	s := screen(a)
	if !strings.Contains(s, "third") || strings.Contains(s, "(listing)") || !strings.Contains(s, "configmaps: 3") {
		t.Errorf("after the whole list:\n%s", s)
	}
}
