package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestApplyValidateHelp checks that apply's help says what --validate does
// to unknown fields, and that kubectl refuses them as kdx does whatever
// --validate says: the server decides in a server-side apply.
func TestApplyValidateHelp(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	res := env.Kdx(t, "apply", "--help")
	wantResult(t, res, 0)
	if !strings.Contains(res.Stdout, "unknown fields are the server's to decide in a server-side apply, and it refuses them whatever this says") {
		t.Errorf("apply --help does not say who decides unknown fields:\n%s", res.Stdout)
	}
	ns := env.Namespace(t)
	file := manifestFile(t, "unknown.yaml", fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd, namespace: %s}\nbogus: 1\n", ns))
	for _, mode := range []string{"warn", "ignore"} {
		k := env.RunKubectl(t, "apply", "--server-side", "-f", file, "--validate="+mode)
		d := env.Kdx(t, "apply", "-f", file, "--validate="+mode)
		if k.ExitCode != 1 || d.ExitCode != 1 || !strings.Contains(k.Stderr, ".bogus: field not declared in schema") {
			t.Errorf("--validate=%s: kdx exit %d, kubectl exit %d (%s); want both refused", mode, d.ExitCode, k.ExitCode, k.Stderr)
		}
	}
}

// TestDeleteGracePeriodZero deletes Pods bound to a node without a kubelet,
// which stay Terminating for their grace period: --grace-period=0 without
// --force is taken as 1, as kubectl does; with --force the Pod is gone at
// once, with kubectl's warning.
func TestDeleteGracePeriodZero(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	var b strings.Builder
	for _, name := range []string{"kdx", "kubectl"} {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n  nodeName: ghost\n  containers: [{name: c, image: registry.invalid/c:1}]\n", name, ns)
	}
	env.Apply(t, b.String())
	grace := func(name string) string {
		return env.RunKubectl(t, "get", "pod", name, "-n", ns, "--ignore-not-found", "-o", "jsonpath={.metadata.deletionGracePeriodSeconds}").Stdout
	}
	run := func(args ...string) (kdx, kubectl testenv.Result) {
		args = append([]string{"delete", "pod", "-n", ns, "--wait=false"}, args...)
		return env.Kdx(t, append(args, "kdx")...), env.RunKubectl(t, append(args, "kubectl")...)
	}
	same := func(what string, d, k testenv.Result) {
		t.Helper()
		if strings.ReplaceAll(d.Stdout, "kdx", "X") != strings.ReplaceAll(k.Stdout, "kubectl", "X") || d.ExitCode != k.ExitCode {
			t.Errorf("%s: kdx %q (exit %d), kubectl %q (exit %d)", what, d.Stdout, d.ExitCode, k.Stdout, k.ExitCode)
		}
	}

	d, k := run("--grace-period=0")
	same("--grace-period=0", d, k)
	wantResult(t, d, 0, "Warning: --grace-period=0 without --force is taken as --grace-period=1")
	if d.Stdout != fmt.Sprintf("pod \"kdx\" deleted from %s namespace\n", ns) {
		t.Errorf("--grace-period=0: stdout %q", d.Stdout)
	}
	if g, gk := grace("kdx"), grace("kubectl"); g != "1" || gk != "1" {
		t.Errorf("--grace-period=0 without --force: grace periods kdx %q, kubectl %q; want 1 for both", g, gk)
	}

	d, k = run("--grace-period=0", "--force")
	same("--grace-period=0 --force", d, k)
	wantResult(t, d, 0)
	if d.Stderr != k.Stderr || !strings.HasPrefix(k.Stderr, "Warning: Immediate deletion") {
		t.Errorf("--force: kdx stderr %q, kubectl stderr %q", d.Stderr, k.Stderr)
	}
	if g, gk := grace("kdx"), grace("kubectl"); g != "" || gk != "" {
		t.Errorf("after --force: grace periods kdx %q, kubectl %q; want both pods gone", g, gk)
	}
}
