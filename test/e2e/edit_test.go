package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// editorScript writes a shell script to use as $KUBE_EDITOR: its n-th run
// copies the file it is given to seen.n in its directory and then runs
// steps[n-1] (shell code on "$1"); a run past the steps changes nothing.
func editorScript(t *testing.T, steps ...string) (script, dir string) {
	t.Helper()
	dir = t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\nset -e\nd=%q\nn=$(cat \"$d/count\" 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > \"$d/count\"\ncp \"$1\" \"$d/seen.$n\"\ncase $n in\n", dir)
	for i, s := range steps {
		fmt.Fprintf(&b, "%d) %s ;;\n", i+1, s)
	}
	b.WriteString("esac\n")
	script = filepath.Join(dir, "editor.sh")
	if err := os.WriteFile(script, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, dir
}

// seen is what the editor saw at its n-th run ("" if it did not run).
func seen(dir string, n int) string {
	b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("seen.%d", n)))
	return string(b)
}

const editFixture = `apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: %[1]s}
data: {k: "1", other: x}
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: %[1]s}
stringData: {password: s3cret, user: admin}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g, namespace: %[1]s}
spec: {size: 1, color: red}
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
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: %[1]s}
spec:
  containers: [{name: c, image: registry.k8s.io/pause:3.10, volumeMounts: [{name: data, mountPath: /data}]}]
  volumes: [{name: data, emptyDir: {}}]
`

// TestEditAsKubectl runs kdx edit and kubectl edit with the same scripted
// editor, each on its own copy of the objects, and compares stdout, the
// exit code and the message of the outcomes kubectl shares.
func TestEditAsKubectl(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	kdxNS, kubectlNS := env.Namespace(t), env.Namespace(t)
	env.Apply(t, fmt.Sprintf(editFixture, kdxNS)+"---\n"+fmt.Sprintf(editFixture, kubectlNS))
	cases := []struct {
		name   string
		args   string
		steps  []string
		stderr string // in both stderrs
	}{
		{name: "a change", args: "cm/a", steps: []string{`sed -i 's/k: "1"/k: "2"/' "$1"`}},
		{name: "no change", args: "cm a", steps: []string{"true"}, stderr: "Edit cancelled, no changes made."},
		{name: "invalid twice", args: "gadget g", steps: []string{`sed -i 's/size: 1/size: big/' "$1"`, "true"}, stderr: "Edit cancelled, no valid changes were saved."},
		{name: "invalid then fixed", args: "gadget/g", steps: []string{`sed -i 's/size: 1/size: big/' "$1"`, `sed -i 's/size: big/size: 7/' "$1"`}},
		{name: "a missing object", args: "cm nope", stderr: `configmaps "nope" not found`},
		{name: "an unknown field, twice", args: "cm a", steps: []string{`echo 'bogus: 1' >> "$1"`, "true"}, stderr: "Edit cancelled, no valid changes were saved."},
		{name: "as JSON", args: "cm a -o json", steps: []string{`sed -i 's/"k": "2"/"k": "3"/' "$1"`}},
		{name: "a deployment", args: "deploy/web", steps: []string{`sed -i 's/replicas: 0/replicas: 2/' "$1"`}},
		// export's cleaning hides the pod's token volume and mount: the
		// containers list sent keeps the mount (a pod refuses any change
		// but its image).
		{name: "a pod's image", args: "pod/p", steps: []string{`sed -i 's|image: registry.k8s.io/pause:3.10|image: registry.k8s.io/pause:3.9|' "$1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			script, dir := editorScript(t, c.steps...)
			kscript, _ := editorScript(t, c.steps...)
			args := strings.Fields(c.args)
			res := env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, append([]string{"edit", "-n", kdxNS}, args...)...)
			k := env.RunKubectlIn(t, nil, []string{"KUBE_EDITOR=" + kscript}, append([]string{"edit", "-n", kubectlNS}, args...)...)
			dOut, kOut := res.Stdout, k.Stdout
			if c.name == "as JSON" { // the object stored: the same but for what each server set
				dOut, kOut = withoutIdentity(t, dOut), withoutIdentity(t, kOut)
			}
			if res.ExitCode != k.ExitCode || dOut != kOut {
				t.Errorf("kdx (exit %d):\n%s%s\nkubectl (exit %d):\n%s%s", res.ExitCode, res.Stdout, res.Stderr, k.ExitCode, k.Stdout, k.Stderr)
			}
			if c.stderr != "" && (!strings.Contains(res.Stderr, c.stderr) || !strings.Contains(k.Stderr, c.stderr)) {
				t.Errorf("stderr does not hold %q:\nkdx: %s\nkubectl: %s", c.stderr, res.Stderr, k.Stderr)
			}
			if c.name == "an unknown field, twice" {
				if s := seen(dir, 2); !strings.Contains(s, `unknown field \"bogus\"`) && !strings.Contains(s, `unknown field "bogus"`) {
					t.Errorf("the file reopened does not name the field:\n%s", s)
				}
			}
			if c.name == "invalid then fixed" {
				if s := seen(dir, 2); !strings.Contains(s, "# gadgets.multi.example.org \"g\" was not valid:") || !strings.Contains(s, "size: big") {
					t.Errorf("the file reopened:\n%s", s)
				}
			}
		})
	}
	t.Run("emptied", func(t *testing.T) {
		// The header says that an empty file aborts the edit: kdx does so;
		// kubectl v1.37.2 validates the empty file first, finds it invalid,
		// reopens it, and exits 1 when it is saved empty again.
		script, _ := editorScript(t, `: > "$1"`)
		res := env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, "edit", "-n", kdxNS, "cm", "a")
		wantResult(t, res, 0)
		if res.Stdout != "" || res.Stderr != "Edit cancelled, saved file was empty.\n" {
			t.Errorf("stdout %q, stderr %q", res.Stdout, res.Stderr)
		}
	})
	get := func(ns, typ, path string) string {
		return env.RunKubectl(t, "get", typ, "-n", ns, "-o", "jsonpath="+path).Stdout
	}
	for _, ns := range []string{kdxNS, kubectlNS} {
		if got := get(ns, "cm/a", "{.data.k}") + get(ns, "gadget/g", " {.spec.size}") + get(ns, "deploy/web", " {.spec.replicas}") + get(ns, "pod/p", " {.spec.containers[0].image}"); got != "3 7 2 registry.k8s.io/pause:3.9" {
			t.Errorf("in %s after the edits: %q", ns, got)
		}
	}
	t.Run("the file shows the object cleaned", func(t *testing.T) {
		script, dir := editorScript(t, "true")
		wantResult(t, env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, "edit", "-n", kdxNS, "cm/a"), 0)
		s := seen(dir, 1)
		for _, gone := range []string{"managedFields", "resourceVersion", "uid:", "creationTimestamp"} {
			if strings.Contains(s, gone) {
				t.Errorf("the file holds %s:\n%s", gone, s)
			}
		}
	})
}

// withoutIdentity is the JSON object printed without its namespace, uid,
// creationTimestamp and resourceVersion.
func withoutIdentity(t *testing.T, s string) string {
	var obj map[string]any
	if err := json.Unmarshal([]byte(s), &obj); err != nil {
		t.Errorf("not a JSON object: %v\n%s", err, s)
		return s
	}
	md, _ := obj["metadata"].(map[string]any)
	for _, k := range []string{"namespace", "uid", "creationTimestamp", "resourceVersion"} {
		delete(md, k)
	}
	b, _ := json.Marshal(obj)
	return string(b)
}

// TestEditConflict: someone changes the object while it is edited (the
// editor itself changes it with kubectl first): nothing is written, the
// conflict names the field with both values and the one read, exit 1.
func TestEditConflict(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: %s}\ndata: {k: \"1\", other: x}\n", ns))
	patch := fmt.Sprintf(`%q patch cm a -n %s --type merge -p '{"data":{"k":"3"}}' >/dev/null`, env.Kubectl(), ns)
	t.Run("a field both changed", func(t *testing.T) {
		script, _ := editorScript(t, patch+`; sed -i 's/k: "1"/k: "2"/' "$1"`)
		res := env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, "edit", "-n", ns, "cm/a")
		wantResult(t, res, 1, `configmap/a changed on the server while you edited it (read at resourceVersion "`,
			"nothing was written; conflicting fields:\n  data.k: yours \"2\", on the server now \"3\" (was \"1\")",
			"A copy of your changes has been stored to")
		if got := env.RunKubectl(t, "get", "cm", "a", "-n", ns, "-o", "jsonpath={.data.k}").Stdout; got != "3" {
			t.Errorf("data.k is %q: the other change was overwritten", got)
		}
	})
	t.Run("another field changed", func(t *testing.T) {
		other := strings.Replace(patch, `"k":"3"`, `"other":"y"`, 1)
		script, _ := editorScript(t, other+`; sed -i 's/k: "3"/k: "4"/' "$1"`)
		res := env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, "edit", "-n", ns, "cm/a")
		wantResult(t, res, 1, "changed on the server meanwhile (none of the fields you changed):\n  data.other: now \"y\" (was \"x\")")
		if got := env.RunKubectl(t, "get", "cm", "a", "-n", ns, "-o", "jsonpath={.data.k}/{.data.other}").Stdout; got != "3/y" {
			t.Errorf("after the refused edit: %q", got)
		}
	})
}

// TestEditSecret: a Secret's values are edited as decoded text and stored
// encoded; --raw shows them as stored.
func TestEditSecret(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: %s}\nstringData: {password: s3cret, user: admin}\n", ns))
	decoded := func(key string) string {
		v := env.RunKubectl(t, "get", "secret", "s", "-n", ns, "-o", "jsonpath={.data."+key+"}").Stdout
		b, _ := base64.StdEncoding.DecodeString(v)
		return string(b)
	}
	script, dir := editorScript(t, `sed -i 's/password: s3cret/password: n3w/' "$1"`)
	res := env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, "edit", "-n", ns, "secret", "s")
	wantResult(t, res, 0)
	if res.Stdout != "secret/s edited\n" || decoded("password") != "n3w" || decoded("user") != "admin" {
		t.Errorf("stdout %q, password %q, user %q", res.Stdout, decoded("password"), decoded("user"))
	}
	if s := seen(dir, 1); !strings.Contains(s, "stringData:\n  password: s3cret\n  user: admin\n") {
		t.Errorf("the file:\n%s", s)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte("n3w"))
	script, dir = editorScript(t, fmt.Sprintf(`sed -i 's/password: %s/password: %s/' "$1"`, b64, base64.StdEncoding.EncodeToString([]byte("raw"))))
	res = env.KdxIn(t, nil, []string{"KUBE_EDITOR=" + script}, "edit", "-n", ns, "secret/s", "--raw")
	wantResult(t, res, 0)
	if s := seen(dir, 1); strings.Contains(s, "stringData") || !strings.Contains(s, "password: "+b64) || decoded("password") != "raw" {
		t.Errorf("--raw: password %q, the file:\n%s", decoded("password"), s)
	}
}
