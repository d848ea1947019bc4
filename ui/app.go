package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// Options configure the explorer.
type Options struct {
	// Context is the kubeconfig context, shown on the title line.
	Context string
	// Namespace is the namespace of namespaced types (-n, else the
	// context's); AllNamespaces shows every namespace, with a NAMESPACE
	// column (-A).
	Namespace     string
	AllNamespaces bool
	// CountNamespace is where home counts objects: -n's namespace when
	// given, else "" for all (as api-resources --count counts).
	CountNamespace string
	// LabelSelector and Where are the filters of every table (-l,
	// --where), shown on the title line; the Backend applies them.
	LabelSelector string
	Where         []string
	// Open is the type to open at start, as typed after `kdx ui` (TYPE
	// [NAME...]); none: home.
	Open []string
	// ReadOnly refuses every action (delete, edit, scale), and says so on
	// the title line (--readonly).
	ReadOnly bool
}

// App is the explorer's Bubble Tea model.
type App struct {
	ctx  context.Context
	b    Backend
	opts Options

	width, height int
	home          *homeView
	tables        []*tableView // the tables opened from home, the last shown
	object        *objectView  // the object shown over the last table
	overlay       page         // a page shown over both (history.go)
	hist          history      // every location shown (history.go)
	input         *input       // the palette (:) or the filter (/) being typed
	help          bool
	helpTop       int    // the first line of the help shown (it scrolls)
	status        string // one line: the last failure
	warning       string // the last warning of the server
	nextID        int
	snap          *discovery.Snapshot
	warn          *warnings
	now           func() time.Time
	xoff          int // the first column shown (left, right)

	act    actions  // the actions (actions.go)
	cx     contexts // the contexts, a fleet's (contexts.go, fleet.go)
	search *grepRun // the search under way (search.go)
}

// SetBackend sets the explorer's backend, before it runs (a backend whose
// warnings go to Warnings).
func (a *App) SetBackend(b Backend) { a.b = b }

// New is the explorer over b; ctx ends every read it starts.
func New(ctx context.Context, b Backend, opts Options) *App {
	return &App{ctx: ctx, b: b, opts: opts, home: &homeView{}, width: 80, height: 24, now: time.Now, warn: &warnings{handoff: newHandoff()}}
}

// The messages of reads.
type (
	snapshotMsg struct {
		snap *discovery.Snapshot
		err  error
	}
	countsMsg struct {
		snap   *discovery.Snapshot
		counts []discovery.Count
		err    error
	}
	objectMsg struct {
		target discovery.Target
		obj    *unstructured.Unstructured
		desc   *describe.Description // with describe (d)
		err    error                 // the object could not be read
		derr   error                 // part of the description could not be read

		context string // the context it was read in
	}
	resolvedMsg struct {
		args    []string
		targets []discovery.Target
		err     error
	}
)

// Init reads discovery and opens the type asked for, if any.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.readSnapshot, a.warn.next, tick}
	if len(a.opts.Open) > 0 {
		cmds = append(cmds, a.resolve(a.opts.Open))
	}
	return tea.Batch(cmds...)
}

func (a *App) readSnapshot() tea.Msg {
	snap, err := a.b.Snapshot(a.ctx)
	return snapshotMsg{snap: snap, err: err}
}

func (a *App) count(snap *discovery.Snapshot) tea.Cmd {
	b, ns := a.b, a.opts.CountNamespace
	return func() tea.Msg {
		counts, err := b.Count(a.ctx, snap.Resources, ns)
		return countsMsg{snap: snap, counts: counts, err: err}
	}
}

func (a *App) resolve(args []string) tea.Cmd {
	if cmd, ok := a.contextCommand(args); ok {
		return cmd
	}
	if a.fleet() {
		return a.resolveFleet(args)
	}
	b := a.b
	return func() tea.Msg {
		targets, err := b.Resolve(a.ctx, args)
		return resolvedMsg{args: args, targets: targets, err: err}
	}
}

// tickMsg redraws the screen every second, for the ages.
type tickMsg struct{}

func tick() tea.Msg {
	time.Sleep(time.Second)
	return tickMsg{}
}

// Update handles a message. A panic (a kdx bug) is one line on the
// status line, not a crash with a stack trace.
func (a *App) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			a.status = internalError(r)
			m, cmd = a, nil
		}
	}()
	defer a.settleSearch() // a search the user left stops
	return a.update(msg)
}

func internalError(r any) string {
	return cutLine(fmt.Sprintf("internal error: %v (please report this as a kdx bug)", r))
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := a.actionUpdate(msg); ok {
		return a, cmd
	}
	if cmd, ok := a.fleetUpdate(msg); ok {
		return a, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
	case snapshotMsg:
		if msg.err != nil {
			a.status = "discovery: " + oneLine(msg.err)
			return a, nil
		}
		a.snap = msg.snap
		if err := a.home.set(msg.snap, nil); err != nil {
			a.status = oneLine(err)
		}
		return a, a.count(msg.snap)
	case countsMsg:
		if msg.err != nil && a.ctx.Err() == nil {
			a.status = "counting: " + oneLine(msg.err)
		}
		if msg.counts != nil {
			if err := a.home.set(msg.snap, msg.counts); err != nil {
				a.status = oneLine(err)
			}
		}
	case resolvedMsg:
		if msg.err != nil {
			a.status = oneLine(msg.err)
			return a, nil
		}
		a.status = ""
		return a, a.open(strings.Join(msg.args, " "), msg.targets)
	case batchMsg:
		return a, a.applyBatch(msg)
	case objectMsg:
		if msg.err != nil {
			a.status = oneLine(msg.err)
			return a, nil
		}
		if msg.derr != nil {
			a.status = oneLine(msg.derr)
		}
		if v := a.object; v != nil && msg.desc != nil && v.obj.GetUID() == msg.obj.GetUID() {
			v.desc = msg.desc // described from its view
			if err := v.show(true, a.now()); err != nil {
				a.status = oneLine(err)
			}
			return a, nil
		}
		v, err := newObjectView(msg.target, msg.obj, msg.desc, a.now())
		if err != nil {
			a.status = oneLine(err)
			return a, nil
		}
		v.context = msg.context
		a.object, a.overlay = v, nil
		a.visit()
	case navMsg:
		return a, msg(a)
	case tickMsg:
		return a, tick // a new frame: the ages
	case warningMsg:
		a.warning = cutLine(string(msg))
		return a, a.warn.next
	case tea.KeyPressMsg:
		return a.key(msg)
	}
	return a, nil
}

// open opens the live table of targets, named as the user named them,
// over the current view.
func (a *App) open(name string, targets []discovery.Target) tea.Cmd {
	if a.fleet() { // resolved by each context's discovery
		return a.resolveFleet(strings.Fields(name))
	}
	t, ctx, mb := a.push(name, targets)
	go func() { mb.finish(a.b.Watch(ctx, targets, t.namespace, mb.handlers())) }()
	return mb.next()
}

// push shows a new table of targets, named as the user named them, over
// the current view: its watch's context (ended when it closes) and mailbox.
func (a *App) push(name string, targets []discovery.Target) (*tableView, context.Context, *mailbox) {
	a.nextID++
	ns := a.opts.Namespace
	if a.opts.AllNamespaces {
		ns = ""
	}
	t := newTableView(a.nextID, targets, ns, a.opts.AllNamespaces)
	t.name = name
	ctx, cancel := context.WithCancel(a.ctx)
	t.cancel = cancel
	a.tables = append(a.tables, t)
	a.object, a.overlay, a.xoff = nil, nil, 0
	a.visit()
	t.mb = newMailbox(t.id)
	return t, ctx, t.mb
}

// get reads one object, for its view, and its description with describe.
func (a *App) get(t discovery.Target, namespace, name string, describe bool) tea.Cmd {
	t.Names = nil
	c := a.currentContext()
	b := a.backendOf(c)
	return func() tea.Msg {
		obj, err := b.Get(a.ctx, t, namespace, name)
		if err != nil || !describe {
			return objectMsg{target: t, obj: obj, err: err, context: c}
		}
		return a.describeIn(c, t, obj)()
	}
}

// describe gathers the description of obj.
func (a *App) describe(t discovery.Target, obj *unstructured.Unstructured) tea.Cmd {
	return a.describeIn(a.currentContext(), t, obj)
}

// describeIn is describe in context c.
func (a *App) describeIn(c string, t discovery.Target, obj *unstructured.Unstructured) tea.Cmd {
	b := a.backendOf(c)
	return func() tea.Msg {
		d, err := b.Describe(a.ctx, obj)
		return objectMsg{target: t, obj: obj, desc: &d, derr: err, context: c}
	}
}

// objectKey handles a key on the object's view.
func (a *App) objectKey(k tea.KeyPressMsg) tea.Cmd {
	v, h := a.object, a.contentHeight()
	if cmd, ok := a.navKey(k.String()); ok {
		return cmd
	}
	switch k.String() {
	case "q":
		return a.quit()
	case "esc":
		a.back()
	case "x":
		if v.secret() && !v.describe {
			if err := v.reveal(a.now()); err != nil {
				a.status = oneLine(err)
			}
		}
	case "d":
		if v.desc == nil {
			return a.describe(v.target, v.obj)
		}
		if err := v.show(true, a.now()); err != nil {
			a.status = oneLine(err)
		}
	case "y":
		if err := v.show(false, a.now()); err != nil {
			a.status = oneLine(err)
		}
	case "up", "k":
		v.scroll(-1, h)
	case "down", "j":
		v.scroll(1, h)
	case "pgup":
		v.scroll(-max(1, h-1), h)
	case "pgdown", "space":
		v.scroll(max(1, h-1), h)
	case "home", "g":
		v.scroll(-1<<30, h)
	case "end", "G":
		v.scroll(1<<30, h)
	case "left", "h":
		a.xoff = max(0, a.xoff-hstep)
	case "right", "l":
		a.xoff += hstep
	}
	return nil
}

// table is the table shown, nil on home.
func (a *App) table() *tableView {
	if len(a.tables) == 0 {
		return nil
	}
	return a.tables[len(a.tables)-1]
}

// applyBatch applies a batch to its table, if still open, and waits for
// the next.
func (a *App) applyBatch(b batchMsg) tea.Cmd {
	t := a.findTable(b.id)
	if t == nil {
		return nil // closed
	}
	t.apply(b.changes, a.now())
	t.noteContexts(b.ctxNotices)
	for _, n := range b.notices {
		switch n.Kind {
		case dynamicclient.NoticeReconnected, dynamicclient.NoticeRelisted:
			t.notice = ""
		default:
			t.notice = n.String()
		}
	}
	if b.synced && !t.synced {
		t.synced = true
		t.rebuild()
	}
	if b.done {
		if b.err != nil && a.ctx.Err() == nil {
			t.err = b.err
		}
		return nil
	}
	return t.mb.next()
}

// key handles a key press.
func (a *App) key(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if k.String() == "ctrl+c" {
		return a, a.quit()
	}
	a.status, a.warning = "", "" // said; the next key clears them
	if a.act.dialog != nil {
		return a, a.dialogKey(k)
	}
	if a.input != nil {
		return a, a.inputKey(k)
	}
	if a.help {
		// the help scrolls (the key table is longer than 24 lines);
		// any other key closes it
		h, n := a.contentHeight(), len(helpLines())
		switch k.String() {
		case "up", "k":
			a.helpTop--
		case "down", "j":
			a.helpTop++
		case "pgup":
			a.helpTop -= max(1, h-1)
		case "pgdown", "space":
			a.helpTop += max(1, h-1)
		default:
			a.help = false
			if k.String() != "q" {
				return a, nil
			}
		}
		a.helpTop = max(0, min(a.helpTop, n-h))
		if a.help {
			return a, nil
		}
	}
	if a.cx.view != nil {
		return a, a.contextsKey(k)
	}
	if a.overlay != nil {
		return a, a.pageKey(k)
	}
	if cmd, ok := a.actionKey(k); ok {
		return a, cmd
	}
	if a.object != nil {
		return a, a.objectKey(k)
	}
	if cmd, ok := a.navKey(k.String()); ok {
		return a, cmd
	}
	switch k.String() {
	case "q":
		return a, a.quit()
	case "?":
		a.help, a.helpTop = true, 0
	case ":":
		a.input = &input{prompt: ":"}
	case "/":
		a.input = &input{prompt: "/", text: a.filter().text}
	case "esc":
		switch {
		case a.filter().on():
			a.setFilter(filter{})
		case len(a.tables) > 0:
			a.back()
		}
	case "enter", "d":
		if t := a.table(); t != nil {
			if s, r := t.selected(); r != nil {
				return a, a.get(s.target, r.namespace, r.name, k.String() == "d")
			}
			return a, nil
		}
		if k.String() == "d" {
			return a, nil
		}
		if r, ok := a.home.selected(); ok {
			return a, a.open(r.QualifiedName(), []discovery.Target{targetOf(r)})
		}
	case "left", "h":
		a.xoff = max(0, a.xoff-hstep)
	case "right", "l":
		a.xoff += hstep
	case "u":
		if t := a.table(); t != nil {
			if s, r := t.selected(); r != nil && s.target.GVR.Group == "" && s.target.GVR.Resource == "namespaces" {
				a.opts.Namespace, a.opts.AllNamespaces = r.name, false
				if a.opts.CountNamespace != "" {
					a.opts.CountNamespace = r.name
				}
			}
		}
	case "o":
		if t := a.table(); t != nil {
			t.nextSort()
		}
	case "O":
		if t := a.table(); t != nil {
			t.reverseSort()
		}
	case "up", "k":
		a.move(-1)
	case "down", "j":
		a.move(1)
	case "pgup":
		a.move(-a.page())
	case "pgdown", "space":
		a.move(a.page())
	case "home", "g":
		a.move(-1 << 30)
	case "end", "G":
		a.move(1 << 30)
	}
	return a, nil
}

func (a *App) page() int { return max(1, a.contentHeight()-1) }

func (a *App) move(delta int) {
	if t := a.table(); t != nil {
		t.pos.move(len(t.lines), t.isRow, delta)
		return
	}
	a.home.pos.move(len(a.home.shown), a.home.isRow, delta)
}

func (a *App) filter() filter {
	if t := a.table(); t != nil {
		return t.filter
	}
	return a.home.filter
}

func (a *App) setFilter(f filter) {
	if t := a.table(); t != nil {
		t.setFilter(f)
		return
	}
	a.home.setFilter(f)
}

// close closes the table shown, ending its watch.
func (a *App) close() {
	t := a.table()
	t.cancel()
	a.tables = a.tables[:len(a.tables)-1]
	a.object = nil
	a.xoff = 0
}

func (a *App) quit() tea.Cmd {
	a.stopSearch()
	a.closeAll()
	for len(a.tables) > 0 {
		a.close()
	}
	return tea.Quit
}

// inputKey handles a key while the palette or the filter is typed.
func (a *App) inputKey(k tea.KeyPressMsg) tea.Cmd {
	in := a.input
	switch k.String() {
	case "esc":
		a.input = nil
		if in.prompt == "/" {
			a.setFilter(filter{})
		}
		return nil
	case "enter":
		a.input = nil
		if in.prompt == "/" {
			return nil
		}
		args := strings.Fields(in.text)
		if len(args) == 0 {
			return nil
		}
		if cmd, ok := a.command(args); ok {
			return cmd
		}
		return a.resolve(args)
	case "tab":
		if in.prompt == ":" {
			if c := completions(a.snap, in.text, 1); len(c) > 0 {
				in.text = c[0]
			}
		}
		return nil
	case "backspace":
		if r := []rune(in.text); len(r) > 0 {
			in.text = string(r[:len(r)-1])
		}
	case "ctrl+u":
		in.text = ""
	default:
		if k.Text == "" {
			return nil
		}
		in.text += k.Text
	}
	if in.prompt == "/" {
		a.setFilter(newFilter(in.text))
	}
	return nil
}

// input is a line being typed after a prompt.
type input struct {
	prompt, text string
}

// completions are the palette's suggestions, at most n: the resources
// named text (a name, kind, short name), the categories and resources
// whose name starts with text, then the resources whose name, kind, short
// names or group contain it.
func completions(snap *discovery.Snapshot, text string, n int) []string {
	if snap == nil || strings.TrimSpace(text) == "" || strings.Contains(text, " ") {
		return nil
	}
	text = strings.ToLower(text)
	var exact, prefix, inside []string
	seen := map[string]bool{}
	for _, r := range snap.Resources {
		for _, c := range r.Categories {
			if !seen[c] && strings.HasPrefix(c, text) {
				seen[c] = true
				prefix = append(prefix, c)
			}
		}
	}
	for _, r := range snap.Resources {
		name := r.QualifiedName()
		words := append([]string{r.Resource, strings.ToLower(r.Kind), r.Group, r.Singular}, r.ShortNames...)
		switch {
		case slices.Contains(words, text):
			exact = append(exact, name)
		case strings.HasPrefix(name, text):
			prefix = append(prefix, name)
		case slices.ContainsFunc(words, func(w string) bool { return strings.Contains(w, text) }):
			inside = append(inside, name)
		}
	}
	all := append(append(exact, prefix...), inside...)
	return all[:min(n, len(all))]
}

// hstep is how far left and right scroll.
const hstep = 8

// contentHeight is the lines between the title and the footer.
func (a *App) contentHeight() int { return max(1, a.height-2) }

var (
	titleStyle  = lipgloss.NewStyle().Reverse(true)
	cursorStyle = lipgloss.NewStyle().Reverse(true)
)

// View draws the screen: a title line, the view, a footer line.
func (a *App) View() tea.View {
	v := tea.NewView(a.Screen())
	v.AltScreen = true
	return v
}

// Screen is the screen's text with its styles; after a panic (a kdx bug),
// the title and the panic on the status line.
func (a *App) Screen() (screen string) {
	defer func() {
		if r := recover(); r != nil {
			a.status = internalError(r)
			screen = a.fit(a.title()) + strings.Repeat("\n", max(1, a.height-1)) + a.fit(a.status)
		}
	}()
	return a.screen()
}

func (a *App) screen() string {
	h := a.contentHeight()
	var body []string
	cursor := -1
	switch t := a.table(); {
	case a.help:
		body = helpLines()[min(a.helpTop, len(helpLines())):]
	case a.cx.view != nil:
		body, cursor = a.cx.view.render(h)
	case a.overlay != nil:
		body, cursor = a.overlay.render(h)
	case a.object != nil:
		body, cursor = a.object.render(h)
	case t != nil:
		var err error
		body, cursor, err = t.render(h, a.now())
		if err != nil {
			body, cursor = []string{oneLine(err)}, -1
		}
		if len(body) == 0 {
			body, cursor = []string{t.empty()}, -1
		}
	case a.snap == nil:
		body = []string{"Discovering the API..."}
	default:
		body, cursor = a.home.render(h)
	}
	body, cursor = a.dialogOver(body, cursor, h)
	lines := make([]string, 0, a.height)
	lines = append(lines, titleStyle.Render(a.fit(a.title())))
	for i := 0; i < h; i++ {
		l := ""
		if i < len(body) {
			l = a.fit(ansi.Cut(body[i], a.xoff, a.xoff+a.width))
		}
		if i == cursor {
			l = cursorStyle.Render(l + strings.Repeat(" ", max(0, a.width-ansi.StringWidth(l))))
		}
		lines = append(lines, l)
	}
	lines = append(lines, a.fit(a.footer()))
	return strings.Join(lines, "\n")
}

// fit cuts a line to the screen's width.
func (a *App) fit(s string) string { return ansi.Truncate(s, a.width, "") }

// title says where the explorer is: context, namespace, view, rows, filter.
func (a *App) title() string {
	ns := a.opts.Namespace
	if a.opts.AllNamespaces {
		ns = "all"
	}
	parts := []string{"kdx ui", "context: " + a.contextTitle(), "namespace: " + ns}
	if a.opts.ReadOnly {
		parts = append(parts, "read-only")
	}
	if a.cx.view != nil {
		parts = append(parts, fmt.Sprintf("contexts: %d", len(a.cx.view.names)))
	} else if a.overlay != nil {
		parts = append(parts, a.overlay.what())
	} else if v := a.object; v != nil {
		what := v.name() + a.contextOf(v)
		if v.describe {
			what = "describe " + what
		} else if v.secret() && !v.revealed {
			what += " (values hidden)"
		}
		parts = append(parts, what)
	} else if t := a.table(); t != nil {
		what := fmt.Sprintf("%s: %d", t.name, t.nrows)
		if t.filter.on() {
			what += fmt.Sprintf(" of %d", t.total())
		}
		if t.sortBy != "" {
			order := "ascending"
			if t.sortDesc {
				order = "descending"
			}
			what += " | sort: " + strings.ToUpper(t.sortBy) + " " + order
		}
		if !t.synced {
			what += " (listing)"
		}
		parts = append(parts, what)
	} else if a.snap != nil {
		parts = append(parts, a.homeTitle())
	}
	if a.opts.LabelSelector != "" {
		parts = append(parts, "-l "+a.opts.LabelSelector)
	}
	for _, w := range a.opts.Where {
		parts = append(parts, "--where "+w)
	}
	if f := a.filter(); f.on() && a.object == nil && a.overlay == nil {
		parts = append(parts, "filter: /"+f.text)
	}
	return " " + strings.Join(parts, " | ")
}

// footer is the input being typed, else the status (a failure, the
// watch's last notice), else the main keys.
func (a *App) footer() string {
	t := a.table()
	switch {
	case a.act.dialog != nil:
		return a.dialogFooter()
	case a.input != nil:
		s := a.input.prompt + a.input.text + "_"
		if a.input.prompt == ":" {
			if c := completions(a.snap, a.input.text, 5); len(c) > 0 {
				s += "   " + strings.Join(c, "  ")
			}
		}
		return s
	case a.status != "":
		return a.status
	case a.cx.view != nil:
		return a.contextsFooter()
	case t != nil && t.err != nil:
		return "watch ended: " + oneLine(t.err)
	case t != nil && t.notice != "":
		return t.notice
	case a.warning != "":
		return a.warning
	}
	if a.overlay != nil {
		return a.overlay.hint()
	}
	if v := a.object; v != nil {
		if v.secret() && !v.describe {
			return "esc back  d describe  x show/hide values  ? help  q quit"
		}
		return "esc back  d describe  y yaml  ? help  q quit"
	}
	return "enter open  : type  / filter  esc back  ? help  q quit"
}

func helpLines() []string {
	w := 0
	for _, k := range Keys {
		w = max(w, len(k.Keys))
	}
	out := []string{"Keys (up, down, pgup, pgdown scroll; any other key closes this help):", ""}
	for _, k := range Keys {
		out = append(out, fmt.Sprintf("  %-*s  %s", w, k.Keys, k.Does))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// oneLine is an error on one line, cut to a reasonable length.
func oneLine(err error) string {
	return cutLine(err.Error())
}

// cutLine is s on one line, cut to a reasonable length.
func cutLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
