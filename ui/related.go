package ui

import (
	"bytes"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/explain"
	"github.com/kdxproject/kdx/refs"
	"github.com/kdxproject/kdx/relate"
)

// focus is the object the keys of its related views are about: the
// object shown, or the row selected in a table (read when asked).
type focus struct {
	target          discovery.Target
	namespace, name string
	obj             *unstructured.Unstructured // nil until read
	path            string                     // the field under the YAML's cursor
}

// focused is the object of the object view, else of the table's row.
func (a *App) focused() (focus, bool) {
	if v := a.object; v != nil {
		f := focus{target: v.target, namespace: v.obj.GetNamespace(), name: v.obj.GetName(), obj: v.obj}
		if !v.describe {
			f.path = v.pathAt(v.cursor)
		}
		return f, true
	}
	if a.overlay != nil {
		return focus{}, false
	}
	if t := a.table(); t != nil {
		if s, r := t.selected(); r != nil {
			tg := s.target
			tg.Names = nil
			return focus{target: tg, namespace: r.namespace, name: r.name}, true
		}
	}
	return focus{}, false
}

// navKey handles the keys of the history and of an object's related
// views, on a table, an object or home.
func (a *App) navKey(k string) (tea.Cmd, bool) {
	if cmd, ok := a.historyKey(k); ok {
		return cmd, true
	}
	switch k {
	case "t", "T", "r", "E":
		if f, ok := a.focused(); ok {
			return a.related(k, f), true
		}
	case "i":
		return a.explainKey(), true
	case ":":
		a.input = &input{prompt: ":"}
		return nil, true
	}
	return nil, false
}

// related opens the view k of f: its tree (t), owners (T), references (r)
// or events (E), read in the background.
func (a *App) related(k string, f focus) tea.Cmd {
	c := a.currentContext() // a fleet's: the object's or the row's
	b := a.backendOf(c)
	name := objectName(f.target, f.namespace, f.name)
	p := &textPage{}
	switch k {
	case "t":
		p.title, p.headed = "tree "+name, true
		p.waiting = "Reading what " + name + " owns, in every type..."
	case "T":
		p.title, p.headed = "owners of "+name, true
		p.waiting = "Reading the owners of " + name + "..."
	case "r":
		p.title, p.headed = "refs "+name, true
		p.waiting = "Reading what " + name + " uses and what uses it..."
	case "E":
		p.title = "events of " + name
		p.waiting = "Reading the events of " + name + "..."
	}
	a.show(p)
	namespace := a.opts.Namespace
	if a.opts.AllNamespaces {
		namespace = ""
	}
	now, allNamespaces := a.now(), a.opts.AllNamespaces
	return func() tea.Msg {
		obj := f.obj
		if obj == nil {
			var err error
			if obj, err = b.Get(a.ctx, f.target, f.namespace, f.name); err != nil {
				return fill(p, "", nil, err)
			}
		}
		var buf bytes.Buffer
		var links []*link
		var err error
		switch k {
		case "t", "T":
			var tree *relate.Node
			tree, err = b.Tree(a.ctx, f.target, obj, k == "T", namespace)
			if tree == nil {
				return fill(p, "", nil, err)
			}
			links = append(links, nil) // the header
			tree.Walk(func(n *relate.Node) {
				if n.Mark == relate.Missing || n.Mark == relate.Unknown {
					links = append(links, nil)
					return
				}
				links = append(links, &link{gk: n.GVK.GroupKind(), namespace: n.Namespace, name: n.Name})
			})
			if werr := relate.WriteTable(&buf, tree, now); werr != nil {
				return fill(p, "", nil, werr)
			}
		case "r":
			var rows []refs.Row
			rows, err = b.Refs(a.ctx, f.target, obj, allNamespaces)
			if rows == nil && err != nil {
				return fill(p, "", nil, err)
			}
			if len(rows) == 0 {
				return retitled(p, p.title, false, fill(p, "No references found.", nil, err))
			}
			links = append(links, nil) // the header
			for _, r := range rows {
				if r.Status != refs.Found || r.Object.Name == "" {
					links = append(links, nil)
					continue
				}
				links = append(links, &link{gk: r.Object.GroupKind(), namespace: r.Object.Namespace, name: r.Object.Name})
			}
			if werr := refs.WriteTable(&buf, rows, false); werr != nil {
				return fill(p, "", nil, werr)
			}
		case "E":
			var events []describe.Event
			events, err = b.Events(a.ctx, obj)
			if werr := describe.WriteEvents(&buf, now, events); werr != nil {
				return fill(p, "", nil, werr)
			}
		}
		return fill(p, buf.String(), links, err)
	}
}

// fill is the message that fills p with text, or says err on the status
// line (and on the page, when it has no text).
func fill(p *textPage, text string, links []*link, err error) tea.Msg {
	return navMsg(func(a *App) tea.Cmd {
		if text != "" {
			p.set(text, links)
		}
		if err != nil {
			p.waiting, p.failure = "", oneLine(err)
			if a.overlay == p {
				a.status = oneLine(err)
			}
		}
		return nil
	})
}

// retitled is fill's message msg that also names p title, headed or not
// (pages are changed in Update only).
func retitled(p *textPage, title string, headed bool, msg tea.Msg) tea.Msg {
	return navMsg(func(a *App) tea.Cmd {
		p.title, p.headed = title, headed
		return msg.(navMsg)(a)
	})
}

// objectName names an object as kdx does: kind.group/name -n namespace.
func objectName(t discovery.Target, namespace, name string) string {
	s := strings.ToLower(t.GVK.Kind)
	if t.GVK.Group != "" {
		s += "." + t.GVK.Group
	}
	s += "/" + name
	if namespace != "" {
		s += " -n " + namespace
	}
	return s
}

// explainKey opens the schema of the field under the YAML's cursor, of
// the type of a table's row, or of home's type, as kdx explain prints it.
func (a *App) explainKey() tea.Cmd {
	b := a.backendOf(a.currentContext())
	var gvk schema.GroupVersionKind
	var name, path string
	switch f, ok := a.focused(); {
	case ok:
		gvk, name, path = f.target.GVK, f.target.QualifiedName(), f.path
		if f.obj != nil {
			gvk = f.obj.GroupVersionKind()
		}
	case a.overlay == nil && a.table() == nil:
		r, ok := a.home.selected()
		if !ok {
			return nil
		}
		gvk, name = r.GroupVersionKind(), r.QualifiedName()
	default:
		return nil
	}
	p := &textPage{title: "explain " + strings.TrimSuffix(name+" "+path, " "), waiting: "Reading the schema of " + name + "..."}
	a.show(p)
	return func() tea.Msg {
		// the field asked for, else the nearest field above it that the
		// schema describes (a key of a map: the map)
		steps, err := explain.ParsePath(path)
		if err != nil {
			return fill(p, "", nil, err)
		}
		for n := len(steps); ; n-- {
			text, err := b.Explain(a.ctx, gvk, explain.PathString(steps[:n]))
			if err == nil || n == 0 {
				title := "explain " + strings.TrimSuffix(name+" "+explain.PathString(steps[:n]), " ")
				return retitled(p, title, false, fill(p, text, nil, err))
			}
		}
	}
}

// openLink opens the object l names: its YAML, at l's field if any.
func (a *App) openLink(l *link) tea.Cmd {
	c := a.currentContext()
	b := a.backendOf(c)
	return func() tea.Msg {
		var t discovery.Target
		if l.target != nil {
			t = *l.target
		} else {
			targets, err := b.Resolve(a.ctx, []string{typeArg(l.gk)})
			if err != nil {
				return objectMsg{err: err}
			}
			if len(targets) != 1 {
				return objectMsg{err: fmt.Errorf("%s names %d types", typeArg(l.gk), len(targets))}
			}
			t = targets[0]
		}
		t.Names = nil
		obj, err := b.Get(a.ctx, t, l.namespace, l.name)
		if err != nil {
			return objectMsg{err: err}
		}
		return navMsg(func(a *App) tea.Cmd {
			v, err := newObjectView(t, obj, nil, a.now())
			if err != nil {
				a.status = oneLine(err)
				return nil
			}
			if l.path != "" {
				v.goToPath(l.path)
			}
			v.context = c
			a.object, a.overlay, a.xoff = v, nil, 0
			a.visit()
			return nil
		})
	}
}

// typeArg is how a type is named to the resolver: kind.group, as kdx get takes it.
func typeArg(gk schema.GroupKind) string {
	if gk.Group == "" {
		return strings.ToLower(gk.Kind)
	}
	return strings.ToLower(gk.Kind) + "." + gk.Group
}
