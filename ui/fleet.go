package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/query"
)

// A fleet's tables: what the user opens is resolved by each context's own
// discovery (as kdx get --context a,b resolves it), each cluster is
// watched by its own Backend's watch, and the rows have a CONTEXT column
// first, as kdx get prints a fleet. A context that cannot be resolved or
// watched (a cluster down) is a notice naming it on the last line; the
// others go on.

// fleetResolvedMsg is what each context of a fleet resolved args to.
type fleetResolvedMsg struct {
	args     []string
	contexts []string
	targets  [][]discovery.Target // by context
	errs     []error
}

// resolveFleet resolves args in every context of the fleet, at once.
func (a *App) resolveFleet(args []string) tea.Cmd {
	contexts := slices.Clone(a.cx.inUse)
	backends := make([]Backend, len(contexts))
	for i, c := range contexts {
		backends[i] = a.backendOf(c)
	}
	return func() tea.Msg {
		m := fleetResolvedMsg{args: args, contexts: contexts, targets: make([][]discovery.Target, len(contexts)), errs: make([]error, len(contexts))}
		_ = query.Ordered(a.ctx, len(contexts), len(contexts), func(ctx context.Context, i int) error {
			m.targets[i], m.errs[i] = backends[i].Resolve(ctx, args)
			return nil
		}, func(int, error) error { return nil })
		return m
	}
}

// fleetUpdate handles the messages of a fleet's tables.
func (a *App) fleetUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case fleetResolvedMsg:
		return a.openFleet(msg), true
	}
	return a.switchUpdate(msg)
}

// openFleet opens the live table of what the contexts resolved: each type
// once (by group and kind), in the order the contexts name them.
func (a *App) openFleet(m fleetResolvedMsg) tea.Cmd {
	var targets []discovery.Target
	index := map[schema.GroupKind]int{}
	sections := make([][]int, len(m.contexts)) // a context's targets' sections
	failed := map[string]string{}
	var failures []string
	for i, c := range m.contexts {
		if m.errs[i] != nil {
			failed[c] = oneLine(m.errs[i])
			failures = append(failures, fmt.Sprintf("context %q: %s", c, failed[c]))
			continue
		}
		for _, tg := range m.targets[i] {
			gk := tg.GVK.GroupKind()
			k, ok := index[gk]
			if !ok {
				k = len(targets)
				index[gk] = k
				targets = append(targets, tg)
			}
			sections[i] = append(sections[i], k)
		}
	}
	if len(targets) == 0 {
		a.status = cutLine(strings.Join(failures, "; "))
		return nil
	}
	t, ctx, mb := a.push(strings.Join(m.args, " "), targets)
	ns := t.namespace
	t.contexts = m.contexts
	order := map[string]int{}
	for i, c := range m.contexts {
		order[c] = i
	}
	for _, s := range t.sections {
		s.order = order
	}
	t.notices = failed
	t.summarizeNotices()
	var watched []int
	for i := range m.contexts {
		if m.errs[i] == nil {
			watched = append(watched, i)
		}
	}
	mb.pending = len(watched)
	backends := make([]Backend, len(watched))
	for j, i := range watched {
		backends[j] = a.backendOf(m.contexts[i])
	}
	go func() {
		_ = query.Ordered(ctx, len(watched), len(watched), func(ctx context.Context, j int) error {
			i := watched[j]
			c := m.contexts[i]
			err := backends[j].Watch(ctx, m.targets[i], ns, mb.contextHandlers(c, sections[i]))
			if err != nil && ctx.Err() == nil {
				mb.post(func() {
					mb.ctxNotices = append(mb.ctxNotices, contextNotice{context: c, text: "watch ended: " + oneLine(err)})
					mb.settle(c)
				})
			}
			return nil
		}, func(int, error) error { return nil })
		mb.finish(nil)
	}()
	return mb.next()
}

// contextNotice is a notice of one context of a fleet's watch: a notice
// of its watch, or text ("" clears the context's notice).
type contextNotice struct {
	context string
	notice  *dynamicclient.Notice
	text    string
}

// contextHandlers are the handlers of the watch of one context of a
// fleet's table: its rows named by the context, its targets' indexes made
// the table's sections'.
func (m *mailbox) contextHandlers(c string, sections []int) WatchHandlers {
	return WatchHandlers{
		Change: func(ch Change) {
			ch.Context = c
			if ch.Target >= 0 && ch.Target < len(sections) {
				ch.Target = sections[ch.Target]
			}
			m.post(func() { m.changes = append(m.changes, ch) })
		},
		Notice: func(n dynamicclient.Notice) {
			m.post(func() {
				m.ctxNotices = append(m.ctxNotices, contextNotice{context: c, notice: &n})
				if n.Kind == dynamicclient.NoticeDisconnected {
					m.settle(c) // not listed while down: the table is not waiting for it
				}
			})
		},
		Synced: func() { m.post(func() { m.settle(c) }) },
	}
}

// settle says that context c listed, or cannot: once every context has,
// the table is synced. Called within m.post.
func (m *mailbox) settle(c string) {
	if m.settled == nil {
		m.settled = map[string]bool{}
	}
	if m.settled[c] {
		return
	}
	m.settled[c] = true
	if m.pending--; m.pending <= 0 {
		m.synced = true
	}
}

// noteContexts keeps the last notice of each context of a fleet's table.
func (t *tableView) noteContexts(notices []contextNotice) {
	if len(notices) == 0 {
		return
	}
	for _, n := range notices {
		switch {
		case n.notice == nil && n.text == "":
			delete(t.notices, n.context)
		case n.notice == nil:
			t.notices[n.context] = n.text
		case n.notice.Kind == dynamicclient.NoticeReconnected || n.notice.Kind == dynamicclient.NoticeRelisted:
			delete(t.notices, n.context)
		default:
			t.notices[n.context] = n.notice.String()
		}
	}
	t.summarizeNotices()
}

// summarizeNotices makes the table's notice line of its contexts'
// notices, in context order: the first, and how many more.
func (t *tableView) summarizeNotices() {
	t.notice = ""
	var down []string
	for _, c := range t.contexts {
		if _, ok := t.notices[c]; ok {
			down = append(down, c)
		}
	}
	if len(down) > 0 {
		t.notice = fmt.Sprintf("context %q: %s", down[0], t.notices[down[0]])
	}
	if len(down) > 1 {
		t.notice = fmt.Sprintf("%s (and contexts %s)", t.notice, query.Names(down[1:], 5))
	}
}
