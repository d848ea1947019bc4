package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

func TestCreate(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	crd, group := uniqueCRD(ns)
	deleteCRDAtEnd(t, env, "things."+group)
	dir := t.TempDir()
	manifestFile := func(name, content string) string {
		p := filepath.Join(dir, name)
		writeTestFile(t, p, content)
		return p
	}
	manifestFile("a-crd.yaml", crd)
	manifestFile("b-objects.yaml", fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: c1}
data: {k: v}
---
apiVersion: %[1]s/v1
kind: ThingList
items:
- metadata: {name: t1}
  spec: {size: 1}
- metadata: {name: t2}
  spec: {size: 2}
`, group))
	manifestFile("c-ignored.txt", "not a manifest")
	manifestFile("sub/d-deploy.json", fmt.Sprintf(`{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
 "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
  "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "registry.invalid/web:%d"}]}}}}`, 1))
	repl := []string{ns, "NS", dir, "DIR"}

	res := env.Kdx(t, "create", "-f", dir, "-R", "-n", ns)
	wantResult(t, res, 0)
	checkGolden(t, "create", normalized(res.Stdout, repl...))

	res = env.Kdx(t, "create", "-f", filepath.Join(dir, "b-objects.yaml"), "-n", ns)
	wantResult(t, res, 1,
		fmt.Sprintf(`failed to create configmap/c1 from %s document 1 (line 1): configmaps "c1" already exists (use kdx apply or kdx replace to change it)`, filepath.Join(dir, "b-objects.yaml")),
		fmt.Sprintf(`failed to create thing.%s/t2 from %s document 2 item 2 (line 6): things.%s "t2" already exists`, group, filepath.Join(dir, "b-objects.yaml"), group))
	if res.Stdout != "" {
		t.Errorf("stdout %q, want nothing", res.Stdout)
	}

	schema := fmt.Sprintf("apiVersion: %s/v1\nkind: Thing\nmetadata: {name: big, namespace: %s}\nspec: {size: 11, color: 4}\n", group, ns)
	res = env.KdxIn(t, strings.NewReader(schema), nil, "create", "-f", "-")
	wantResult(t, res, 1, "failed to create thing."+group+"/big from STDIN document 1 (line 1): the object is invalid:\n",
		"\n  spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10",
		"\n  spec.color: Invalid value: \"integer\": spec.color in body must be of type string: \"integer\"")

	gen := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: gen-, namespace: %s}\n", ns)
	res = env.KdxIn(t, strings.NewReader(gen), nil, "create", "-f", "-", "-o", "name")
	wantResult(t, res, 0)
	if !strings.HasPrefix(res.Stdout, "configmap/gen-") {
		t.Errorf("generateName: got %q, want the generated name", res.Stdout)
	}
	res = env.KdxIn(t, strings.NewReader(gen), nil, "apply", "-f", "-")
	wantResult(t, res, 1, "metadata.name is not set (generateName works only with create)")

	t.Run("parity with kubectl", func(t *testing.T) {
		obj := func(name string) string {
			return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: %s}\n", name, ns)
		}
		k := env.KdxIn(t, strings.NewReader(obj("pk")), nil, "create", "-f", "-")
		c := env.RunKubectlIn(t, strings.NewReader(obj("pc")), nil, "create", "-f", "-")
		if strings.ReplaceAll(k.Stdout, "pk", "p") != strings.ReplaceAll(c.Stdout, "pc", "p") || k.ExitCode != c.ExitCode {
			t.Errorf("kdx %q (exit %d), kubectl %q (exit %d)", k.Stdout, k.ExitCode, c.Stdout, c.ExitCode)
		}
	})
}
