package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

func TestPatch(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: %[1]s}
data: {a: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.invalid/web:1}]}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g, namespace: %[1]s}
spec: {size: 1, color: red}
`, ns))
	jsonpath := func(typ, name, path string) string {
		return env.RunKubectl(t, "get", typ, name, "-n", ns, "-o", "jsonpath="+path).Stdout
	}
	cases := []struct {
		name     string
		args     []string
		stdout   string
		stderr   string
		check    func() string
		want     string
		exitCode int
	}{
		{name: "merge on a configmap", args: []string{"configmap", "cfg", "--type", "merge", "-p", `{"data":{"b":"2"}}`},
			stdout: "configmap/cfg patched\n", check: func() string { return jsonpath("cm", "cfg", "{.data.b}") }, want: "2"},
		{name: "strategic on a deployment, YAML patch", args: []string{"deploy/web", "-p", "spec:\n  template:\n    spec:\n      containers: [{name: web, image: registry.invalid/web:2}]"},
			stdout: "deployment.apps/web patched\n", check: func() string { return jsonpath("deploy", "web", "{.spec.template.spec.containers[0].image}") }, want: "registry.invalid/web:2"},
		{name: "json patch", args: []string{"cm/cfg", "--type", "json", "-p", `[{"op":"replace","path":"/data/a","value":"9"}]`},
			stdout: "configmap/cfg patched\n", check: func() string { return jsonpath("cm", "cfg", "{.data.a}") }, want: "9"},
		{name: "scale subresource of a deployment", args: []string{"deployment", "web", "--subresource", "scale", "--type", "merge", "-p", `{"spec":{"replicas":2}}`},
			stdout: "deployment.apps/web patched\n", check: func() string { return jsonpath("deploy", "web", "{.spec.replicas}") }, want: "2"},
		{name: "status subresource of a custom object", args: []string{"gd", "g", "--subresource", "status", "--type", "merge", "-p", `{"status":{"phase":"Ready"},"spec":{"color":"ignored"}}`},
			stdout: "gadget.multi.example.org/g patched\n", check: func() string { return jsonpath("gadget", "g", "{.status.phase}/{.spec.color}") }, want: "Ready/red"},
		{name: "default strategic on a custom object falls back to merge", args: []string{"gadget/g", "-p", `{"spec":{"size":4}}`},
			stdout: "gadget.multi.example.org/g patched\n", stderr: "Warning: gadgets.multi.example.org does not support strategic merge patch",
			check: func() string { return jsonpath("gadget", "g", "{.spec.size}") }, want: "4"},
		{name: "explicit strategic on a custom object is explained", args: []string{"gadget/g", "--type", "strategic", "-p", `{"spec":{"size":5}}`},
			exitCode: 1, stderr: "failed to patch gadget.multi.example.org/g: the server does not accept this patch type here: custom resources support no strategic merge patch; use --type merge",
			check: func() string { return jsonpath("gadget", "g", "{.spec.size}") }, want: "4"},
		{name: "dry run changes nothing", args: []string{"cm", "cfg", "--type", "merge", "-p", `{"data":{"a":"dry"}}`, "--dry-run=server"},
			stdout: "configmap/cfg patched (server dry run)\n", check: func() string { return jsonpath("cm", "cfg", "{.data.a}") }, want: "9"},
		{name: "missing object", args: []string{"cm", "nope", "--type", "merge", "-p", `{}`}, exitCode: 1, stderr: `configmaps "nope" not found`},
		{name: "schema violation", args: []string{"gadget", "g", "--type", "merge", "-p", `{"spec":{"size":"big"}}`}, exitCode: 1,
			stderr: "the object is invalid:\n  spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\""},
		{name: "no name", args: []string{"gadgets", "-p", `{}`}, exitCode: 1, stderr: "an object name is required"},
		{name: "bad type", args: []string{"cm", "cfg", "--type", "xml", "-p", `{}`}, exitCode: 1, stderr: "--type must be strategic, merge, json or apply"},
		{name: "no patch", args: []string{"cm", "cfg"}, exitCode: 1, stderr: "a patch is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := env.Kdx(t, append(append([]string{"patch"}, c.args...), "-n", ns)...)
			if c.stderr != "" {
				wantResult(t, res, c.exitCode, c.stderr)
			} else {
				wantResult(t, res, c.exitCode)
			}
			if c.exitCode == 0 && res.Stdout != c.stdout {
				t.Errorf("stdout %q, want %q", res.Stdout, c.stdout)
			}
			if c.check != nil {
				if got := c.check(); got != c.want {
					t.Errorf("after the patch: got %q, want %q", got, c.want)
				}
			}
		})
	}
	t.Run("a patch that changes nothing, as kubectl", func(t *testing.T) {
		args := []string{"patch", "cm", "cfg", "-n", ns, "--type", "merge", "-p", `{"data":{"c":"3"}}`}
		if res := env.Kdx(t, args...); res.Stdout != "configmap/cfg patched\n" {
			t.Errorf("first patch: %q", res.Stdout)
		}
		// kubectl names the Scale object where kdx names the Deployment.
		action := func(stdout string) string { _, a, _ := strings.Cut(stdout, " "); return a }
		for _, args := range [][]string{
			args, // at once again: nothing to change
			{"patch", "gadget", "g", "-n", ns, "--subresource", "status", "--type", "merge", "-p", `{"status":{"phase":"Ready"}}`},
			{"patch", "deploy", "web", "-n", ns, "--subresource", "scale", "--type", "merge", "-p", `{"spec":{"replicas":2}}`},
		} {
			res := env.Kdx(t, args...)
			wantResult(t, res, 0)
			k := env.RunKubectl(t, args...)
			if action(res.Stdout) != "patched (no change)\n" || action(k.Stdout) != action(res.Stdout) || k.ExitCode != 0 {
				t.Errorf("kdx %s: %q; kubectl (exit %d): %q %s", strings.Join(args, " "), res.Stdout, k.ExitCode, k.Stdout, k.Stderr)
			}
		}
		// kubectl drops "(server dry run)" from a patch's line; kdx keeps it.
		res := env.Kdx(t, append(args, "--dry-run=server")...)
		wantResult(t, res, 0)
		if res.Stdout != "configmap/cfg patched (no change) (server dry run)\n" {
			t.Errorf("dry run of a patch that changes nothing: %q", res.Stdout)
		}
	})
	t.Run("forbidden user", func(t *testing.T) {
		res := env.Kdx(t, "--context", "restricted", "patch", "cm", "cfg", "-n", ns, "--type", "merge", "-p", `{}`)
		wantResult(t, res, 1)
		if !strings.Contains(res.Stderr, `User "restricted" cannot`) {
			t.Errorf("stderr: %s", res.Stderr)
		}
	})
}
