package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"
)

// location is what the explorer shows: the tables open (the last shown),
// the object over the last table, a page over both (related objects,
// events, a schema, search results).
type location struct {
	tables  []*tableView
	object  *objectView
	overlay page
}

// history is every location visited, as a browser keeps it: back (esc,
// [) and forward (]) move along it, - goes to the location shown before
// this one (k9s's keys). Opening a view after going back drops the
// locations ahead; their tables' watches end unless another location
// shows them.
type history struct {
	entries []location
	at      int // the location shown
	last    int // the location shown before it
}

// here is the location shown.
func (a *App) here() location {
	return location{tables: slices.Clone(a.tables), object: a.object, overlay: a.overlay}
}

// visit records the location shown as the newest, after the one it was
// opened from.
func (a *App) visit() {
	h := &a.hist
	if len(h.entries) == 0 {
		h.entries = []location{{}} // home
	}
	dropped := slices.Clone(h.entries[h.at+1:])
	h.entries = append(h.entries[:h.at+1:h.at+1], a.here())
	h.last, h.at = h.at, len(h.entries)-1
	if len(h.entries) > maxHistory { // the oldest after home go
		dropped = append(dropped, h.entries[1:len(h.entries)-maxHistory+1]...)
		h.entries = append(h.entries[:1:1], h.entries[len(h.entries)-maxHistory+1:]...)
		h.at, h.last = len(h.entries)-1, len(h.entries)-2
	}
	a.closeUnshown(dropped)
}

// maxHistory is how many locations the history keeps, home included.
const maxHistory = 100

// closeUnshown ends the watches of the tables of dropped that no location
// shows any more.
func (a *App) closeUnshown(dropped []location) {
	for _, l := range dropped {
		for _, t := range l.tables {
			if !a.shown(t) {
				t.cancel()
			}
		}
	}
}

// shown says whether a location of the history, or the screen, shows t.
func (a *App) shown(t *tableView) bool {
	if slices.Contains(a.tables, t) {
		return true
	}
	for _, l := range a.hist.entries {
		if slices.Contains(l.tables, t) {
			return true
		}
	}
	return false
}

// findTable is the table of id, shown or in the history, or nil.
func (a *App) findTable(id int) *tableView {
	if i := slices.IndexFunc(a.tables, func(t *tableView) bool { return t.id == id }); i >= 0 {
		return a.tables[i]
	}
	for _, l := range a.hist.entries {
		if i := slices.IndexFunc(l.tables, func(t *tableView) bool { return t.id == id }); i >= 0 {
			return l.tables[i]
		}
	}
	return nil
}

// goTo shows the location at index i of the history.
func (a *App) goTo(i int) {
	h := &a.hist
	if i < 0 || i >= len(h.entries) || i == h.at {
		return
	}
	l := h.entries[i]
	a.tables, a.object, a.overlay = slices.Clone(l.tables), l.object, l.overlay
	h.last, h.at = h.at, i
	a.xoff = 0
}

// back goes back one location; without a history (none was visited), it
// closes the table shown.
func (a *App) back() {
	if a.hist.at > 0 {
		a.goTo(a.hist.at - 1)
		return
	}
	switch {
	case a.overlay != nil:
		a.overlay = nil
	case a.object != nil:
		a.object = nil
	case len(a.tables) > 0:
		a.close()
	}
}

// closeAll ends the watch of every table, shown or in the history.
func (a *App) closeAll() {
	for _, l := range a.hist.entries {
		for _, t := range l.tables {
			t.cancel()
		}
	}
	a.hist = history{}
}

// historyKey handles the keys of the history: [ back, ] forward, - the
// location shown before.
func (a *App) historyKey(k string) (tea.Cmd, bool) {
	switch k {
	case "[":
		a.back()
	case "]":
		a.goTo(a.hist.at + 1)
	case "-":
		a.goTo(a.hist.last)
	default:
		return nil, false
	}
	return nil, true
}

// navMsg is a change of the views, made when a read ends: it runs in
// Update.
type navMsg func(a *App) tea.Cmd

// show shows p over the tables, as a new location.
func (a *App) show(p page) {
	a.overlay, a.object, a.xoff = p, nil, 0
	a.visit()
}
