package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestApplySameObjectTwice applies an input that names one ConfigMap twice,
// with other objects between: the last document wins every time (as with
// kubectl, which writes one object after the other), the result lines keep
// input order, and one warning names the object.
func TestApplySameObjectTwice(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	var b strings.Builder
	doc := func(name, value string) {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: %s}\ndata: {a: %q}\n", name, ns, value)
	}
	doc("dup", "1")
	for i := range 20 {
		doc(fmt.Sprintf("other%d", i), "x")
	}
	doc("dup", "2")
	file := manifestFile(t, "twice.yaml", b.String())

	warning := fmt.Sprintf("Warning: the input names configmap/dup in namespace %s twice (%[2]s document 1 (line 2), %[2]s document 22 (line 107)): they are written in input order, so the last one wins\n", ns, file)
	for run := range 5 {
		res := env.Kdx(t, "apply", "-f", file)
		wantResult(t, res, 0)
		lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
		if len(lines) != 22 || !strings.HasPrefix(lines[0], "configmap/dup ") || !strings.HasPrefix(lines[21], "configmap/dup ") {
			t.Errorf("run %d: result lines not in input order:\n%s", run, res.Stdout)
		}
		if strings.Count(res.Stderr, "Warning:") != 1 || !strings.Contains(res.Stderr, warning) {
			t.Errorf("run %d: stderr %q, want the one warning %q", run, res.Stderr, warning)
		}
		if got := env.RunKubectl(t, "get", "cm", "dup", "-n", ns, "-o", "jsonpath={.data.a}").Stdout; got != "2" {
			t.Errorf("run %d: dup has a=%q, want the last document's 2", run, got)
		}
	}

	k := env.RunKubectl(t, "apply", "--server-side", "--field-manager=kdx", "-f", file)
	if k.ExitCode != 0 {
		t.Fatalf("kubectl apply: %s", k.Stderr)
	}
	if got := env.RunKubectl(t, "get", "cm", "dup", "-n", ns, "-o", "jsonpath={.data.a}").Stdout; got != "2" {
		t.Errorf("kubectl leaves dup with a=%q; kdx with 2", got)
	}
}
