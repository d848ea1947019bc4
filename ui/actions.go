package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/edit"
)

// The actions: delete (ctrl+d), edit (e), scale (s) of the selected object
// (a table's row, or the object shown), each through the Backend of the
// row's context, so that a fleet's view writes to that one context only.
// With --readonly each is refused with a line on the status line.

// actions is the explorer's state of its actions.
type actions struct {
	dialog *dialog
	// exec runs a command on the terminal, released while it runs
	// (tea.ExecProcess; tests run it directly).
	exec func(*exec.Cmd, tea.ExecCallback) tea.Cmd
	// getenv reads $KUBE_EDITOR and $EDITOR.
	getenv func(string) string
	// running counts the actions sent and not yet answered.
	running int
}

// selection is one object an action is about.
type selection struct {
	context         string
	target          discovery.Target
	namespace, name string
}

// what names the object: kind/name.
func (s selection) what() string { return ref(s.target, s.namespace, s.name).KindName() }

// dialog is a question over the view: a delete's confirmation, or the
// replicas of a scale.
type dialog struct {
	action   string // "delete" or "scale"
	sel      selection
	replicas string // typed (scale)
}

// Messages of the actions.
type (
	// actionMsg is an action's outcome: the line its command prints, or
	// its failure.
	actionMsg struct {
		action string
		sel    selection
		line   string
		err    error
	}
	// replicasMsg is the replicas read before a scale.
	replicasMsg struct {
		sel      selection
		replicas int64
		err      error
	}
	// editMsg is what an edit's goroutine asks: the editor run on path
	// (done gets its outcome), or nothing once the edit ended (next is nil).
	editMsg struct {
		path string
		done chan<- error
		next <-chan editMsg
		end  *actionMsg
	}
	// editorClosedMsg: the editor returned; the edit goes on.
	editorClosedMsg struct{ next <-chan editMsg }
)

// actionKeys are the keys of the actions.
var actionKeys = map[string]string{"ctrl+d": "delete", "e": "edit", "s": "scale"}

// actionKey starts the action of k, if it is one, on the selected object.
func (a *App) actionKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	action, ok := actionKeys[k.String()]
	if !ok {
		return nil, false
	}
	sel, ok := a.selected()
	if !ok {
		return nil, true
	}
	if a.opts.ReadOnly {
		a.status = fmt.Sprintf("read-only: %s is turned off (kdx ui --readonly)", action)
		return nil, true
	}
	switch action {
	case "delete":
		if !sel.target.Resource.Supports("delete") {
			a.status = fmt.Sprintf("%s cannot be deleted: the server does not support delete for this resource", sel.target.QualifiedName())
			return nil, true
		}
		a.act.dialog = &dialog{action: "delete", sel: sel}
	case "edit":
		return a.edit(sel), true
	case "scale":
		if !slices.Contains(sel.target.Resource.Subresources, "scale") {
			a.status = fmt.Sprintf("%s cannot be scaled: the resource has no scale subresource", sel.target.QualifiedName())
			return nil, true
		}
		b := a.backendOf(sel.context)
		a.act.running++
		return func() tea.Msg {
			n, err := b.Replicas(a.ctx, sel.target, sel.namespace, sel.name)
			return replicasMsg{sel: sel, replicas: n, err: err}
		}, true
	}
	return nil, true
}

// selected is the object under the cursor of a table, or the object shown.
func (a *App) selected() (selection, bool) {
	if v := a.object; v != nil {
		return selection{context: a.objectContext(), target: v.target, namespace: v.obj.GetNamespace(), name: v.obj.GetName()}, true
	}
	if t := a.table(); t != nil {
		if s, r := t.selected(); r != nil {
			return selection{context: a.rowContext(r), target: s.target, namespace: r.namespace, name: r.name}, true
		}
	}
	return selection{}, false
}

// dialogKey answers the dialog shown.
func (a *App) dialogKey(k tea.KeyPressMsg) tea.Cmd {
	d := a.act.dialog
	switch d.action {
	case "delete":
		a.act.dialog = nil
		if s := k.String(); s != "y" && s != "enter" {
			a.status = "delete cancelled"
			return nil
		}
		b := a.backendOf(d.sel.context)
		a.act.running++
		return func() tea.Msg {
			line, err := b.Delete(a.ctx, d.sel.target, d.sel.namespace, d.sel.name)
			return actionMsg{action: "delete", sel: d.sel, line: line, err: err}
		}
	case "scale":
		switch s := k.String(); {
		case s == "esc":
			a.act.dialog = nil
			a.status = "scale cancelled"
		case s == "backspace":
			d.replicas = d.replicas[:max(0, len(d.replicas)-1)]
		case s == "ctrl+u":
			d.replicas = ""
		case len(k.Text) == 1 && k.Text[0] >= '0' && k.Text[0] <= '9' && len(d.replicas) < 6:
			d.replicas += k.Text
		case s == "enter":
			n, err := strconv.ParseInt(d.replicas, 10, 32)
			if err != nil {
				return nil // nothing typed
			}
			a.act.dialog = nil
			b := a.backendOf(d.sel.context)
			a.act.running++
			return func() tea.Msg {
				line, err := b.Scale(a.ctx, d.sel.target, d.sel.namespace, d.sel.name, n)
				return actionMsg{action: "scale", sel: d.sel, line: line, err: err}
			}
		}
	}
	return nil
}

// edit edits the object in the user's editor, as kdx edit does: the
// Backend's edit runs on its own goroutine and asks for the editor here,
// which runs it on the terminal, released meanwhile.
func (a *App) edit(sel selection) tea.Cmd {
	b := a.backendOf(sel.context)
	a.act.running++
	ch := make(chan editMsg)
	editor := func(ctx context.Context, path string) error {
		done := make(chan error, 1)
		select {
		case ch <- editMsg{path: path, done: done, next: ch}:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	go func() {
		line, err := b.Edit(a.ctx, sel.target, sel.namespace, sel.name, editor)
		select {
		case ch <- editMsg{end: &actionMsg{action: "edit", sel: sel, line: line, err: err}}:
		case <-a.ctx.Done():
		}
	}()
	return waitEdit(ch)
}

func waitEdit(ch <-chan editMsg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

// getenv reads the environment ($KUBE_EDITOR, $EDITOR).
func (a *App) getenv(name string) string {
	if a.act.getenv != nil {
		return a.act.getenv(name)
	}
	return os.Getenv(name)
}

// actionUpdate handles the messages of the actions.
func (a *App) actionUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case replicasMsg:
		a.act.running--
		if msg.err != nil {
			a.status = fmt.Sprintf("scale %s: %s", msg.sel.what(), oneLine(msg.err))
			return nil, true
		}
		a.act.dialog = &dialog{action: "scale", sel: msg.sel, replicas: strconv.FormatInt(msg.replicas, 10)}
	case editMsg:
		if msg.end != nil {
			return a.actionUpdate(*msg.end)
		}
		run := a.act.exec
		if run == nil {
			run = tea.ExecProcess
		}
		done, next := msg.done, msg.next
		name := edit.EditorName(a.getenv)
		return run(edit.EditorCommand(name, msg.path), func(err error) tea.Msg {
			if err != nil {
				err = fmt.Errorf("the editor %q failed: %w", name, err)
			}
			done <- err
			return editorClosedMsg{next: next}
		}), true
	case editorClosedMsg:
		return waitEdit(msg.next), true
	case actionMsg:
		a.act.running--
		a.status = a.actionLine(msg)
		if msg.err == nil && a.object != nil && a.objectIs(msg.sel) {
			if msg.action == "delete" {
				a.object = nil
			} else {
				return a.get(msg.sel.target, msg.sel.namespace, msg.sel.name, a.object.describe), true
			}
		}
	default:
		return nil, false
	}
	return nil, true
}

// actionLine is the status line of an action's outcome: the line its
// command prints, or its failure, naming the object (and, in a fleet, its
// context).
func (a *App) actionLine(m actionMsg) string {
	where := ""
	if a.fleet() {
		where = fmt.Sprintf(" (context %s)", m.sel.context)
	}
	if m.err == nil {
		return cutLine(m.line + where)
	}
	var c *edit.ConflictError
	if errors.As(m.err, &c) {
		return cutLine(conflictLine(c, where))
	}
	return cutLine(fmt.Sprintf("%s %s%s: %s", m.action, m.sel.what(), where, oneLine(m.err)))
}

// conflictLine is the status line of an edit's conflict: the fields
// both changed, yours and the server's value (or those the server changed).
func conflictLine(c *edit.ConflictError, where string) string {
	var fields []string
	for _, f := range c.Fields {
		fields = append(fields, fmt.Sprintf("%s: yours %s, on the server %s", f.Path, f.Yours, f.Now))
	}
	for _, f := range c.Others {
		fields = append(fields, fmt.Sprintf("%s: on the server %s", f.Path, f.Now))
	}
	if len(fields) > 3 {
		fields = append(fields[:3], fmt.Sprintf("and %d more", len(fields)-3))
	}
	s := fmt.Sprintf("conflict: %s%s changed on the server while you edited it, nothing was written", c.Ref.KindName(), where)
	if len(fields) > 0 {
		s += " (" + strings.Join(fields, "; ") + ")"
	}
	return s + "; e edits it as it is now"
}

// objectIs says whether the object shown is sel's.
func (a *App) objectIs(sel selection) bool {
	v := a.object
	return v.obj.GetName() == sel.name && v.obj.GetNamespace() == sel.namespace && v.target.GVR == sel.target.GVR && a.objectContext() == sel.context
}

var dialogStyle = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)

// dialogOver draws the dialog, if any, over the middle of body (height
// lines); the cursor's line is not shown under it.
func (a *App) dialogOver(body []string, cursor, height int) ([]string, int) {
	d := a.act.dialog
	if d == nil {
		return body, cursor
	}
	var text []string
	switch d.action {
	case "delete":
		text = append(text, "Delete "+d.sel.what()+"?")
	case "scale":
		text = append(text, "Scale "+d.sel.what())
	}
	if d.sel.target.Namespaced {
		text = append(text, "namespace: "+d.sel.namespace)
	}
	text = append(text, "context: "+orNone(d.sel.context))
	switch d.action {
	case "delete":
		text = append(text, "", "y, enter: delete   any other key: cancel")
	case "scale":
		text = append(text, "replicas: "+d.replicas+"_", "", "enter: scale   esc: cancel")
	}
	style, widest := dialogStyle, 0
	for _, l := range text {
		widest = max(widest, ansi.StringWidth(l))
	}
	if w := max(10, a.width-4); widest+4 > w {
		style = style.Width(w) // wrapped
	}
	box := strings.Split(style.Render(strings.Join(text, "\n")), "\n")
	// the box's width is its widest line's
	bw := 0
	for _, l := range box {
		bw = max(bw, ansi.StringWidth(l))
	}
	out := make([]string, max(len(body), height))
	copy(out, body)
	top := max(0, (height-len(box))/2)
	left := strings.Repeat(" ", max(0, (a.width-bw)/2))
	for i, l := range box {
		if top+i < len(out) {
			out[top+i] = left + l
		}
	}
	if cursor >= top && cursor < top+len(box) {
		cursor = -1
	}
	return out, cursor
}

// dialogFooter is the footer while the dialog is shown.
func (a *App) dialogFooter() string {
	if a.act.dialog.action == "delete" {
		return "y, enter: delete   any other key: cancel"
	}
	return "0-9: replicas   enter: scale   esc: cancel"
}
