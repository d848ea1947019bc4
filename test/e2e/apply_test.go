package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/golden"
	"github.com/kdxproject/kdx/internal/testenv"
)

// manifestFile writes content to a file named name in a directory of t and
// returns its path.
func manifestFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// normalized replaces what changes from run to run (namespaces, the
// directories of manifests, CRD groups) by fixed words.
func normalized(s string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return s
}

// checkGolden compares got with testdata/write/NAME.golden; -update rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join(root, "testdata", "write", name+".golden"), []byte(got))
}

// wantResult fails t unless res exited with code and its stderr holds every one of wants.
func wantResult(t *testing.T, res testenv.Result, code int, wants ...string) {
	t.Helper()
	if res.ExitCode != code {
		t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", res.ExitCode, code, res.Stdout, res.Stderr)
	}
	for _, w := range wants {
		if !strings.Contains(res.Stderr, w) {
			t.Errorf("stderr does not contain %q:\n%s", w, res.Stderr)
		}
	}
	if strings.Contains(res.Stderr, "panic") || strings.Contains(res.Stderr, "internal error") {
		t.Errorf("kdx crashed:\n%s", res.Stderr)
	}
}

// uniqueCRD returns a CRD of kind Thing (plural things, namespaced, with a
// status subresource and a schema) in a group of its own, and the group.
func uniqueCRD(ns string) (string, string) {
	group := ns + ".write.example.org"
	return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.%[1]s
spec:
  group: %[1]s
  scope: Namespaced
  names: {plural: things, singular: thing, kind: Thing, listKind: ThingList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, maximum: 10}
              color: {type: string}
          status:
            type: object
            properties:
              phase: {type: string}
`, group), group
}

// deleteCRDAtEnd removes a test's CRD when it ends.
func deleteCRDAtEnd(t *testing.T, env *testenv.Env, name string) {
	t.Cleanup(func() { env.RunKubectl(t, "delete", "crd", name, "--wait=false", "--ignore-not-found") })
}

// applyFixture is a Namespace, a CRD and objects of built-in and custom
// kinds, in an order apply must fix: the CRD's object and the namespace's
// objects come before them.
func applyFixture(ns, crd, group string) string {
	return fmt.Sprintf(`apiVersion: %[2]s/v1
kind: Thing
metadata: {name: t1, namespace: %[1]s}
spec: {size: 3, color: red}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: %[1]s}
data: {mode: fast}
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
metadata: {name: g1, namespace: %[1]s}
spec: {size: 2, color: blue}
---
%[3]s---
apiVersion: v1
kind: Namespace
metadata: {name: %[1]s}
`, ns, group, crd)
}

func TestApplyOrderAndResults(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t) + "-own" // created by the apply itself
	t.Cleanup(func() { env.RunKubectl(t, "delete", "namespace", ns, "--wait=false", "--ignore-not-found") })
	crd, group := uniqueCRD(ns)
	deleteCRDAtEnd(t, env, "things."+group)
	file := manifestFile(t, "app.yaml", applyFixture(ns, crd, group))
	repl := []string{ns, "NS", filepath.Dir(file), "DIR"}

	res := env.Kdx(t, "apply", "-f", file)
	wantResult(t, res, 0)
	checkGolden(t, "apply-first", normalized(res.Stdout, repl...))

	time.Sleep(2100 * time.Millisecond) // managedFields times have a precision of one second
	res = env.Kdx(t, "apply", "-f", file)
	wantResult(t, res, 0)
	for _, l := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
		if strings.Contains(l, "/t1") || strings.Contains(l, "settings") || strings.Contains(l, "/g1") {
			if !strings.HasSuffix(l, " unchanged") {
				t.Errorf("re-apply of an unchanged object: got %q, want unchanged", l)
			}
		}
	}

	changed := strings.Replace(applyFixture(ns, crd, group), "mode: fast", "mode: slow", 1)
	res = env.KdxIn(t, strings.NewReader(changed), nil, "apply", "-f", "-", "-o", "name")
	wantResult(t, res, 0)
	checkGolden(t, "apply-name", normalized(res.Stdout, repl...))
	got := env.RunKubectl(t, "get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.mode}")
	if got.Stdout != "slow" {
		t.Errorf("configmap after apply: mode %q, want slow", got.Stdout)
	}

	res = env.Kdx(t, "apply", "-f", file, "-o", "yaml")
	wantResult(t, res, 0)
	if !strings.HasPrefix(res.Stdout, "apiVersion: v1\nitems:\n") || strings.Contains(res.Stdout, "managedFields") || strings.Count(res.Stdout, "\n  kind: ") != 6 {
		t.Errorf("-o yaml: want a v1 List of 6 objects without managedFields, got:\n%s", res.Stdout)
	}
}

func TestApplyDryRunLeavesServerUnchanged(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	file := manifestFile(t, "dry.yaml", fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: dry, namespace: %[1]s}
data: {a: "1"}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: dry, namespace: %[1]s}
spec: {size: 1}
`, ns))
	for _, verb := range []string{"apply", "create"} {
		res := env.Kdx(t, verb, "-f", file, "--dry-run=server")
		wantResult(t, res, 0)
		if verb == "apply" {
			checkGolden(t, "apply-dry-run", normalized(res.Stdout, ns, "NS"))
		}
	}
	if res := env.Kdx(t, "apply", "-f", file, "--dry-run=client"); res.ExitCode == 0 || !strings.Contains(res.Stderr, "--dry-run=server") {
		t.Errorf("--dry-run=client: want an error pointing to --dry-run=server, got exit %d: %s", res.ExitCode, res.Stderr)
	}
	got := env.RunKubectl(t, "get", "cm,gadgets", "-n", ns, "-o", "name")
	if strings.Contains(got.Stdout, "dry") {
		t.Errorf("dry run stored objects:\n%s", got.Stdout)
	}
	// An existing object stays as it was.
	env.RunKubectl(t, "create", "configmap", "dry", "-n", ns, "--from-literal=a=0")
	wantResult(t, env.Kdx(t, "apply", "-f", file, "--dry-run=server", "--force-conflicts"), 0)
	wantResult(t, env.Kdx(t, "delete", "-f", file, "--dry-run=server", "--ignore-not-found"), 0)
	if got := env.RunKubectl(t, "get", "cm", "dry", "-n", ns, "-o", "jsonpath={.data.a}"); got.Stdout != "0" {
		t.Errorf("dry-run apply changed the object: a=%q, want 0", got.Stdout)
	}
}

func TestApplyConflict(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	cm := func(v string) string {
		return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: %s}\ndata: {owner: %s}\n", ns, v)
	}
	wantResult(t, env.KdxIn(t, strings.NewReader(cm("alice")), nil, "apply", "-f", "-", "--field-manager", "alice"), 0)
	res := env.KdxIn(t, strings.NewReader(cm("bob")), nil, "apply", "-f", "-", "--field-manager", "bob")
	wantResult(t, res, 1, "failed to apply configmap/shared from STDIN document 1 (line 1): the apply conflicts with fields other field managers own:",
		"\n  .data.owner: conflict with \"alice\"", "--force-conflicts")
	res = env.KdxIn(t, strings.NewReader(cm("bob")), nil, "apply", "-f", "-", "--field-manager", "bob", "--force-conflicts")
	wantResult(t, res, 0)
	if res.Stdout != "configmap/shared serverside-applied\n" {
		t.Errorf("--force-conflicts: got %q", res.Stdout)
	}
}

func TestApplyErrors(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	invalidYAML := manifestFile(t, "broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n# second\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n")
	mixed := manifestFile(t, "mixed.yaml", fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: fine, namespace: %[1]s}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: too-big, namespace: %[1]s}
spec: {size: "huge"}
---
apiVersion: example.com/v1
kind: Gizmo
metadata: {name: g}
---
apiVersion: multi.example.org/v9
kind: Gadget
metadata: {name: v9}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: lost, namespace: %[1]s-missing}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: Bad_Name}
`, ns))
	t.Run("invalid YAML names file, document and line and writes nothing", func(t *testing.T) {
		res := env.Kdx(t, "apply", "-f", invalidYAML, "-n", ns)
		wantResult(t, res, 1, invalidYAML+" document 2 (line 9): invalid YAML:")
		if got := env.RunKubectl(t, "get", "cm", "ok", "-n", ns, "--ignore-not-found", "-o", "name"); got.Stdout != "" {
			t.Errorf("the valid document was applied although the input is broken")
		}
	})
	t.Run("each object tried, failures listed at the end", func(t *testing.T) {
		res := env.Kdx(t, "apply", "-f", mixed)
		wantResult(t, res, 1)
		if res.Stdout != "configmap/fine created\n" {
			t.Errorf("stdout %q, want the one success", res.Stdout)
		}
		checkGolden(t, "apply-errors", normalized(res.Stderr, ns, "NS", filepath.Dir(mixed), "DIR"))
	})
	t.Run("namespace contradicting -n", func(t *testing.T) {
		res := env.Kdx(t, "apply", "-f", mixed, "-n", "default")
		wantResult(t, res, 1, fmt.Sprintf(`the namespace from the provided object %q does not match the namespace "default". You must pass '--namespace=%s' to perform this operation.`, ns, ns))
	})
	t.Run("immutable field", func(t *testing.T) {
		secret := func(v string) string {
			return fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: frozen, namespace: %s}\nimmutable: true\nstringData: {k: %s}\n", ns, v)
		}
		wantResult(t, env.KdxIn(t, strings.NewReader(secret("a")), nil, "apply", "-f", "-"), 0)
		res := env.KdxIn(t, strings.NewReader(secret("b")), nil, "apply", "-f", "-")
		wantResult(t, res, 1, "the object is invalid:\n  data: Forbidden: field is immutable when `immutable` is set", "delete the object and create it again")
	})
	t.Run("forbidden user", func(t *testing.T) {
		res := env.Kdx(t, "--context", "restricted", "apply", "-f", mixed, "-n", ns)
		wantResult(t, res, 1, fmt.Sprintf(`failed to apply configmap/fine from %s document 1 (line 1): configmaps "fine" is forbidden: User "restricted" cannot patch resource "configmaps" in API group "" in the namespace %q`, mixed, ns))
	})
	t.Run("flags", func(t *testing.T) {
		for args, want := range map[string]string{
			"--server-side=false": "server-side apply only",
			"--subresource=logs":  `--subresource must be "status" or "scale"`,
			"-o=wide":             `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`,
			"--validate=maybe":    "invalid --validate value",
		} {
			wantResult(t, env.Kdx(t, "apply", "-f", mixed, args), 1, want)
		}
		wantResult(t, env.Kdx(t, "apply"), 1, "must specify -f")
		wantResult(t, env.Kdx(t, "apply", "-f", filepath.Join(t.TempDir(), "nope.yaml")), 1, "nope.yaml: no such file or directory")
	})
}

func TestApplyWaitsForCRDNotEstablished(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	// Its short name is taken by gadgets: NamesAccepted stays False and the
	// CRD is never Established.
	env.RunKubectlIn(t, strings.NewReader(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: blockers.multi.example.org}
spec:
  group: multi.example.org
  scope: Namespaced
  names: {plural: blockers, singular: blocker, kind: Blocker, shortNames: [gd]}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`), nil, "apply", "-f", "-")
	deleteCRDAtEnd(t, env, "blockers.multi.example.org")
	obj := fmt.Sprintf("apiVersion: multi.example.org/v1\nkind: Blocker\nmetadata: {name: b, namespace: %s}\n", ns)
	start := time.Now()
	res := env.KdxIn(t, strings.NewReader(obj), nil, "apply", "-f", "-")
	wantResult(t, res, 1, "its CustomResourceDefinition blockers.multi.example.org is not Established after 10s", `"gd" is already in use`)
	if d := time.Since(start); d < 9*time.Second {
		t.Errorf("gave up after %s, want a wait of about 10s", d)
	}
}

func TestApplyAdmissionDenied(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	policy := "deny-color-" + ns
	env.RunKubectlIn(t, strings.NewReader(fmt.Sprintf(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: %[1]s}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [configmaps]}]
  validations:
  - expression: "!has(object.data) || !('color' in object.data) || object.data.color != 'pink'"
    message: "pink is not allowed"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: %[1]s}
spec:
  policyName: %[1]s
  validationActions: [Deny]
  matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %[2]s}}}
`, policy, ns)), nil, "apply", "-f", "-")
	t.Cleanup(func() {
		env.RunKubectl(t, "delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", policy, "--ignore-not-found")
	})
	obj := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: paint, namespace: %s}\ndata: {color: pink}\n", ns)
	var res testenv.Result
	for range 20 { // the policy takes a moment to load
		res = env.KdxIn(t, strings.NewReader(obj), nil, "apply", "-f", "-")
		if res.ExitCode != 0 {
			break
		}
		env.RunKubectl(t, "delete", "cm", "paint", "-n", ns)
		time.Sleep(500 * time.Millisecond)
	}
	wantResult(t, res, 1, "failed to apply configmap/paint from STDIN document 1 (line 1):", "denied request", "pink is not allowed")
}

func TestApplySharedCRDs(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	dir := filepath.Join(testenv.SharedCRDs(t), "cert-manager")
	ns := env.Namespace(t)
	crd := filepath.Join(dir, "cert-manager.io_certificates.yaml")
	cert := manifestFile(t, "cert.yaml", fmt.Sprintf(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: %[1]s}
spec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ca}}
`, ns))
	res := env.Kdx(t, "apply", "-f", crd, "-f", cert)
	wantResult(t, res, 0)
	if !strings.HasSuffix(res.Stdout, "certificate.cert-manager.io/web created\n") {
		t.Errorf("apply of the CRD and a Certificate: %q", res.Stdout)
	}
	status := manifestFile(t, "status.yaml", fmt.Sprintf(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: %[1]s}
status: {conditions: [{type: Ready, status: "True", reason: Issued, message: ok}]}
`, ns))
	wantResult(t, env.Kdx(t, "apply", "-f", status, "--subresource", "status"), 0)
	if got := env.RunKubectl(t, "get", "certificate", "web", "-n", ns, "-o", "jsonpath={.status.conditions[0].reason}"); got.Stdout != "Issued" {
		t.Errorf("status after apply --subresource status: %q", got.Stdout)
	}
	bad := manifestFile(t, "bad.yaml", fmt.Sprintf("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: bad, namespace: %s}\nspec: {secretName: 3, issuerRef: {}}\n", ns))
	wantResult(t, env.Kdx(t, "create", "-f", bad), 1, "the object is invalid:\n", "\n  spec.secretName: Invalid value: \"integer\"", "\n  spec.issuerRef.name: Required value")
	wantResult(t, env.Kdx(t, "delete", "-f", cert), 0)
}

// writeTestFile writes content to p, creating its directory.
func writeTestFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestApplyStatusSubresource(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	obj := func(phase string) string {
		return fmt.Sprintf("apiVersion: multi.example.org/v2\nkind: Gadget\nmetadata: {name: g, namespace: %s}\nspec: {size: 1, color: red}\nstatus: {phase: %s}\n", ns, phase)
	}
	res := env.KdxIn(t, strings.NewReader(obj("Pending")), nil, "apply", "-f", "-")
	wantResult(t, res, 0)
	status := func() string {
		return env.RunKubectl(t, "get", "gadget", "g", "-n", ns, "-o", "jsonpath={.status.phase}").Stdout
	}
	if got := status(); got != "" {
		t.Errorf("apply of the object wrote its status: %q", got)
	}
	res = env.KdxIn(t, strings.NewReader(obj("Ready")), nil, "apply", "-f", "-", "--subresource", "status", "--field-manager", "controller")
	wantResult(t, res, 0)
	if res.Stdout != "gadget.multi.example.org/g serverside-applied\n" || status() != "Ready" {
		t.Errorf("apply --subresource status: %q, phase %q", res.Stdout, status())
	}
	// The status belongs to "controller" now: another manager conflicts on it.
	res = env.KdxIn(t, strings.NewReader(obj("Failed")), nil, "apply", "-f", "-", "--subresource", "status")
	wantResult(t, res, 1, "\n  .status.phase: conflict with \"controller\"")
}
