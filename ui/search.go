package ui

import (
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
// path; enter opens the object's YAML at that field.
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
	p := &textPage{title: fmt.Sprintf("grep %s in %s", pattern, what), waiting: fmt.Sprintf("Searching %s for %s...", what, pattern)}
	a.show(p)
	namespace := a.opts.Namespace
	if a.opts.AllNamespaces {
		namespace = ""
	}
	allNamespaces := a.opts.AllNamespaces
	lineOpts := search.LineOptions{Namespace: allNamespaces, Width: max(a.width, 80)}
	return func() tea.Msg {
		var targets []discovery.Target
		var err error
		if len(types) == 0 {
			targets, err = a.b.AllTypes(a.ctx, allNamespaces)
		} else {
			targets, err = a.b.Resolve(a.ctx, types)
		}
		if err != nil {
			return fill(p, "", nil, err)
		}
		// each type is read by one goroutine, in the order of its list:
		// its matches are kept in that order, then shown type by type
		var mu sync.Mutex
		found := make([][]GrepMatch, len(targets))
		err = a.b.Grep(a.ctx, m, targets, namespace, func(gm GrepMatch) {
			mu.Lock()
			defer mu.Unlock()
			found[gm.Target] = append(found[gm.Target], gm)
		})
		var lines []string
		var links []*link
		objects := map[string]bool{}
		for _, ms := range found {
			for _, gm := range ms {
				t := &targets[gm.Target]
				lines = append(lines, search.Line(gm.Object, gm.Match, gm.Secret, lineOpts))
				links = append(links, &link{target: t, namespace: gm.Object.GetNamespace(), name: gm.Object.GetName(), path: gm.Match.Path})
				objects[t.QualifiedName()+"/"+gm.Object.GetNamespace()+"/"+gm.Object.GetName()] = true
			}
		}
		text := "No match."
		if len(lines) > 0 {
			text = strings.Join(lines, "\n")
		}
		title := fmt.Sprintf("grep %s in %s: %s in %s", pattern, what, plural(len(lines), "match", "matches"), plural(len(objects), "object", "objects"))
		return retitled(p, title, false, fill(p, text, links, err))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
