package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

func TestReplace(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: %[1]s}
data: {a: "1"}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g, namespace: %[1]s}
spec: {size: 1, color: red}
`, ns))
	get := func(args ...string) string {
		return env.RunKubectl(t, append([]string{"get", "-n", ns, "-o", "yaml"}, args...)...).Stdout
	}
	cm := get("cm", "cfg")
	gadget := get("gadget", "g")

	res := env.KdxIn(t, strings.NewReader(strings.Replace(cm, `a: "1"`, `a: "2"`, 1)), nil, "replace", "-f", "-")
	wantResult(t, res, 0)
	if res.Stdout != "configmap/cfg replaced\n" {
		t.Errorf("replace: got %q", res.Stdout)
	}

	t.Run("conflict names who changed the object", func(t *testing.T) {
		res := env.KdxIn(t, strings.NewReader(strings.Replace(cm, `a: "1"`, `a: "3"`, 1)), nil, "replace", "-f", "-")
		wantResult(t, res, 1, "failed to replace configmap/cfg from STDIN document 1 (line 1): the object changed on the server after resourceVersion",
			`last written by "kdx-replace" (Update at `, "), which manages:\n  .data.a\n", "remove resourceVersion from the input to overwrite")
	})

	t.Run("status subresource of a custom object", func(t *testing.T) {
		withStatus := strings.Replace(gadget, "spec:", "status:\n  phase: Ready\nspec:", 1)
		withStatus = strings.Replace(withStatus, "color: red", "color: green", 1) // ignored by a status write
		res := env.KdxIn(t, strings.NewReader(withStatus), nil, "replace", "-f", "-", "--subresource", "status")
		wantResult(t, res, 0)
		got := env.RunKubectl(t, "get", "gadget", "g", "-n", ns, "-o", "jsonpath={.status.phase}/{.spec.color}").Stdout
		if got != "Ready/red" {
			t.Errorf("after replace --subresource status: phase/color %q, want Ready/red", got)
		}
	})

	t.Run("without resourceVersion overwrites; dry run changes nothing", func(t *testing.T) {
		obj := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: %s}\ndata: {b: x}\n", ns)
		wantResult(t, env.KdxIn(t, strings.NewReader(obj), nil, "replace", "-f", "-", "--dry-run=server"), 0)
		if got := env.RunKubectl(t, "get", "cm", "cfg", "-n", ns, "-o", "jsonpath={.data.a}").Stdout; got != "2" {
			t.Errorf("dry-run replace changed the object: a=%q", got)
		}
		wantResult(t, env.KdxIn(t, strings.NewReader(obj), nil, "replace", "-f", "-"), 0)
		if got := env.RunKubectl(t, "get", "cm", "cfg", "-n", ns, "-o", "jsonpath={.data}").Stdout; got != `{"b":"x"}` {
			t.Errorf("after replace: data %s", got)
		}
		missing := strings.Replace(obj, "name: cfg", "name: nope", 1)
		wantResult(t, env.KdxIn(t, strings.NewReader(missing), nil, "replace", "-f", "-"), 1, `configmaps "nope" not found`)
	})
}

// TestReplaceWithoutResourceVersion replaces objects whose input has no
// resourceVersion (as export writes them): kdx, like kubectl, sends the live
// object's resourceVersion, which custom resources require.
func TestReplaceWithoutResourceVersion(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: %[1]s}
data: {a: "1"}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g, namespace: %[1]s}
spec: {size: 1, color: red}
`, ns))
	gadget := func(color, status string) string {
		return fmt.Sprintf("apiVersion: multi.example.org/v2\nkind: Gadget\nmetadata: {name: g, namespace: %s}\nspec: {size: 1, color: %s}\n%s", ns, color, status)
	}
	color := func() string {
		return env.RunKubectl(t, "get", "gadget", "g", "-n", ns, "-o", "jsonpath={.spec.color}/{.status.phase}").Stdout
	}

	t.Run("custom object, as kubectl", func(t *testing.T) {
		k := env.RunKubectlIn(t, strings.NewReader(gadget("green", "")), nil, "replace", "-f", "-")
		res := env.KdxIn(t, strings.NewReader(gadget("blue", "")), nil, "replace", "-f", "-")
		wantResult(t, res, 0)
		if res.Stdout != k.Stdout || k.ExitCode != 0 {
			t.Errorf("kdx: %q; kubectl (exit %d): %q %s", res.Stdout, k.ExitCode, k.Stdout, k.Stderr)
		}
		if got := color(); got != "blue/" {
			t.Errorf("after replace: color/phase %q, want blue/", got)
		}
	})

	t.Run("status subresource", func(t *testing.T) {
		res := env.KdxIn(t, strings.NewReader(gadget("pink", "status: {phase: Ready}\n")), nil, "replace", "-f", "-", "--subresource", "status")
		wantResult(t, res, 0)
		if res.Stdout != "gadget.multi.example.org/g replaced\n" {
			t.Errorf("replace --subresource status: %q", res.Stdout)
		}
		if got := color(); got != "blue/Ready" {
			t.Errorf("after replace --subresource status: color/phase %q, want blue/Ready", got)
		}
	})

	t.Run("an export-like tree with -R", func(t *testing.T) {
		dir := t.TempDir()
		files := map[string]string{
			"v1/configmaps/cfg.yaml":           fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: %s}\ndata: {a: tree}\n", ns),
			"multi.example.org/gadgets/g.yaml": gadget("tree", ""),
		}
		for name, body := range files {
			path := filepath.Join(dir, ns, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res := env.Kdx(t, "replace", "-f", dir, "-R")
		wantResult(t, res, 0)
		want := "gadget.multi.example.org/g replaced\nconfigmap/cfg replaced\n"
		if res.Stdout != want {
			t.Errorf("replace -R: %q, want %q", res.Stdout, want)
		}
		got := env.RunKubectl(t, "get", "cm/cfg", "gadget/g", "-n", ns, "-o", "jsonpath={.items[*].data.a}{.items[*].spec.color}").Stdout
		if got != "treetree" {
			t.Errorf("after replace -R: %q, want treetree", got)
		}
	})
}
