package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// deleteFixture is five configmaps (two labelled team=a) and two gadgets.
func deleteFixture(ns string) string {
	var b strings.Builder
	for i := range 5 {
		team := "b"
		if i < 2 {
			team = "a"
		}
		fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm%d, namespace: %s, labels: {team: %s}}\n---\n", i, ns, team)
	}
	for i := range 2 {
		fmt.Fprintf(&b, "apiVersion: multi.example.org/v2\nkind: Gadget\nmetadata: {name: g%d, namespace: %s, labels: {team: a}}\nspec: {size: %d}\n---\n", i, ns, i)
	}
	return b.String()
}

func TestDelete(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, deleteFixture(ns))
	names := func(types string) string {
		return env.RunKubectl(t, "get", types, "-n", ns, "-o", "name", "-l", "team").Stdout
	}

	t.Run("dry run deletes nothing", func(t *testing.T) {
		res := env.Kdx(t, "delete", "cm,gadgets", "-l", "team=a", "-n", ns, "--dry-run=server")
		wantResult(t, res, 0)
		checkGolden(t, "delete-dry-run", normalized(res.Stdout, ns, "NS"))
		if got := strings.Count(names("cm,gadgets"), "\n"); got != 7 {
			t.Errorf("%d objects left after a dry run, want 7", got)
		}
	})
	t.Run("by label, built-in and custom", func(t *testing.T) {
		res := env.Kdx(t, "delete", "cm,gadgets", "-l", "team=a", "-n", ns)
		wantResult(t, res, 0)
		checkGolden(t, "delete-selector", normalized(res.Stdout, ns, "NS"))
		if got := names("cm,gadgets"); got != "configmap/cm2\nconfigmap/cm3\nconfigmap/cm4\n" {
			t.Errorf("left: %q", got)
		}
	})
	t.Run("by name, parity with kubectl", func(t *testing.T) {
		k := env.Kdx(t, "delete", "cm", "cm2", "-n", ns)
		c := env.RunKubectl(t, "delete", "cm", "cm3", "-n", ns)
		if strings.ReplaceAll(k.Stdout, "cm2", "X") != strings.ReplaceAll(c.Stdout, "cm3", "X") || k.ExitCode != c.ExitCode {
			t.Errorf("kdx %q (exit %d), kubectl %q (exit %d)", k.Stdout, k.ExitCode, c.Stdout, c.ExitCode)
		}
	})
	t.Run("missing objects", func(t *testing.T) {
		res := env.Kdx(t, "delete", "cm/cm4", "cm/nope", "-n", ns)
		wantResult(t, res, 1, `failed to delete configmap/nope: configmaps "nope" not found`)
		if res.Stdout != fmt.Sprintf("configmap \"cm4\" deleted from %s namespace\n", ns) {
			t.Errorf("stdout %q", res.Stdout)
		}
		res = env.Kdx(t, "delete", "cm", "nope", "-n", ns, "--ignore-not-found")
		wantResult(t, res, 0)
		if res.Stdout != "" {
			t.Errorf("--ignore-not-found printed %q", res.Stdout)
		}
	})
	t.Run("by file and --all", func(t *testing.T) {
		env.Apply(t, deleteFixture(ns))
		file := manifestFile(t, "objs.yaml", deleteFixture(ns))
		res := env.Kdx(t, "delete", "-f", file, "-o", "name")
		wantResult(t, res, 0)
		if strings.Count(res.Stdout, "\n") != 7 || !strings.HasPrefix(res.Stdout, "configmap/cm0\n") {
			t.Errorf("-o name: %q", res.Stdout)
		}
		env.Apply(t, deleteFixture(ns))
		res = env.Kdx(t, "delete", "gadgets", "--all", "-n", ns)
		wantResult(t, res, 0)
		if strings.Count(res.Stdout, " deleted from ") != 2 {
			t.Errorf("--all: %q", res.Stdout)
		}
	})
	t.Run("forbidden user", func(t *testing.T) {
		res := env.Kdx(t, "--context", "restricted", "delete", "cm", "cm0", "-n", ns)
		wantResult(t, res, 1, `failed to delete configmap/cm0: configmaps "cm0" is forbidden: User "restricted" cannot delete resource "configmaps"`)
		res = env.Kdx(t, "--context", "restricted", "delete", "cm", "--all", "-n", ns)
		wantResult(t, res, 1, "error: configmaps is forbidden: User \"restricted\" cannot list")
	})
	t.Run("flags", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"delete"}, "you must provide one or more resources"},
			{[]string{"delete", "cm", "a", "--all"}, "names cannot be given together"},
			{[]string{"delete", "cm", "-A"}, "--all-namespaces (-A) needs"},
			{[]string{"delete", "cm", "--cascade=sometimes", "--all"}, "--cascade must be"},
			{[]string{"delete", "cm", "--now", "--grace-period=3", "--all"}, "--now and --grace-period"},
			{[]string{"delete", "cm", "x", "-o", "yaml"}, `unable to match a printer suitable for the output format "yaml", allowed formats are: name`},
		} {
			wantResult(t, env.Kdx(t, append(c.args, "-n", ns)...), 1, c.want)
		}
	})
}

func TestDeleteWaitsForFinalizers(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: %s, finalizers: [example.org/hold]}\n", ns))
	start := time.Now()
	res := env.Kdx(t, "delete", "cm", "held", "-n", ns, "--timeout", "2s")
	wantResult(t, res, 1, "gave up waiting for the deletion (finalizers still set: [example.org/hold])")
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("returned after %s, before the timeout", d)
	}
	res = env.Kdx(t, "delete", "cm", "held", "-n", ns, "--wait=false")
	wantResult(t, res, 0)
	// the finalizer goes once kdx's DELETE was answered (its -v=6 log says
	// so), not after a fixed time: a slow kdx found the object gone
	p := startKdx(t, env, env.Kubeconfig, "-v=6", "delete", "cm", "held", "-n", ns, "--cascade=foreground")
	deleted := func() bool {
		for _, line := range strings.Split(p.errText(), "\n") {
			if strings.Contains(line, `verb="DELETE"`) && strings.Contains(line, `status="200 OK"`) {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(watchTimeout); !deleted(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("kdx sent no DELETE; stderr:\n%s", p.errText())
		}
	}
	env.RunKubectl(t, "patch", "cm", "held", "-n", ns, "--type", "merge", "-p", `{"metadata":{"finalizers":null}}`)
	<-p.done
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("delete --cascade=foreground waiting for the finalizer: %v\nstdout:\n%s\nstderr:\n%s", err, p.output(), p.errText())
	}
	if got := env.RunKubectl(t, "get", "cm", "held", "-n", ns, "--ignore-not-found", "-o", "name").Stdout; got != "" {
		t.Errorf("delete --wait returned while the object exists")
	}
}
