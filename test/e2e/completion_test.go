package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// completionLines are the offers of a __complete run, sorted (kubectl
// lists kubeconfig entries in map order), then its directive line (":4").
func completionLines(t *testing.T, res testenv.Result) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	if res.ExitCode != 0 || len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("exit %d, stdout %q, stderr %q: not a completion answer", res.ExitCode, res.Stdout, res.Stderr)
	}
	offers := lines[:len(lines)-1]
	slices.Sort(offers)
	return append(offers, lines[len(lines)-1])
}

// TestCompletionMatchesKubectl: flag values and object names complete as
// testenv's kubectl v1.37.2 completes them, never with file names.
func TestCompletionMatchesKubectl(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: sprocket, namespace: %[1]s}
spec: {color: red, size: 3, widgetClass: standard}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: cog, namespace: %[1]s}
spec: {color: blue, size: 1, widgetClass: standard}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: alpha, namespace: %[1]s}
`, ns))
	for _, args := range [][]string{
		{"get", "pods", "-n", ""},
		{"get", "pods", "--namespace", "kube-"},
		{"get", "pods", "--context", ""},
		{"get", "--cluster", ""},
		{"get", "--user", ""},
		{"delete", "cm", ""},
		{"delete", "cm", "-n", ns, ""},
		{"delete", "cm", "-n", ns, "alpha", ""},
		{"patch", "gadget", "-n", ns, ""},
		{"patch", "gadget", "-n", ns, "s"},
		{"get", "cm/"},
		{"get", "cm/", "-n", ns},
		{"get", "gadgets/c", "-n", ns},
		{"get", "gadgets", "-n", ns, ""},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			full := append([]string{"__complete"}, args...)
			want := completionLines(t, env.RunKubectl(t, full...))
			got := completionLines(t, env.Kdx(t, full...))
			if !slices.Equal(got, want) {
				t.Errorf("kdx %v:\n%s\nkubectl:\n%s", full, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestCompletionAllNamespacesOncePerName: with -A (which kubectl ignores in
// completion), kdx offers the names of every namespace, each once.
func TestCompletionAllNamespacesOncePerName(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	label := env.Namespace(t)
	var b strings.Builder
	for range 3 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: twin, namespace: %s, labels: {twin: %s}}\n", env.Namespace(t), label)
	}
	env.Apply(t, b.String())
	got := completionLines(t, env.Kdx(t, "__complete", "get", "cm", "-A", "-l", "twin="+label, ""))
	if want := []string{"twin", ":4"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
