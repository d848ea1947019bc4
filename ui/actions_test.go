package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/edit"
	"github.com/kdxproject/kdx/write"
)

// fakeActions are what the fake backend was asked to write.
type fakeActions struct {
	done     []string // "delete configmaps team-a/settings", "scale ... 5", "edit ..."
	conflict bool     // an edit is a conflict
	edited   string   // the file as the editor left it
}

func (f *fakeBackend) Delete(_ context.Context, t discovery.Target, ns, name string) (string, error) {
	f.acts.done = append(f.acts.done, fmt.Sprintf("delete %s %s/%s", t.QualifiedName(), ns, name))
	return write.Line(write.Result{Task: write.Task{Ref: ref(t, ns, name)}, Action: write.ActionDeleted}), nil
}

func (f *fakeBackend) Edit(ctx context.Context, t discovery.Target, ns, name string, editor edit.Editor) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("kdx-ui-test-%d.yaml", os.Getpid()))
	defer os.Remove(path)
	if err := os.WriteFile(path, []byte("data:\n  color: blue\n"), 0o600); err != nil {
		return "", err
	}
	if err := editor(ctx, path); err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	f.acts.edited = string(b)
	f.acts.done = append(f.acts.done, fmt.Sprintf("edit %s %s/%s", t.QualifiedName(), ns, name))
	r := ref(t, ns, name)
	switch {
	case f.acts.conflict:
		return "", &edit.ConflictError{Ref: r, ReadVersion: "7", NowVersion: "8",
			Fields: []edit.Field{{Path: "data.color", Yours: `"red"`, Now: `"green"`, Read: `"blue"`}}}
	case string(b) == "data:\n  color: blue\n":
		return edit.Unchanged, nil
	}
	return r.KindName() + " edited", nil
}

func (f *fakeBackend) Replicas(_ context.Context, t discovery.Target, ns, name string) (int64, error) {
	return 3, nil
}

func (f *fakeBackend) Scale(_ context.Context, t discovery.Target, ns, name string, n int64) (string, error) {
	f.acts.done = append(f.acts.done, fmt.Sprintf("scale %s %s/%s %d", t.QualifiedName(), ns, name, n))
	return ref(t, ns, name).KindName() + " scaled", nil
}

// runEditors runs the editor directly, as tea.ExecProcess would once it
// released the terminal; the editor is script.
func runEditors(a *App, script string) {
	a.act.exec = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg { return fn(c.Run()) }
	}
	a.act.getenv = func(name string) string {
		if name == "KUBE_EDITOR" {
			return script
		}
		return ""
	}
}

// editorScript is an editor that runs sh's command on its file ($1).
func editorScript(t *testing.T, command string) string {
	script := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"+command+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

func footer(a *App) string {
	lines := strings.Split(strings.TrimSuffix(screen(a), "\n"), "\n")
	return lines[len(lines)-1]
}

func TestDeleteConfirmed(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 80, 14)
	press(t, a, "down", "ctrl+d")
	goldenScreen(t, "delete-dialog", a)
	if len(f.acts.done) != 0 {
		t.Fatalf("deleted before the confirmation: %q", f.acts.done)
	}
	press(t, a, "y")
	if got := strings.Join(f.acts.done, "; "); got != "delete configmaps team-a/settings" {
		t.Errorf("done %q", got)
	}
	if got := footer(a); got != `configmap "settings" deleted from team-a namespace` {
		t.Errorf("the status line %q", got)
	}
	// enter confirms too; from the object's YAML, which closes
	press(t, a, "enter", "ctrl+d", "enter")
	if got := f.acts.done[len(f.acts.done)-1]; got != "delete configmaps team-a/settings" || a.object != nil {
		t.Errorf("done %q, the object view left open: %v", got, a.object != nil)
	}
}

func TestDeleteCancelled(t *testing.T) {
	for _, k := range []string{"n", "esc", "q"} {
		f := newFake()
		a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 80, 14)
		if quit := press(t, a, "ctrl+d", k); quit {
			t.Errorf("%s in the dialog quit", k)
		}
		if len(f.acts.done) != 0 || a.act.dialog != nil || footer(a) != "delete cancelled" {
			t.Errorf("after ctrl+d %s: done %q, dialog %v, status %q", k, f.acts.done, a.act.dialog, footer(a))
		}
	}
}

func TestReadOnlyRefusesEveryAction(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", ReadOnly: true, Open: []string{"deployments"}}, 80, 8)
	runEditors(a, "false")
	press(t, a, "ctrl+d")
	goldenScreen(t, "read-only-delete", a)
	for _, k := range []string{"e", "s"} {
		press(t, a, k)
		if a.act.dialog != nil || !strings.HasPrefix(footer(a), "read-only: ") {
			t.Errorf("%s under --readonly: dialog %v, status %q", k, a.act.dialog, footer(a))
		}
	}
	press(t, a, "enter") // the YAML: refused there too
	press(t, a, "ctrl+d", "y")
	if len(f.acts.done) != 0 || f.acts.edited != "" {
		t.Errorf("under --readonly: done %q", f.acts.done)
	}
}

func TestEdit(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 80, 8)
	runEditors(a, editorScript(t, `sed -i 's/blue/red/' "$1"`))
	press(t, a, "down", "e")
	if f.acts.edited != "data:\n  color: red\n" || footer(a) != "configmap/settings edited" {
		t.Errorf("edited %q, status %q", f.acts.edited, footer(a))
	}
	// unchanged
	runEditors(a, "true")
	press(t, a, "e")
	if footer(a) != edit.Unchanged {
		t.Errorf("status %q", footer(a))
	}
	// the editor fails
	runEditors(a, "false")
	press(t, a, "e")
	if got := footer(a); got != `edit configmap/settings: the editor "false" failed: exit status 1` {
		t.Errorf("status %q", got)
	}
}

func TestEditConflict(t *testing.T) {
	f := newFake()
	f.acts.conflict = true
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 160, 6)
	runEditors(a, editorScript(t, `sed -i 's/blue/red/' "$1"`))
	press(t, a, "down", "e")
	goldenScreen(t, "edit-conflict", a)
}

func TestScale(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"deployments"}}, 80, 14)
	press(t, a, "s")
	goldenScreen(t, "scale-dialog", a)
	press(t, a, "x", "backspace", "5", "enter")
	if got := strings.Join(f.acts.done, "; "); got != "scale deployments.apps team-a/web 5" {
		t.Errorf("done %q", got)
	}
	if got := footer(a); got != "deployment.apps/web scaled" {
		t.Errorf("status %q", got)
	}
	press(t, a, "s", "esc")
	if footer(a) != "scale cancelled" || len(f.acts.done) != 1 {
		t.Errorf("esc: status %q, done %q", footer(a), f.acts.done)
	}
	// a type without a scale subresource
	press(t, a, ":", "cm", "enter", "s")
	if got := footer(a); got != "configmaps cannot be scaled: the resource has no scale subresource" {
		t.Errorf("status %q", got)
	}
}
