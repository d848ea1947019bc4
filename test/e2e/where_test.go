package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// whereCRD is a CRD of kdx's own whose v1 declares spec.color a
// selectable field (spec.selectableFields), for the field selector push-down.
const whereCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: fruits.where.example.org}
spec:
  group: where.example.org
  scope: Namespaced
  names: {plural: fruits, singular: fruit, kind: Fruit, listKind: FruitList}
  versions:
  - name: v1
    served: true
    storage: true
    selectableFields:
    - {jsonPath: .spec.color}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: {type: string}
              weight: {type: integer}
`

// whereFixture fills ns with what the --where questions are about.
func whereFixture(ns string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.x/team/web:1.2}, {name: proxy, image: docker.io/envoyproxy/envoy:v1.30}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: %[1]s}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: docker.io/library/api:3}]}
---
apiVersion: v1
kind: Pod
metadata: {name: big, namespace: %[1]s}
spec: {containers: [{name: c, image: busybox, resources: {limits: {memory: 2Gi}}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: small, namespace: %[1]s}
spec: {containers: [{name: c, image: busybox, resources: {limits: {memory: 512Mi}}}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-7, namespace: %[1]s, labels: {tier: web}}
data: {url: "postgres://db3.internal:5432/app"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-8, namespace: %[1]s}
data: {url: "https://example.com"}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: soon, namespace: %[1]s}
spec: {secretName: soon-tls, dnsNames: [soon.example.com], issuerRef: {name: ca}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: later, namespace: %[1]s}
spec: {secretName: later-tls, dnsNames: [later.example.com], issuerRef: {name: ca}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: new, namespace: %[1]s}
spec: {secretName: new-tls, dnsNames: [new.example.com], issuerRef: {name: ca}}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: critical, namespace: %[1]s}
spec:
  groups:
  - name: a
    rules:
    - {record: "job:up:sum", expr: "sum(up) by (job)"}
  - name: b
    rules:
    - {alert: Down, expr: "up == 0", labels: {severity: critical}}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: warning, namespace: %[1]s}
spec:
  groups:
  - name: a
    rules:
    - {alert: Slow, expr: "latency > 1", labels: {severity: warning}}
---
apiVersion: where.example.org/v1
kind: Fruit
metadata: {name: apple, namespace: %[1]s}
spec: {color: red, weight: 150}
---
apiVersion: where.example.org/v1
kind: Fruit
metadata: {name: lime, namespace: %[1]s}
spec: {color: green, weight: 60}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g1, namespace: %[1]s}
spec: {color: blue, size: 3}
`, ns)
}

// setupWhere applies the CRDs and the fixture, and gives two Certificates
// a status.notAfter (through the status subresource): "soon" in three
// days, "later" in sixty; "new" has no status.
func setupWhere(t *testing.T, env *testenv.Env) string {
	t.Helper()
	dir := testenv.SharedCRDs(t)
	for _, f := range []string{"cert-manager/cert-manager.io_certificates.yaml", "prometheus-operator/monitoring.coreos.com_prometheusrules.yaml"} {
		env.ApplyFile(t, filepath.Join(dir, f))
	}
	applyDemoCRDs(t, env)
	env.Apply(t, whereCRD)
	ns := env.Namespace(t)
	env.Apply(t, whereFixture(ns))
	for name, in := range map[string]time.Duration{"soon": 72 * time.Hour, "later": 60 * 24 * time.Hour} {
		patch := fmt.Sprintf(`{"status":{"notAfter":%q}}`, time.Now().Add(in).UTC().Format(time.RFC3339))
		res := env.RunKubectl(t, "patch", "certificate", name, "-n", ns, "--subresource=status", "--type=merge", "-p", patch)
		if res.ExitCode != 0 {
			t.Fatalf("kubectl patch status: %s", res.Stderr)
		}
	}
	return ns
}

// whereQuestions are the README's questions answered with --where: the
// arguments after `kdx get` and the names printed (-o name).
var whereQuestions = []struct {
	question string
	args     []string
	want     string
}{
	{"Deployments running an image from registry.x",
		[]string{"deployments.apps", "--where", `object.spec.template.spec.containers.exists(c, c.image.startsWith("registry.x/"))`},
		"deployment.apps/web\n"},
	{"Certificates that expire within a week",
		[]string{"certificates", "--where", `timestamp(object.status.notAfter) < now + duration("168h")`},
		"certificate.cert-manager.io/soon\n"},
	{"Pods allowed more than 1Gi of memory",
		[]string{"pods", "--where", `object.spec.containers.exists(c, has(c.resources.limits) && "memory" in c.resources.limits && quantity(c.resources.limits.memory).isGreaterThan(quantity("1Gi")))`},
		"pod/big\n"},
	{"PrometheusRules with a critical alert",
		[]string{"prometheusrules", "--where", `object.spec.groups.exists(g, g.rules.exists(r, has(r.alert) && r.labels.severity == "critical"))`},
		"prometheusrule.monitoring.coreos.com/critical\n"},
	{"ConfigMaps pointing at an internal database host",
		[]string{"configmaps", "--where", `object.data.exists(k, object.data[k].find("db[0-9]+[.]internal") != "")`},
		"configmap/cm-7\n"},
}

func TestWhereQuestions(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := setupWhere(t, env)
	for _, q := range whereQuestions {
		t.Run(q.question, func(t *testing.T) {
			res := env.Kdx(t, append([]string{"get", "-n", ns, "-o", "name"}, q.args...)...)
			wantResult(t, res, 0)
			if res.Stdout != q.want || res.Stderr != "" {
				t.Errorf("got %q (stderr %q), want %q", res.Stdout, res.Stderr, q.want)
			}
		})
	}
}

func TestWhereGet(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := setupWhere(t, env)
	get := func(args ...string) testenv.Result {
		return env.Kdx(t, append([]string{"get", "-n", ns}, args...)...)
	}
	t.Run("syntax error points at the column", func(t *testing.T) {
		res := get("configmaps", "--where", `object.metadata.name ==`)
		wantResult(t, res, 1)
		want := "error: invalid --where \"object.metadata.name ==\": 1:24: Syntax error: mismatched input '<EOF>'"
		if !strings.HasPrefix(res.Stderr, want) || !strings.Contains(res.Stderr, "\n | object.metadata.name ==\n | .......................^\n") || res.Stdout != "" {
			t.Errorf("stderr %q, want it to start with %q and show the caret", res.Stderr, want)
		}
	})
	t.Run("unknown function is a usage error", func(t *testing.T) {
		res := get("configmaps", "--where", `object.metadata.name.frob()`)
		wantResult(t, res, 1, "error: invalid --where", "1:26: undeclared reference to 'frob'")
	})
	t.Run("an expression that is not a bool is a usage error", func(t *testing.T) {
		for expr, want := range map[string]string{
			`1 + 1`:                "the expression is of type int, not bool",
			`object.metadata.name`: "the expression is object.metadata.name, of type string, not bool",
			`object.spec.color`:    "the expression is object.spec.color, of type string in the schema of fruits.where.example.org, not bool",
		} {
			res := get("fruits", "--where", expr)
			if res.ExitCode != 1 || res.Stdout != "" || res.Stderr != fmt.Sprintf("error: invalid --where %q: %s\n", expr, want) {
				t.Errorf("--where %s: exit %d, stdout %q, stderr %q, want %q", expr, res.ExitCode, res.Stdout, res.Stderr, want)
			}
		}
	})
	t.Run("a missing field is no match", func(t *testing.T) {
		res := get("certificates", "-o", "name", "--where", `timestamp(object.status.notAfter) > now`)
		wantResult(t, res, 0)
		if res.Stdout != "certificate.cert-manager.io/later\ncertificate.cert-manager.io/soon\n" || res.Stderr != "" {
			t.Errorf("got %q, stderr %q", res.Stdout, res.Stderr)
		}
		res = get("deployments.apps", "--where", `object.spec.paused == true`)
		wantResult(t, res, 0)
		if res.Stdout != "" || res.Stderr != fmt.Sprintf("No resources found in %s namespace.\n", ns) {
			t.Errorf("got %q, stderr %q", res.Stdout, res.Stderr)
		}
	})
	t.Run("a type mismatch is one warning", func(t *testing.T) {
		// a ConfigMap's data declares no key, so no schema says what type url is
		res := get("configmaps", "-o", "name", "--where", `object.data.url > 3`)
		wantResult(t, res, 0)
		want := "Warning: --where could not be evaluated on 2 objects: no such overload (in object.data.url > 3)\n"
		if res.Stderr != want || res.Stdout != "" {
			t.Errorf("stdout %q, stderr %q, want %q", res.Stdout, res.Stderr, want)
		}
	})
	t.Run("a built-in type's mismatch is a usage error, from its OpenAPI schema", func(t *testing.T) {
		res := get("deployments.apps", "-o", "name", "--where", `object.spec.replicas > "3"`)
		wantResult(t, res, 1)
		want := "error: invalid --where \"object.spec.replicas > \\\"3\\\"\": 1:24: object.spec.replicas is of type integer in the schema of deployments.apps, not string\n | object.spec.replicas > \"3\"\n |                        ^\n"
		if res.Stderr != want || res.Stdout != "" {
			t.Errorf("stdout %q, stderr %q, want %q", res.Stdout, res.Stderr, want)
		}
	})
	t.Run("a type mismatch the schema knows is a usage error", func(t *testing.T) {
		res := get("fruits", "-o", "name", "--where", `object.spec.weight > "50"`)
		wantResult(t, res, 1)
		want := "error: invalid --where \"object.spec.weight > \\\"50\\\"\": 1:22: object.spec.weight is of type integer in the schema of fruits.where.example.org, not string\n | object.spec.weight > \"50\"\n |                      ^\n"
		if res.Stderr != want || res.Stdout != "" {
			t.Errorf("stderr %q, want %q", res.Stderr, want)
		}
		res = env.Kdx(t, "watch", "-n", ns, "fruits", "--timeout", "1s", "--where", `object.spec.color == 3`)
		wantResult(t, res, 1, "1:22: object.spec.color is of type string in the schema of fruits.where.example.org, not integer")
	})
	t.Run("every expression must hold", func(t *testing.T) {
		res := get("fruits", "-o", "name", "--where", `object.spec.weight > 50`, "--where", `object.metadata.name.matches("^l")`)
		wantResult(t, res, 0)
		if res.Stdout != "fruit.where.example.org/lime\n" {
			t.Errorf("got %q", res.Stdout)
		}
	})
	t.Run("table of the matching rows, rows with whole objects", func(t *testing.T) {
		res := get("deployments.apps", "-v=4", "--where", `object.spec.replicas >= 2`)
		wantResult(t, res, 0, "listing deployments.apps as table rows with whole objects")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], "web ") {
			t.Errorf("table:\n%s", res.Stdout)
		}
	})
	t.Run("table with metadata only", func(t *testing.T) {
		res := get("configmaps", "-v=4", "--show-labels", "--where", `object.metadata.name.endsWith("7")`)
		wantResult(t, res, 0, "--where reads [metadata] of the object: listing configmaps as table rows with metadata only")
		if !strings.Contains(res.Stdout, "cm-7") || !strings.Contains(res.Stdout, "tier=web") || strings.Contains(res.Stdout, "cm-8") {
			t.Errorf("table:\n%s", res.Stdout)
		}
	})
	t.Run("names listed as metadata only", func(t *testing.T) {
		res := get("configmaps", "-o", "name", "-v=4", "--where", `object.metadata.name.endsWith("7") && object.kind == "ConfigMap"`)
		wantResult(t, res, 0, "--where reads [kind metadata] of the object: listing configmaps as metadata only")
		if res.Stdout != "configmap/cm-7\n" {
			t.Errorf("got %q", res.Stdout)
		}
		res = get("configmaps", "-o", "name", "-v=4", "--where", `has(object.data.url)`)
		wantResult(t, res, 0, "listing configmaps as whole objects")
	})
	t.Run("whole objects of the matches of a metadata-only filter", func(t *testing.T) {
		res := get("configmaps", "-o", "yaml", "-v=6", "--where", `object.metadata.name.endsWith("7")`)
		wantResult(t, res, 0, "listing configmaps as metadata only, then getting each match whole",
			fmt.Sprintf(`url="%s/api/v1/namespaces/%s/configmaps/cm-7" status="200 OK"`, env.Config.Host, ns))
		if !strings.Contains(res.Stdout, "db3.internal") || strings.Contains(res.Stdout, "cm-8") || strings.Contains(res.Stderr, "/configmaps/cm-8") {
			t.Errorf("yaml:\n%s", res.Stdout)
		}
		var many strings.Builder
		for i := range 20 {
			fmt.Fprintf(&many, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: many-%02d, namespace: %s}\n---\n", i, ns)
		}
		env.Apply(t, many.String())
		res = get("configmaps", "-o", "json", "-v=4", "--where", `object.metadata.name.startsWith("many-")`)
		wantResult(t, res, 0, "--where: 20 of the first 23 configmaps match: listing whole objects instead of getting each")
		if n := strings.Count(res.Stdout, `"name": "many-`); n != 20 {
			t.Errorf("%d objects printed, want 20:\n%s", n, res.Stdout)
		}
	})
	t.Run("json of the matches", func(t *testing.T) {
		res := get("gadgets,fruits", "-o", "json", "--where", `object.spec.color in ["blue", "red"]`)
		wantResult(t, res, 0)
		if !strings.Contains(res.Stdout, `"name": "g1"`) || !strings.Contains(res.Stdout, `"name": "apple"`) || strings.Contains(res.Stdout, "lime") || !strings.Contains(res.Stdout, `"weight": 150`) {
			t.Errorf("json:\n%s", res.Stdout)
		}
	})
	t.Run("selectableFields equality pushed to the server", func(t *testing.T) {
		res := get("fruits", "-o", "name", "-v=4", "--where", `object.spec.color == "red"`)
		wantResult(t, res, 0, `--where: field selector "spec.color=red" sent to the server for fruits.where.example.org`)
		if res.Stdout != "fruit.where.example.org/apple\n" {
			t.Errorf("got %q", res.Stdout)
		}
		res = get("fruits", "-o", "name", "-v=6", "--where", `object.spec.color == "red"`)
		wantResult(t, res, 0, "/fruits?fieldSelector=spec.color%3Dred")
		res = get("gadgets", "-o", "name", "-v=4", "--where", `object.spec.color == "blue"`) // not selectable: client side
		wantResult(t, res, 0)
		if strings.Contains(res.Stderr, "sent to the server") || res.Stdout != "gadget.multi.example.org/g1\n" {
			t.Errorf("got %q, stderr:\n%s", res.Stdout, res.Stderr)
		}
	})
	t.Run("name equality pushed to the server", func(t *testing.T) {
		res := get("configmaps", "-o", "name", "-v=4", "--where", `object.metadata.name == "cm-8"`)
		wantResult(t, res, 0, `--where: field selector "metadata.name=cm-8" sent to the server for configmaps`)
		if res.Stdout != "configmap/cm-8\n" {
			t.Errorf("got %q", res.Stdout)
		}
	})
	t.Run("named object that does not match", func(t *testing.T) {
		res := get("configmap", "cm-8", "-o", "name", "--where", `object.metadata.name.endsWith("7")`)
		wantResult(t, res, 0)
		if res.Stdout != "" {
			t.Errorf("got %q", res.Stdout)
		}
		res = get("configmap/cm-7", "configmap/cm-8", "--where", `object.metadata.name.endsWith("7")`)
		wantResult(t, res, 0)
		if !strings.Contains(res.Stdout, "cm-7") || strings.Contains(res.Stdout, "cm-8") {
			t.Errorf("got %q", res.Stdout)
		}
	})
	t.Run("over every type", func(t *testing.T) {
		res := get("--all-types", "-o", "name", "--where", `now - timestamp(object.metadata.creationTimestamp) < duration("1h") && object.metadata.name.startsWith("cm-")`)
		wantResult(t, res, 0)
		if res.Stdout != "configmap/cm-7\nconfigmap/cm-8\n" {
			t.Errorf("got %q", res.Stdout)
		}
		res = get("--all-types", "--where", `object.kind == "Fruit" && object.spec.weight < 100`)
		wantResult(t, res, 0)
		if !strings.Contains(res.Stdout, "fruit.where.example.org/lime") || strings.Contains(res.Stdout, "apple") || strings.Contains(res.Stdout, "cm-7") {
			t.Errorf("got:\n%s", res.Stdout)
		}
	})
}

func TestWhereExportAndDelete(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := setupWhere(t, env)
	t.Run("export writes the matches only", func(t *testing.T) {
		res := env.Kdx(t, "export", "configmaps,fruits", "-n", ns, "-o", "jsonl", "-q", "--where", `has(object.metadata.labels) || object.kind == "Fruit" && object.spec.color == "green"`)
		wantResult(t, res, 0)
		if !strings.Contains(res.Stdout, `"name":"cm-7"`) || !strings.Contains(res.Stdout, `"name":"lime"`) || strings.Count(res.Stdout, "\n") != 2 {
			t.Errorf("export:\n%s", res.Stdout)
		}
	})
	t.Run("export refuses names with --where", func(t *testing.T) {
		res := env.Kdx(t, "export", "configmap", "cm-7", "-n", ns, "--where", "true")
		wantResult(t, res, 1, "error: names cannot be given together with --where")
	})
	t.Run("delete lists the matches, then deletes them", func(t *testing.T) {
		res := env.Kdx(t, "delete", "configmaps,fruits", "-n", ns, "--where", `object.metadata.name in ["cm-7", "apple"] || object.?spec.weight.orValue(0) > 1000`)
		wantResult(t, res, 0)
		want := fmt.Sprintf("configmap \"cm-7\" deleted from %[1]s namespace\nfruit.where.example.org \"apple\" deleted from %[1]s namespace\n", ns)
		if res.Stdout != want {
			t.Errorf("delete:\n%s", res.Stdout)
		}
		left := env.RunKubectl(t, "get", "configmaps,fruits", "-n", ns, "-o", "name").Stdout
		if strings.Contains(left, "cm-7") || strings.Contains(left, "apple") || !strings.Contains(left, "cm-8") || !strings.Contains(left, "lime") {
			t.Errorf("left:\n%s", left)
		}
	})
	t.Run("delete with nothing matching", func(t *testing.T) {
		res := env.Kdx(t, "delete", "configmaps", "-n", ns, "--where", `object.metadata.name == "nope"`)
		wantResult(t, res, 0)
		if res.Stderr != "No resources found\n" {
			t.Errorf("stderr %q", res.Stderr)
		}
	})
}

func TestWhereWatch(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := setupWhere(t, env)
	web := `has(object.metadata.labels) && object.metadata.labels.tier == "web"`
	p := startKdx(t, env, env.Kubeconfig, "watch", "configmaps", "-n", ns, "--output-watch-events", "--timeout", "20s", "--where", web)
	event := func(typ, name string) func(string) bool {
		return func(l string) bool { f := strings.Fields(l); return len(f) > 1 && f[0] == typ && f[1] == name }
	}
	p.waitFor(t, "the matching configmap", event("ADDED", "cm-7"))
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-9, namespace: %s, labels: {tier: db}}\n", ns))
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-8, namespace: %s, labels: {tier: web}}\n", ns))
	p.waitFor(t, "cm-8 starting to match", event("ADDED", "cm-8"))
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-7, namespace: %s, labels: {tier: db}}\n", ns))
	p.waitFor(t, "cm-7 no longer matching", event("DELETED", "cm-7"))
	_ = p.cmd.Process.Kill()
	<-p.done
	if out := p.output(); strings.Contains(out, "cm-9") {
		t.Errorf("a configmap that never matched was shown:\n%s", out)
	}

	t.Run("get -w", func(t *testing.T) {
		res := env.Kdx(t, "get", "configmaps", "-n", ns, "-w", "--request-timeout", "3s", "--where", web)
		wantResult(t, res, 0)
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME") || !strings.HasPrefix(lines[1], "cm-8 ") {
			t.Errorf("get -w:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
	})
}

// TestWhereREADME: the README's questions are those TestWhereQuestions
// answers, word for word.
func TestWhereREADME(t *testing.T) {
	t.Parallel()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range whereQuestions {
		line := fmt.Sprintf("- %s:\n  `kdx get %s -A --where '%s'`\n", q.question, q.args[0], q.args[2])
		if !strings.Contains(string(readme), line) {
			t.Errorf("README.md does not hold the question, as tested:\n%s", line)
		}
	}
}

// TestWhereFleet: --where over two clusters, each filtered on its own,
// the evaluation failures of both summed up once.
func TestWhereFleet(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	peer := testenv.SharedPeer(t)
	ns := env.Namespace(t)
	peer.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns))
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: " + ns + "}\ndata: {k: %q}\n"
	env.Apply(t, fmt.Sprintf(cm, "a1", "keep")+"---\n"+fmt.Sprintf(cm, "a2", "drop"))
	peer.Apply(t, fmt.Sprintf(cm, "b1", "keep")+"---\n"+fmt.Sprintf(cm, "b2", "drop"))
	kc := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "a", Config: env.Config},
		testenv.FleetContext{Name: "b", Config: peer.Config})
	res := env.Kdx(t, "--kubeconfig", kc, "-n", ns, "get", "configmaps", "--context", "a,b", "-o", "name", "--where", `object.data.k == "keep"`)
	wantResult(t, res, 0)
	if res.Stdout != fmt.Sprintf("configmap/a1 -n %[1]s --context=a\nconfigmap/b1 -n %[1]s --context=b\n", ns) || res.Stderr != "" {
		t.Errorf("stdout %q, stderr %q", res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "--kubeconfig", kc, "-n", ns, "get", "configmaps", "--context", "a,b", "--where", `object.data.k > 1`)
	wantResult(t, res, 0, "Warning: --where could not be evaluated on 4 objects: no such overload")
	if strings.Count(res.Stderr, "Warning: --where") != 1 {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
}
