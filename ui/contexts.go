package ui

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// The contexts: the explorer runs on one context or a fleet of them
// (--context a,b, --all-contexts), each with its own Backend. Home is the
// API surface of the first; a table is every context's (fleet.go); an
// object is read, and written, in its row's context only. `:ctx` lists
// the kubeconfig's contexts and switches to one, or to those marked.

// contexts is the explorer's state of its contexts.
type contexts struct {
	// inUse are the contexts the views run on, the first home's; nil
	// before SetContexts (one context, a.b, named by Options.Context).
	inUse []string
	// all are every context of the kubeconfig, for :ctx.
	all      []KubeContext
	backends map[string]Backend
	connect  func(name string) (Backend, error)
	view     *contextsView // :ctx's list, shown over the rest
	// switches counts the switches of :ctx: a snapshot read before the
	// last one is of contexts no longer in use (switchedMsg).
	switches int
	handing  bool // switchUpdate hands a switchedMsg's snapshot on
}

// switchedMsg is the snapshot of home's context after switch number n.
type switchedMsg struct {
	n    int
	snap snapshotMsg
}

// KubeContext is a context of the kubeconfig as :ctx lists it: the
// columns of kubectl config get-contexts and of k9s's contexts view.
type KubeContext struct {
	Name, Cluster, User, Namespace string
	// Current is the kubeconfig's current-context.
	Current bool
}

// SetContexts sets the contexts the explorer runs on (several: a fleet;
// the first is home's), every context of the kubeconfig (for :ctx), and
// how to reach one; it connects the contexts in use, before the
// explorer runs.
func (a *App) SetContexts(inUse []string, all []KubeContext, connect func(name string) (Backend, error)) error {
	a.cx.connect, a.cx.all = connect, all
	a.cx.backends = map[string]Backend{}
	for _, c := range inUse {
		if _, err := a.backend(c); err != nil {
			return err
		}
	}
	a.cx.inUse = slices.Clone(inUse)
	a.b = a.cx.backends[inUse[0]]
	a.opts.Context = inUse[0]
	return nil
}

// backend is the Backend of context name, connected once.
func (a *App) backend(name string) (Backend, error) {
	if b, ok := a.cx.backends[name]; ok {
		return b, nil
	}
	if a.cx.connect == nil {
		return nil, fmt.Errorf("context %q: no way to reach it", name)
	}
	b, err := a.cx.connect(name)
	if err != nil {
		return nil, err
	}
	a.cx.backends[name] = b
	return b, nil
}

// backendOf is the Backend of the named context (of the contexts in use);
// a.b for one context.
func (a *App) backendOf(name string) Backend {
	if b, ok := a.cx.backends[name]; ok {
		return b
	}
	return a.b
}

// rowContext is the context of a table's row.
func (a *App) rowContext(r *row) string {
	if r.context != "" {
		return r.context
	}
	return a.opts.Context
}

// objectContext is the context of the object shown.
func (a *App) objectContext() string {
	if v := a.object; v != nil && v.context != "" {
		return v.context
	}
	return a.opts.Context
}

// currentContext is the context of what is selected: the object shown,
// else the table's row under the cursor, else home's.
func (a *App) currentContext() string {
	if a.object != nil {
		return a.objectContext()
	}
	if t := a.table(); t != nil {
		if _, r := t.selected(); r != nil {
			return a.rowContext(r)
		}
	}
	return a.opts.Context
}

// fleet says whether the explorer runs on several contexts.
func (a *App) fleet() bool { return len(a.cx.inUse) > 1 }

// contextTitle names the contexts in use, for the title line.
func (a *App) contextTitle() string {
	if a.fleet() {
		return query.Names(a.cx.inUse, 5)
	}
	return orNone(a.opts.Context)
}

// contextOf names the object's context after its name on the title
// line, in a fleet.
func (a *App) contextOf(v *objectView) string {
	if !a.fleet() {
		return ""
	}
	return " --context " + v.context
}

// homeTitle names home on the title line: whose API surface it is, in a fleet.
func (a *App) homeTitle() string {
	if a.fleet() {
		return fmt.Sprintf("api-resources of %s: %d", a.opts.Context, len(a.snap.Resources))
	}
	return fmt.Sprintf("api-resources: %d", len(a.snap.Resources))
}

// contextCommand runs :ctx (:context, :contexts): alone, the list of the
// kubeconfig's contexts; with names (a,b or a b), a switch to them.
func (a *App) contextCommand(args []string) (tea.Cmd, bool) {
	if len(args) == 0 || !slices.Contains([]string{"ctx", "context", "contexts"}, args[0]) {
		return nil, false
	}
	var names []string
	for _, arg := range args[1:] {
		for _, n := range strings.Split(arg, ",") {
			if n = strings.TrimSpace(n); n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		all := a.cx.all
		if len(all) == 0 { // the kubeconfig could not be read: those in use
			for _, n := range a.inUse() {
				all = append(all, KubeContext{Name: n})
			}
		}
		v, err := newContextsView(all, a.inUse())
		if err != nil {
			a.status = oneLine(err)
			return nil, true
		}
		a.cx.view = v
		return nil, true
	}
	return a.switchContexts(names), true
}

// inUse are the contexts the views run on.
func (a *App) inUse() []string {
	if a.cx.inUse != nil {
		return a.cx.inUse
	}
	return []string{a.opts.Context}
}

// switchContexts runs the views on names from now on: the tables close,
// home is the first's API surface.
func (a *App) switchContexts(names []string) tea.Cmd {
	for _, n := range names {
		if len(a.cx.all) > 0 && !slices.ContainsFunc(a.cx.all, func(c KubeContext) bool { return c.Name == n }) {
			a.status = fmt.Sprintf("context %q not found in kubeconfig", n)
			return nil
		}
		if _, err := a.backend(n); err != nil {
			a.status = oneLine(err)
			return nil
		}
	}
	for len(a.tables) > 0 {
		a.close()
	}
	a.cx.view = nil
	a.cx.inUse = names
	a.b = a.cx.backends[names[0]]
	a.opts.Context = names[0]
	a.snap, a.home, a.xoff = nil, &homeView{}, 0
	a.cx.switches++
	b, n := a.b, a.cx.switches
	return func() tea.Msg {
		snap, err := b.Snapshot(a.ctx)
		return switchedMsg{n: n, snap: snapshotMsg{snap: snap, err: err}}
	}
}

// switchUpdate drops what was read of the contexts used before a switch,
// and hands on what is read after it.
func (a *App) switchUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case switchedMsg:
		if msg.n != a.cx.switches {
			return nil, true
		}
		a.cx.handing = true
		_, cmd := a.update(msg.snap)
		return cmd, true
	case snapshotMsg: // read at the start, unless handed on
		if a.cx.handing {
			a.cx.handing = false
			return nil, false
		}
		return nil, a.cx.switches > 0
	case countsMsg:
		return nil, msg.snap != a.snap
	}
	return nil, false
}

// contextsView is :ctx's list of the kubeconfig's contexts, one row per
// context with its cluster, user and namespace, as k9s's contexts view
// shows them (kubectl config get-contexts's columns).
type contextsView struct {
	names  []string
	header string
	rows   []string // the printed row of each context
	inUse  []string
	marked []string
	pos    scroller
}

// contextColumns are the columns of :ctx's list: k9s's (AUTHINFO is the
// user, as kubectl config get-contexts names it).
var contextColumns = []metav1.TableColumnDefinition{{Name: "Name", Type: "string"}, {Name: "Cluster", Type: "string"},
	{Name: "AuthInfo", Type: "string"}, {Name: "Namespace", Type: "string"}}

// newContextsView is the list of contexts, printed as kdx get prints a
// table; the kubeconfig's current context is named with "(*)" after it,
// as k9s marks it.
func newContextsView(contexts []KubeContext, inUse []string) (*contextsView, error) {
	v := &contextsView{inUse: slices.Clone(inUse)}
	t := &metav1.Table{ColumnDefinitions: contextColumns}
	for _, c := range contexts {
		v.names = append(v.names, c.Name)
		name := c.Name
		if c.Current {
			name += "(*)"
		}
		t.Rows = append(t.Rows, metav1.TableRow{Cells: []any{name, c.Cluster, c.User, c.Namespace}})
	}
	var buf bytes.Buffer
	tw := render.NewTableWriter(&buf)
	if err := render.NewTablePrinter(render.TableOptions{}).PrintObj(t, tw.Writer()); err != nil {
		return nil, err
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	v.header, v.rows = lines[0], lines[1:]
	if len(v.rows) != len(v.names) {
		return nil, fmt.Errorf("the contexts' table has %d rows for %d contexts", len(v.rows), len(v.names))
	}
	if i := slices.Index(v.names, inUse[0]); i >= 0 {
		v.pos.cursor = i
	}
	return v, nil
}

// render is the list in height lines: a header, then a row per context,
// "*" before those in use, "+" before those marked.
func (v *contextsView) render(height int) ([]string, int) {
	if height < 1 {
		return nil, -1
	}
	out := []string{"   " + v.header}
	v.pos.fit(len(v.names), height-1)
	for i := v.pos.top; i < min(len(v.names), v.pos.top+height-1); i++ {
		mark := "   "
		switch n := v.names[i]; {
		case slices.Contains(v.marked, n):
			mark = "+  "
		case slices.Contains(v.inUse, n):
			mark = "*  "
		}
		out = append(out, mark+v.rows[i])
	}
	return out, v.pos.cursor - v.pos.top + 1
}

// contextsKey handles a key on :ctx's list.
func (a *App) contextsKey(k tea.KeyPressMsg) tea.Cmd {
	v := a.cx.view
	all := func(int) bool { return true }
	switch k.String() {
	case "q":
		return a.quit()
	case "esc":
		a.cx.view = nil
	case "up", "k":
		v.pos.move(len(v.names), all, -1)
	case "down", "j":
		v.pos.move(len(v.names), all, 1)
	case "home", "g":
		v.pos.move(len(v.names), all, -1<<30)
	case "end", "G":
		v.pos.move(len(v.names), all, 1<<30)
	case "space":
		if n := v.names[v.pos.cursor]; slices.Contains(v.marked, n) {
			v.marked = slices.DeleteFunc(v.marked, func(m string) bool { return m == n })
		} else {
			v.marked = append(v.marked, n)
		}
	case "enter":
		names := []string{v.names[v.pos.cursor]}
		if len(v.marked) > 0 { // in the kubeconfig's order
			names = slices.DeleteFunc(slices.Clone(v.names), func(n string) bool { return !slices.Contains(v.marked, n) })
		}
		return a.switchContexts(names)
	}
	return nil
}

// contextsFooter is the footer of :ctx's list.
func (a *App) contextsFooter() string {
	return "enter use it (or those marked)  space mark  esc back  * in use  (*) current"
}
