package e2e

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/kdxproject/kdx/internal/testenv"
)

// noControls fails t when out holds a control character but TAB and LF.
func noControls(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		if r != '\t' && r != '\n' && unicode.IsControl(r) {
			t.Errorf("%s: control character %U at byte %d:\n%q", what, r, i, out)
			return
		}
	}
}

// lineOf is the line of out that holds s ("" when none does).
func lineOf(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestE2EServerTextEscaped: ClusterRoles whose names hold ESC, BEL and a
// newline (the server accepts them), with an annotation holding ESC, a
// ClusterRoleBinding owned by both that refers to one: describe, grep,
// tree and refs print them escaped, each object on its own line(s), no
// control character reaching the terminal; describe writes the name and
// the annotation as kubectl describe does (issue 27.9).
func TestE2EServerTextEscaped(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t) // for a unique suffix
	label := "kdx-esc=" + ns[len(ns)-6:]
	red := "\x1b[31mkdx-esc-" + ns[len(ns)-6:] + "\x1b[0m"
	bell := "kdx-bel-" + ns[len(ns)-6:] + "\a\nName:         forged"
	t.Cleanup(func() { env.RunKubectl(t, "delete", "clusterroles,clusterrolebindings", "-l", label) })
	objs := env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: %q, labels: {kdx-esc: %q}, annotations: {note: "needle \e[5mblink\e[0m"}}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: %q, labels: {kdx-esc: %[2]q}, annotations: {note: "needle \a\e]0;title\a"}}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
`, red, ns[len(ns)-6:], bell))
	if objs[0].GetName() != red || objs[1].GetName() != bell {
		t.Fatalf("the server changed the names: %q, %q", objs[0].GetName(), objs[1].GetName())
	}
	binding := "kdx-esc-binding-" + ns[len(ns)-6:]
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: %s
  labels: {kdx-esc: %q}
  ownerReferences:
  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: %q, uid: %s}
  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: %q, uid: %s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %[5]q}
subjects: [{kind: ServiceAccount, name: default, namespace: %[7]s}]
`, binding, ns[len(ns)-6:], red, objs[0].GetUID(), bell, objs[1].GetUID(), ns))
	escRed := "^[[31mkdx-esc-" + ns[len(ns)-6:] + "^[[0m"
	escBell := "kdx-bel-" + ns[len(ns)-6:] + `^G\nName:         forged`

	// describe, beside kubectl describe.
	kdx := env.Kdx(t, "describe", "clusterroles", "-l", label, "--show-events=false")
	kubectl := env.RunKubectl(t, "describe", "clusterroles", "-l", label, "--show-events=false")
	if kdx.ExitCode != 0 || kubectl.ExitCode != 0 {
		t.Fatalf("describe: exit %d (kubectl %d): %s%s", kdx.ExitCode, kubectl.ExitCode, kdx.Stderr, kubectl.Stderr)
	}
	noControls(t, "kdx describe", kdx.Stdout)
	for _, s := range []string{"Name:         " + escRed, "Annotations:  note: needle ^[[5mblink^[[0m"} {
		if got, want := lineOf(kdx.Stdout, s), lineOf(kubectl.Stdout, s); got != s || want != s {
			t.Errorf("describe: kdx writes %q, kubectl %q, want %q", got, want, s)
		}
	}
	wantContains(t, "kdx describe", kdx.Stdout, "Name:         "+escBell+"\n", "note: needle ^G^[]0;title^G\n")
	if n := strings.Count(kdx.Stdout, "\nName:  "); n != 1 { // the second description's; the first is at the start
		t.Errorf("describe: %d Name lines after the first, want 1 (a name forged one):\n%s", n, kdx.Stdout)
	}

	// grep: one line per match, names and values escaped.
	grep := env.Kdx(t, "grep", "needle", "clusterroles", "-l", label)
	noControls(t, "kdx grep", grep.Stdout)
	wantContains(t, "kdx grep", grep.Stdout,
		"clusterrole.rbac.authorization.k8s.io/"+escRed+"  metadata.annotations.note: needle ^[[5mblink^[[0m\n",
		"clusterrole.rbac.authorization.k8s.io/"+escBell+"  metadata.annotations.note: needle ^G^[]0;title^G\n")
	if n := strings.Count(grep.Stdout, "\n"); grep.ExitCode != 0 || n != 2 {
		t.Errorf("kdx grep: exit %d, %d lines, want 0 and 2:\n%s%s", grep.ExitCode, n, grep.Stdout, grep.Stderr)
	}

	// tree: the binding's owners, one line each.
	tree := env.Kdx(t, "tree", "clusterrolebinding/"+binding, "--up")
	noControls(t, "kdx tree", tree.Stdout)
	wantContains(t, "kdx tree", tree.Stdout, "/"+escRed+" ", "/"+escBell+" ")
	if n := strings.Count(tree.Stdout, "\n"); tree.ExitCode != 0 || n != 4 {
		t.Errorf("kdx tree: exit %d, %d lines, want 0 and 4 (header, binding, two owners):\n%s%s", tree.ExitCode, n, tree.Stdout, tree.Stderr)
	}

	// refs: the role the binding uses, on one line.
	refs := env.Kdx(t, "refs", "clusterrolebinding/"+binding)
	noControls(t, "kdx refs", refs.Stdout)
	if l := lineOf(refs.Stdout, "roleRef"); !strings.Contains(l, "clusterrole.rbac.authorization.k8s.io/"+escBell+"   roleRef") {
		t.Errorf("kdx refs: the roleRef line is %q:\n%s%s", l, refs.Stdout, refs.Stderr)
	}
	if strings.Contains(refs.Stdout, "\nName:") {
		t.Errorf("kdx refs: a name forged a line:\n%s", refs.Stdout)
	}
}
