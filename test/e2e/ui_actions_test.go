package e2e

// End-to-end tests of `kdx ui`'s actions: delete, edit, scale, --readonly.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
	"github.com/kdxproject/kdx/internal/ttytest"
)

// ctrlD is ctrl+d as a terminal sends it.
const ctrlD = "\x04"

func TestUIDeleteConfirmedAndRefusedUnderReadOnly(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	kubectl(t, env, "create", "configmap", "doomed", "-n", ns)
	kubectl(t, env, "create", "configmap", "kept", "-n", ns)

	term := startUI(t, env, 200, 24, "configmaps", "-n", ns)
	term.WaitText("kube-root-ca.crt")
	// the cursor is on the first row, doomed: a dialog names it and its context
	term.Send(ctrlD)
	screen := term.WaitText("Delete configmap/doomed?")
	if !strings.Contains(screen, "namespace: "+ns) || !strings.Contains(screen, "context: admin") {
		t.Errorf("the dialog does not name the namespace and the context:\n%s", screen)
	}
	term.Send("n")
	term.WaitText("delete cancelled")
	kubectl(t, env, "get", "configmap", "doomed", "-n", ns)
	term.Send(ctrlD)
	term.WaitText("Delete configmap/doomed?")
	term.Send("y")
	term.WaitText(`configmap "doomed" deleted from ` + ns + " namespace")
	term.WaitFor("doomed's row to go", 0, func(s string) bool { return !strings.Contains(s, "\ndoomed ") })
	if r := env.RunKubectl(t, "get", "configmap", "doomed", "-n", ns); r.ExitCode == 0 {
		t.Errorf("doomed is still there after y")
	}
	quit(t, term)

	// --readonly: the title says so, and the delete is refused
	term = startUI(t, env, 200, 24, "configmaps", "-n", ns, "--readonly")
	screen = term.WaitText("kube-root-ca.crt")
	if !strings.Contains(strings.Split(screen, "\n")[0], "| read-only |") {
		t.Errorf("the title does not say read-only:\n%s", screen)
	}
	term.Send(ctrlD)
	term.WaitText("read-only: delete is turned off (kdx ui --readonly)")
	term.Send("y", ttytest.Enter) // no dialog to answer: y is nothing, enter opens the YAML
	term.WaitText("configmap/kept -n " + ns)
	term.Send(ctrlD)
	term.WaitText("read-only: delete is turned off")
	kubectl(t, env, "get", "configmap", "kept", "-n", ns)
	quit(t, term)
}

// TestUIEditConflict edits a config map whose field the editor script
// changes after someone else changed it on the server: the conflict is on
// the status line and the other change is kept; the second edit, with
// nobody in the way, is stored.
func TestUIEditConflict(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	kubectl(t, env, "create", "configmap", "settings", "-n", ns, "--from-literal=color=blue")
	dir := t.TempDir()
	script := filepath.Join(dir, "editor.sh")
	once := filepath.Join(dir, "changed")
	if err := os.WriteFile(script, []byte(`#!/bin/sh
if [ ! -e `+once+` ]; then
  touch `+once+`
  `+env.Kubectl()+` patch configmap settings -n `+ns+` --type merge -p '{"data":{"color":"green"}}' >/dev/null 2>&1 || exit 3
fi
sed -i 's/color: .*/color: red/' "$1"
`), 0o755); err != nil {
		t.Fatal(err)
	}
	term := startUIWith(t, env, []string{"KUBE_EDITOR=" + script}, 200, 24, "configmaps", "-n", ns)
	term.WaitText("settings")
	term.Send(ttytest.Down, "e")
	screen := term.WaitText("conflict: configmap/settings changed on the server while you edited it, nothing was written")
	if !strings.Contains(screen, `data.color: yours "red", on the server "green"`) {
		t.Errorf("the conflict does not name the field:\n%s", screen)
	}
	if got := kubectl(t, env, "get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.color}"); got != "green" {
		t.Errorf("after the conflict, color is %q, want the other change, green", got)
	}
	// again, as it is now
	term.Send("e")
	term.WaitText("configmap/settings edited")
	if got := kubectl(t, env, "get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.color}"); got != "red" {
		t.Errorf("after the edit, color is %q, want red", got)
	}
	quit(t, term)
}

func TestUIScale(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	kubectl(t, env, "create", "deployment", "web", "-n", ns, "--image=registry.invalid/web", "--replicas=1")
	term := startUI(t, env, 160, 24, "deployments", "-n", ns)
	term.WaitText("\nweb ")
	term.Send("s")
	term.WaitText("replicas: 1_")
	term.Send(ttytest.Backspace, "3", ttytest.Enter)
	term.WaitText("deployment.apps/web scaled")
	if got := kubectl(t, env, "get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"); got != "3" {
		t.Errorf("replicas %q after scaling to 3", got)
	}
	// a type without a scale subresource
	term.Type(":cm")
	term.Send(ttytest.Enter)
	term.WaitText("kube-root-ca.crt")
	term.Send("s")
	term.WaitText("configmaps cannot be scaled: the resource has no scale subresource")
	quit(t, term)
}
