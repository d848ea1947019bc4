package e2e

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// parity runs kdx and kubectl v1.37.2 with args, once each, and wants the
// same stdout, the same stderr (the program's name aside) and the same exit
// code. Ages tick between the two runs: they are cut out of both outputs
// (withoutAges), not waited out by retrying.
func parity(t *testing.T, env *testenv.Env, args ...string) testenv.Result {
	t.Helper()
	k := env.Kdx(t, args...)
	c := env.RunKubectl(t, args...)
	if withoutAges(k.Stdout) != withoutAges(c.Stdout) || paritySterr(k.Stderr) != paritySterr(c.Stderr) || k.ExitCode != c.ExitCode {
		t.Errorf("kdx %s: differs from kubectl\nkdx (exit %d):\n%s\nstderr: %s\nkubectl (exit %d):\n%s\nstderr: %s",
			strings.Join(args, " "), k.ExitCode, k.Stdout, k.Stderr, c.ExitCode, c.Stdout, c.Stderr)
	}
	return k
}

// paritySterr is stderr as compared, kdx's deliberate differences aside:
// kubectl's name for itself, its "Error from server (Reason): " before the
// server's words (kdx: "error: ", as for every error), and the output
// format kdx adds (jsonl) in the list of formats.
func paritySterr(s string) string {
	s = strings.ReplaceAll(s, "kubectl", "kdx")
	s = serverError.ReplaceAllString(s, "error: ")
	return strings.ReplaceAll(s, ",jsonl,", ",")
}

// serverError is kubectl's prefix of an error the server answered.
var serverError = regexp.MustCompile(`(?m)^Error from server \([A-Za-z]+\): `)

// ageCell is an age as kubectl prints it (duration.HumanDuration): 5s,
// 2m3s, 10m, 3h5m, 2d3h, 10d, 3y45d, or <unknown> / <invalid>.
var ageCell = regexp.MustCompile(`^([0-9]+[smhdy]([0-9]+[smhd])?|<unknown>|<invalid>)$`)

// withoutAges is a command's output with the ages cut out: in each table
// (a block of lines after a blank line) whose header has an AGE column,
// that column, so that the others are compared to the character, aligned
// as printed; in a table without a header (--no-headers), each cell that
// is an age, and the spaces that align the cells after it.
func withoutAges(out string) string {
	lines := strings.Split(out, "\n")
	var from, to int // the AGE column of the current block, in runes; from < 0: none
	for i := range lines {
		if i == 0 || lines[i-1] == "" {
			from, to = ageColumn(lines[i])
			if from < 0 && anyAge(lines[i]) {
				from = -2 // a table without a header
			}
		}
		r := []rune(lines[i])
		switch {
		case from >= 0 && len(r) > from:
			lines[i] = string(r[:from]) + string(r[min(to, len(r)):])
		case from == -2:
			var cells []string
			for _, f := range strings.Fields(lines[i]) {
				if !ageCell.MatchString(f) {
					cells = append(cells, f)
				}
			}
			lines[i] = strings.Join(cells, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// ageColumn is where the AGE column of a table header is, from its first
// rune to the first of the next column (or the end), or -1.
func ageColumn(header string) (from, to int) {
	r := []rune(header)
	for i := 0; i+3 <= len(r); i++ {
		if string(r[i:i+3]) == "AGE" && (i == 0 || r[i-1] == ' ') && (i+3 == len(r) || r[i+3] == ' ') {
			j := i + 3
			for j < len(r) && r[j] == ' ' {
				j++
			}
			if j == len(r) {
				return i, math.MaxInt // the last column: its cells may be longer than "AGE"
			}
			return i, j
		}
	}
	return -1, -1
}

// anyAge reports whether a line has a cell that is an age.
func anyAge(line string) bool {
	for _, f := range strings.Fields(line) {
		if ageCell.MatchString(f) {
			return true
		}
	}
	return false
}

// TestWithoutAges: two runs a second apart, 9s then 10s, compare equal;
// any other difference, alignment included, still shows.
func TestWithoutAges(t *testing.T) {
	a := "NAME   DATA   AGE\nb      1      9s\ncm-x   2      9s\n\nNAME   TYPE     DATA   AGE   EXTRA\ns1     Opaque   1      9s    x\n"
	b := "NAME   DATA   AGE\nb      1      10s\ncm-x   2      10s\n\nNAME   TYPE     DATA   AGE    EXTRA\ns1     Opaque   1      10s    x\n"
	if withoutAges(a) != withoutAges(b) {
		t.Errorf("differ:\n%s\n%s", withoutAges(a), withoutAges(b))
	}
	if x, y := "NAME   AGE\np      6m46s\n", "NAME   AGE\np      6m47s\n"; withoutAges(x) != withoutAges(y) {
		t.Errorf("a last AGE column longer than its header differs:\n%s\n%s", withoutAges(x), withoutAges(y))
	}
	if c := strings.Replace(b, "cm-x   2", "cm-x  2", 1); withoutAges(a) == withoutAges(c) {
		t.Error("a misaligned cell compares equal")
	}
	if c := strings.Replace(b, "Opaque", "opaque", 1); withoutAges(a) == withoutAges(c) {
		t.Error("another cell compares equal")
	}
	noHeaders := [2]string{"b      1      9s\ncm-x   2      9s\n", "b      1      10s\ncm-x   2      10s\n"}
	if withoutAges(noHeaders[0]) != withoutAges(noHeaders[1]) || withoutAges(noHeaders[0]) == withoutAges("b 1 9s\ncm-x 3 9s\n") {
		t.Errorf("--no-headers: %q, %q", withoutAges(noHeaders[0]), withoutAges(noHeaders[1]))
	}
	yaml := "metadata:\n  name: b\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n"
	if withoutAges(yaml) != yaml {
		t.Errorf("yaml changed: %q", withoutAges(yaml))
	}
}

// applyDemoCRDs applies the demo CRDs (shared by tests, idempotent).
func applyDemoCRDs(t *testing.T, env *testenv.Env) {
	t.Helper()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	env.ApplyFile(t, filepath.Join(root, "testdata", "demo", "10-crds.yaml"))
}

// getFixture fills ns with objects that exercise the printers.
func getFixture(ns string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: app.config.v1
  namespace: %[1]s
  labels: {app: web, tier: front}
  annotations: {note: "héllo wörld ✓ 日本語"}
data: {greeting: "<b>hi</b> & bye", multi: "line one\n\nline three\n"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  namespace: %[1]s
  labels: {app: api, team: "core"}
data: {n: "2"}
---
apiVersion: v1
kind: Secret
metadata: {name: s1, namespace: %[1]s}
stringData: {password: hunter2}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g.one, namespace: %[1]s, labels: {app: web}}
spec: {color: red, size: 3, widgetClass: small}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g2, namespace: %[1]s}
spec: {color: blue, size: 11, widgetClass: large}
`, ns)
}

func TestGetParityWithKubectl(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, getFixture(ns))
	cases := [][]string{
		{"get", "configmaps"},
		{"get", "cm", "-o", "wide"},
		{"get", "cm", "--show-labels"},
		{"get", "cm", "-L", "app,team", "-L", "tier"},
		{"get", "cm", "--no-headers"},
		{"get", "cm", "--show-kind"},
		{"get", "cm", "--sort-by", ".metadata.name"},
		{"get", "cm", "-l", "app=web"},
		{"get", "cm", "--field-selector", "metadata.name=b"},
		{"get", "cm", "app.config.v1"},
		{"get", "cm/app.config.v1", "secret/s1"},
		{"get", "cm,secrets"},
		{"get", "cm", "app.config.v1", "-o", "yaml"},
		{"get", "cm", "app.config.v1", "-o", "json"},
		{"get", "cm", "-o", "yaml"},
		{"get", "cm", "-o", "json"},
		{"get", "cm", "-o", "yaml", "--show-managed-fields"},
		{"get", "cm", "b", "app.config.v1", "-o", "json"},
		{"get", "cm,secrets", "-o", "name"},
		{"get", "cm", "-o", "jsonpath={.items[*].metadata.name}"},
		{"get", "cm", "-o", "go-template={{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}"},
		{"get", "cm", "-o", "custom-columns=NAME:.metadata.name,APP:.metadata.labels.app"},
		{"get", "cm", "-o", "name", "--sort-by", "{.metadata.name}"},
		{"get", "cm", "-o", "json", "--sort-by", ".metadata.name"},
		{"get", "gadgets"},
		{"get", "gd", "-o", "wide"},
		{"get", "gadgets.v1.multi.example.org"},
		{"get", "gadgets.v1.multi.example.org", "-o", "yaml"},
		{"get", "gadgets", "-o", "yaml"},
		{"get", "gadgets", "--sort-by", ".spec.size"},
		{"get", "gadgets", "g.one", "--subresource", "status", "-o", "json"},
		{"get", "gadgets", "g.one", "--subresource", "scale"},
		{"get", "widgetclasses"},
		{"get", "cm", "nope"},
		{"get", "cm", "nope", "--ignore-not-found"},
		{"get", "cm", "nope", "b"},
		{"get", "cm", "-o", "bogus"},
		{"get", "pods"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			parity(t, env, append(args, "-n", ns)...)
		})
	}
}

func TestGetAllNamespacesParity(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, getFixture(ns))
	for _, args := range [][]string{
		{"get", "gadgets", "-A"},
		{"get", "gadgets", "-A", "-o", "wide", "--show-labels"},
		{"get", "namespaces", ns, "-o", "yaml"},
		{"get", "clusterroles", "admin", "edit", "view"},
		{"get", "crd", "gadgets.multi.example.org"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) { parity(t, env, args...) })
	}
}

func TestGetPagesParity(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	var b strings.Builder
	for i := range 23 {
		name := fmt.Sprintf("cm-%02d", i)
		if i%5 == 0 {
			name = strings.Repeat("long-", i/5+1) + name
		}
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: %s}\ndata: {i: %q}\n", name, ns, fmt.Sprint(i))
	}
	env.Apply(t, b.String())
	for _, format := range []string{"", "yaml", "json", "name", "wide"} {
		args := []string{"get", "cm", "-n", ns, "--chunk-size", "4"}
		if format != "" {
			args = append(args, "-o", format)
		}
		t.Run(format, func(t *testing.T) { parity(t, env, args...) })
	}
	res := env.Kdx(t, "get", "cm", "-n", ns, "--chunk-size", "4", "-o", "jsonl")
	if n := strings.Count(res.Stdout, "\n"); n != 24 || res.ExitCode != 0 {
		t.Errorf("jsonl: got %d lines (exit %d), want 24\n%s", n, res.ExitCode, res.Stderr)
	}
}

func TestGetSharedCRDs(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	dir := testenv.SharedCRDs(t)
	for _, f := range []string{"cert-manager/cert-manager.io_certificates.yaml", "cert-manager/cert-manager.io_issuers.yaml", "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml", "prometheus-operator/monitoring.coreos.com_prometheuses.yaml"} {
		env.ApplyFile(t, filepath.Join(dir, f))
	}
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web.example.com, namespace: %[1]s}
spec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ca}}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ca, namespace: %[1]s}
spec: {selfSigned: {}}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: %[1]s}
spec: {replicas: 2, version: v2.50.0}
`, ns))
	for _, args := range [][]string{
		{"get", "certificates"},
		{"get", "certificates,issuers", "-o", "wide"},
		{"get", "cert", "-o", "yaml"},
		{"get", "prometheuses", "-o", "wide"},
		{"get", "servicemonitors"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) { parity(t, env, append(args, "-n", ns)...) })
	}
}

func TestGetErrors(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"get"}, "you must specify the type of resource"},
		{[]string{"get", "nosuchtype"}, "nosuchtype"},
		{[]string{"get", "cm", "-o", "bogus"}, "allowed formats are"},
		{[]string{"get", "cm", "--raw", "/api"}, "arguments may not be passed when --raw is specified"},
		{[]string{"get", "cm", "x", "-A"}, "cannot be retrieved by name across all namespaces"},
		{[]string{"get", "cm", "--show-labels", "-o", "yaml"}, "--show-labels option cannot be used with yaml printer"},
		{[]string{"get", "--all-types", "cm"}, "--all-types"},
		{[]string{"get", "cm", "--concurrency", "0", "--all-types"}, "--all-types"},
		{[]string{"get", "cm", "--sort-by", ".nope.nope"}, ""},
	}
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: %s}\n", ns))
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			res := env.Kdx(t, append(c.args, "-n", ns)...)
			lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
			if res.ExitCode == 0 || !strings.HasPrefix(lines[len(lines)-1], "error: ") || !strings.Contains(res.Stderr, c.want) || strings.Contains(res.Stderr, "panic") {
				t.Errorf("got exit %d, stderr %q; want a non-zero exit and an error containing %q", res.ExitCode, res.Stderr, c.want)
			}
		})
	}
}

func TestGetRaw(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	for _, p := range []string{"/api/v1/namespaces/default", "/apis/apps/v1", "/version", "/api/v1/namespaces/nope"} {
		t.Run(p, func(t *testing.T) { parity(t, env, "get", "--raw", p) })
	}
}

func TestGetAllTypes(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, getFixture(ns))
	res := env.Kdx(t, "get", "--all-types", "-n", ns, "-o", "name")
	// Sorted by group, then resource; the service account appears when the
	// controller manager gets to it, so it is left out of the comparison.
	want := "configmap/app.config.v1\nconfigmap/b\nconfigmap/kube-root-ca.crt\nsecret/s1\ngadget.multi.example.org/g.one\ngadget.multi.example.org/g2\n"
	var got strings.Builder
	for _, l := range strings.SplitAfter(res.Stdout, "\n") {
		if !strings.HasPrefix(l, "serviceaccount/") {
			got.WriteString(l)
		}
	}
	if got.String() != want || res.ExitCode != 0 {
		t.Errorf("--all-types -o name: got (exit %d)\n%s\nstderr: %s\nwant:\n%s", res.ExitCode, res.Stdout, res.Stderr, want)
	}
	res = env.Kdx(t, "get", "--all-types", "-n", ns, "--exclude", "secrets,gd")
	for _, s := range []string{"configmap/app.config.v1", "NAME"} {
		if !strings.Contains(res.Stdout, s) {
			t.Errorf("--all-types table: missing %q in\n%s", s, res.Stdout)
		}
	}
	for _, s := range []string{"secret/s1", "gadget"} {
		if strings.Contains(res.Stdout, s) {
			t.Errorf("--all-types --exclude: %q should be excluded:\n%s", s, res.Stdout)
		}
	}
}

func TestGetAllTypesForbiddenAndDown(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-reader, namespace: %[1]s}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-reader, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
subjects: [{kind: User, name: restricted, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.down.kdx.example}
spec:
  group: down.kdx.example
  version: v1
  groupPriorityMinimum: 100
  versionPriority: 10
  insecureSkipTLSVerify: true
  service: {name: missing, namespace: %[1]s}
`, ns))
	t.Cleanup(func() { env.RunKubectl(t, "delete", "apiservice", "v1.down.kdx.example", "--wait=false") })
	// Forbidden types are reported in one line, after everything else was
	// listed, and make the exit code 1; --ignore-forbidden leaves them out.
	res := env.Kdx(t, "--context", "restricted", "get", "--all-types", "-n", ns, "-o", "name")
	if res.ExitCode != 1 || res.Stdout != "configmap/kube-root-ca.crt\n" {
		t.Errorf("restricted --all-types: got exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
	}
	var lines []string // the discovery warning of the broken APIService aside
	for _, l := range strings.Split(strings.TrimSpace(res.Stderr), "\n") {
		if !strings.Contains(l, "down.kdx.example") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !regexp.MustCompile(`^error: could not list \d+ types \(forbidden\): .+ and \d+ more$`).MatchString(lines[0]) || len(lines[0]) > 200 {
		t.Errorf("restricted --all-types: want one short line naming the forbidden types, got:\n%s", res.Stderr)
	}
	res = env.Kdx(t, "--context", "restricted", "get", "--all-types", "-n", ns, "-o", "name", "--ignore-forbidden")
	if res.ExitCode != 0 || res.Stdout != "configmap/kube-root-ca.crt\n" || strings.Contains(res.Stderr, "forbidden") {
		t.Errorf("restricted --all-types --ignore-forbidden: got exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "get", "--all-types", "-n", ns, "-o", "name")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, "role.rbac.authorization.k8s.io/cm-reader") {
		t.Errorf("--all-types with an aggregated API down: got exit %d\n%s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "down.kdx.example") {
		t.Errorf("--all-types with an aggregated API down: want a warning naming down.kdx.example, got:\n%s", res.Stderr)
	}
}
