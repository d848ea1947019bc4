package ui

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/kdxproject/kdx/discovery"
)

// homeView is the API surface: every resource the server serves, as
// `kdx api-resources --count` prints it, then the group/versions that
// could not be discovered.
type homeView struct {
	snap     *discovery.Snapshot
	counts   []discovery.Count // nil until counted
	countErr error
	filter   filter

	header string
	rows   []string // the printed row of each resource
	// shown are the indexes of the resources shown (matching the filter),
	// then -1-i for failure i.
	shown []int
	pos   scroller
}

// set shows snap, with counts when not nil.
func (h *homeView) set(snap *discovery.Snapshot, counts []discovery.Count) error {
	var buf bytes.Buffer
	if err := discovery.PrintTable(&buf, snap.Resources, discovery.TableOptions{Counts: counts}); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	h.snap, h.counts = snap, counts
	h.header, h.rows = lines[0], lines[1:]
	h.rebuild()
	return nil
}

func (h *homeView) setFilter(f filter) {
	h.filter = f
	h.rebuild()
}

func (h *homeView) rebuild() {
	selected := h.selectedIndex()
	h.shown = h.shown[:0]
	for i, r := range h.rows {
		if h.filter.match(strings.ToLower(r)) {
			h.shown = append(h.shown, i)
		}
	}
	nres := len(h.shown)
	if h.snap != nil {
		for i := range h.snap.Failures {
			h.shown = append(h.shown, -1-i)
		}
	}
	for i, s := range h.shown[:nres] {
		if s == selected {
			h.pos.cursor = i
		}
	}
	h.pos.settle(len(h.shown), h.isRow, 1)
}

func (h *homeView) isRow(i int) bool { return h.shown[i] >= 0 }

// selectedIndex is the index of the resource under the cursor, or -1.
func (h *homeView) selectedIndex() int {
	if c := h.pos.cursor; c >= 0 && c < len(h.shown) && h.shown[c] >= 0 {
		return h.shown[c]
	}
	return -1
}

// selected is the resource under the cursor.
func (h *homeView) selected() (discovery.APIResource, bool) {
	i := h.selectedIndex()
	if i < 0 {
		return discovery.APIResource{}, false
	}
	return h.snap.Resources[i], true
}

// render is the view in height lines, and the index of the cursor's line.
func (h *homeView) render(height int) ([]string, int) {
	if h.snap == nil || height < 1 {
		return nil, -1
	}
	out := []string{h.header}
	rows := height - 1
	h.pos.fit(len(h.shown), rows)
	for _, s := range h.shown[h.pos.top:min(len(h.shown), h.pos.top+rows)] {
		if s >= 0 {
			out = append(out, h.rows[s])
			continue
		}
		f := h.snap.Failures[-1-s]
		out = append(out, fmt.Sprintf("unavailable: %s: %s", f.GroupVersion, f.Reason))
	}
	cursor := -1
	if h.selectedIndex() >= 0 {
		cursor = h.pos.cursor - h.pos.top + 1
	}
	return out, cursor
}
