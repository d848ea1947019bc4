package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/search"
)

// The palette's commands beside the names of types.
const (
	// allTypesCommand opens every listable object, as kdx get --all-types
	// lists them (without -A, the namespaced types of the namespace).
	allTypesCommand = "all-types"
	// grepCommand searches the content of objects, as kdx grep does:
	// grep PATTERN searches every listable type, grep PATTERN TYPE... the
	// types named.
	grepCommand = "grep"
)

// command runs a palette command: all-types, grep PATTERN [TYPE...];
// false for a type to open.
func (a *App) command(args []string) (tea.Cmd, bool) {
	switch {
	case len(args) == 1 && args[0] == allTypesCommand:
		allNamespaces := a.opts.AllNamespaces
		return func() tea.Msg {
			targets, err := a.b.AllTypes(a.ctx, allNamespaces)
			return resolvedMsg{args: args, targets: targets, err: err}
		}, true
	case args[0] == grepCommand:
		if len(args) < 2 {
			a.status = "grep needs a PATTERN: :grep PATTERN [TYPE...] (every type without TYPE)"
			return nil, true
		}
		return a.grep(args[1], args[2:]), true
	}
	return nil, false
}

// grep searches for pattern in the objects of types (every listable type
// without), in the namespace shown, and shows each match with its field
// path as it is found: the matches of each type once it and every type
// before it are read, in the order kdx grep prints them; enter opens the
// object's YAML at that field. The search runs while its page is shown
// (or the object opened from it): leaving it stops it (settleSearch).
func (a *App) grep(pattern string, types []string) tea.Cmd {
	m, err := search.New(search.Options{Pattern: pattern})
	if err != nil {
		a.status = oneLine(err)
		return nil
	}
	what := "every type"
	if len(types) > 0 {
		what = strings.Join(types, " ")
	}
	p := &textPage{waiting: fmt.Sprintf("Searching %s for %s...", what, pattern)}
	ctx, cancel := context.WithCancel(a.ctx)
	r := &grepRun{page: p, cancel: cancel, pattern: pattern, what: what, box: &grepBox{handoff: newHandoff()}}
	p.title = r.title()
	a.stopSearch()
	a.search = r
	a.show(p)
	namespace := a.opts.Namespace
	if a.opts.AllNamespaces {
		namespace = ""
	}
	allNamespaces := a.opts.AllNamespaces
	lineOpts := search.LineOptions{Namespace: allNamespaces, Width: max(a.width, 80)}
	b := a.b
	go func() {
		var targets []discovery.Target
		var err error
		if len(types) == 0 {
			targets, err = b.AllTypes(ctx, allNamespaces)
		} else {
			targets, err = b.Resolve(ctx, types)
		}
		if err != nil {
			r.box.finish(err)
			return
		}
		c := newGrepCollector(r.box, targets, lineOpts)
		r.box.finish(b.Grep(ctx, m, targets, namespace, c.match, c.done))
	}()
	return r.box.next(r)
}

// grepLimit is how many match lines a search holds: the matches past it
// are counted, not kept (nor shown).
var grepLimit = 10_000 // a variable for the tests

// grepRun is a search and its page.
type grepRun struct {
	page          *textPage
	cancel        context.CancelFunc
	box           *grepBox
	pattern, what string

	types, read      int // the types to search, those read
	matches, objects int // found so far
	shown            int // the match lines on the page
	ended, stopped   bool
}

// title names the search and what it found: so far while it runs, what
// it had found when it was stopped.
func (r *grepRun) title() string {
	t := fmt.Sprintf("grep %s in %s", r.pattern, r.what)
	found := plural(r.matches, "match", "matches") + " in " + plural(r.objects, "object", "objects")
	switch {
	case r.stopped:
		return fmt.Sprintf("%s: stopped, %s (%d/%d types read)", t, found, r.read, r.types)
	case r.ended:
		return t + ": " + found
	case r.types == 0: // resolving the types
		return t + ": searching..."
	}
	return fmt.Sprintf("%s: searching... %s so far (%d/%d types)", t, found, r.read, r.types)
}

// stopSearch stops the search under way, if any.
func (a *App) stopSearch() {
	if r := a.search; r != nil && !r.ended {
		r.cancel()
		r.stopped = true
		r.page.title = r.title()
	}
	a.search = nil
}

// settleSearch stops the search under way once the user has left it: it
// runs while its page is shown, or the object opened from one of its
// matches (enter, the next location), and stops on esc, on any other
// view, on quit.
func (a *App) settleSearch() {
	r := a.search
	if r == nil {
		return
	}
	if r.ended {
		a.search = nil
		return
	}
	if a.overlay == r.page {
		return
	}
	h := &a.hist
	if a.overlay == nil && a.object != nil && h.at > 0 && h.at < len(h.entries) &&
		h.entries[h.at].object == a.object && h.entries[h.at-1].overlay == r.page {
		return
	}
	a.stopSearch()
}

// apply shows what the search found since its last batch.
func (r *grepRun) apply(a *App, b grepBatch) tea.Cmd {
	p := r.page
	r.types = b.types
	r.read += b.read
	r.matches += b.matches
	r.objects += b.objects
	p.add(b.lines, b.links)
	r.shown += len(b.lines)
	if !b.done {
		p.title = r.title()
		return r.box.next(r)
	}
	if a.search == r {
		a.search = nil
	}
	r.ended = true
	r.cancel()
	if r.stopped && r.read == r.types && !errors.Is(b.err, context.Canceled) {
		r.stopped = false // it ended before it was stopped
	}
	if r.stopped {
		if r.shown == 0 {
			p.set("No match so far: the search was stopped.", nil)
		}
		p.title = r.title()
		return nil
	}
	if b.err != nil && b.types == 0 { // the types could not be resolved
		p.title = fmt.Sprintf("grep %s in %s", r.pattern, r.what)
		return fill(p, "", nil, b.err).(navMsg)(a)
	}
	switch {
	case r.shown == 0:
		p.set("No match.", nil)
	case r.matches > r.shown:
		p.add([]string{fmt.Sprintf("... and %s, not shown (only the first %d are kept)", plural(r.matches-r.shown, "more match", "more matches"), r.shown)}, []*link{nil})
	}
	p.title = r.title()
	return fill(p, "", nil, b.err).(navMsg)(a)
}

// grepBox carries what a search finds to its page in batches: the
// searching goroutine posts the matches of each type read, in order, and
// the page takes everything posted since its last batch.
type grepBox struct {
	handoff // guards batch
	batch   grepBatch
}

// grepBatch is what a search found since the last batch: the match lines
// of the types read (in their order, with the objects they name), how
// many matches and objects, and whether the search ended.
type grepBatch struct {
	lines            []string
	links            []*link
	types, read      int
	matches, objects int
	done             bool
	err              error
}

func (x *grepBox) add(f func(b *grepBatch)) { x.post(func() { f(&x.batch) }) }

func (x *grepBox) finish(err error) {
	x.add(func(b *grepBatch) { b.done, b.err = true, err })
}

// next waits for the next batch, and shows it on r's page.
func (x *grepBox) next(r *grepRun) tea.Cmd {
	return func() tea.Msg {
		return x.take(func() tea.Msg {
			b := x.batch
			x.batch = grepBatch{types: b.types}
			return navMsg(func(a *App) tea.Cmd { return r.apply(a, b) })
		})
	}
}

// grepCollector makes the match lines of each type as the reading
// goroutines find them, and hands those of each type read on to the box
// in type order, keeping at most grepLimit lines in all.
type grepCollector struct {
	box     *grepBox
	targets []discovery.Target
	opts    search.LineOptions

	mu     sync.Mutex
	found  []grepFound // by target, until read
	passed int         // the lines handed on
}

// grepFound is what was found in one type.
type grepFound struct {
	lines            []string
	links            []*link
	matches, objects int
	last             string // the namespace and name of the last object with a match
}

func newGrepCollector(box *grepBox, targets []discovery.Target, opts search.LineOptions) *grepCollector {
	box.add(func(b *grepBatch) { b.types = len(targets) })
	return &grepCollector{box: box, targets: targets, opts: opts, found: make([]grepFound, len(targets))}
}

// match keeps one match as its line (not its value), unless the lines
// already held reach the limit.
func (c *grepCollector) match(gm GrepMatch) {
	if gm.Target < 0 || gm.Target >= len(c.targets) {
		return
	}
	ns, name := gm.Object.GetNamespace(), gm.Object.GetName()
	c.mu.Lock()
	defer c.mu.Unlock()
	f := &c.found[gm.Target]
	f.matches++
	if key := ns + "/" + name; key != f.last { // an object's matches come in a row
		f.objects++
		f.last = key
	}
	if c.passed+len(f.lines) >= grepLimit {
		return
	}
	f.lines = append(f.lines, search.Line(gm.Object, gm.Match, gm.Secret, c.opts))
	f.links = append(f.links, &link{target: &c.targets[gm.Target], namespace: ns, name: name, path: gm.Match.Path})
}

// done hands the matches of target i on to the box: it and every target
// before it are read.
func (c *grepCollector) done(i int) {
	if i < 0 || i >= len(c.targets) {
		return
	}
	c.mu.Lock()
	f := c.found[i]
	c.found[i] = grepFound{}
	n := min(len(f.lines), grepLimit-c.passed)
	c.passed += n
	c.mu.Unlock()
	c.box.add(func(b *grepBatch) {
		b.lines, b.links = append(b.lines, f.lines[:n]...), append(b.links, f.links[:n]...)
		b.read++
		b.matches += f.matches
		b.objects += f.objects
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
