package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/kdxproject/kdx/dynamicclient"
)

// mailbox carries what a table's watch sees to the table, in batches: the
// watching goroutines post, and the table takes everything posted since
// its last batch, so that a list of 10,000 objects is a few updates of the
// screen, not 10,000.
type mailbox struct {
	id      int
	handoff // guards what follows

	changes []Change
	notices []dynamicclient.Notice
	synced  bool
	done    bool
	err     error

	// a fleet's table (fleet.go): the notices of its contexts, the
	// contexts yet to list and those that did
	ctxNotices []contextNotice
	pending    int
	settled    map[string]bool
}

func newMailbox(id int) *mailbox { return &mailbox{id: id, handoff: newHandoff()} }

func (m *mailbox) handlers() WatchHandlers {
	return WatchHandlers{
		Change: func(c Change) { m.post(func() { m.changes = append(m.changes, c) }) },
		Notice: func(n dynamicclient.Notice) { m.post(func() { m.notices = append(m.notices, n) }) },
		Synced: func() { m.post(func() { m.synced = true }) },
	}
}

func (m *mailbox) finish(err error) { m.post(func() { m.done, m.err = true, err }) }

// batchMsg is what a table's watch saw since the last batch.
type batchMsg struct {
	id      int
	changes []Change
	notices []dynamicclient.Notice
	synced  bool
	done    bool
	err     error

	ctxNotices []contextNotice // a fleet's
}

// next waits for the next batch.
func (m *mailbox) next() tea.Cmd {
	return func() tea.Msg {
		return m.take(func() tea.Msg {
			b := batchMsg{id: m.id, changes: m.changes, notices: m.notices, synced: m.synced, done: m.done, err: m.err, ctxNotices: m.ctxNotices}
			m.changes, m.notices, m.ctxNotices = nil, nil, nil
			return b
		})
	}
}
