package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	k8sdiscovery "k8s.io/client-go/discovery"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/testenv"
)

// explainCRD is a CRD whose schema has what kubectl explain does not print:
// defaults, enums, CEL rules (one of them immutability), int-or-string,
// preserve-unknown-fields, a pattern, limits, nullable and a list map; and
// an older, deprecated version with another schema.
const explainCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: explainprobes.explain.kdx.example.org}
spec:
  group: explain.kdx.example.org
  names: {plural: explainprobes, singular: explainprobe, kind: ExplainProbe, shortNames: [xpr]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: The probe's spec.
            required: [target]
            x-kubernetes-validations:
            - rule: self.minReplicas <= self.maxReplicas
              message: minReplicas must not exceed maxReplicas
            properties:
              target:
                type: string
                description: What to probe.
                pattern: '^[a-z0-9.-]+$'
                maxLength: 253
                x-kubernetes-validations:
                - rule: self == oldSelf
                  message: target is immutable
              mode:
                type: string
                description: How to probe.
                enum: [HTTP, TCP, GRPC, Exec, None]
                default: HTTP
              port:
                x-kubernetes-int-or-string: true
                description: A port number or name.
              minReplicas: {type: integer, format: int32, default: 1, minimum: 0}
              maxReplicas: {type: integer, format: int32, default: 3, maximum: 10}
              extra:
                type: object
                description: Anything.
                x-kubernetes-preserve-unknown-fields: true
              note: {type: string, nullable: true, description: A note.}
              headers:
                type: array
                description: Headers to send.
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    value: {type: string}
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              target: {type: string}
              mode: {type: string, enum: [HTTP, TCP]}
              port: {type: integer}
              legacy: {type: boolean}
`

// explainSetup applies the CRDs the explain tests read: the test CRD, the
// demo CRDs and real-world ones (cert-manager, prometheus-operator).
func explainSetup(t *testing.T) *testenv.Env {
	t.Helper()
	env := testenv.Alone(t)
	env.Apply(t, explainCRD)
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	env.ApplyFile(t, filepath.Join(root, "testdata", "demo", "10-crds.yaml"))
	dir := testenv.SharedCRDs(t)
	for _, f := range []string{
		"cert-manager/cert-manager.io_certificates.yaml",
		"cert-manager/cert-manager.io_issuers.yaml",
		"prometheus-operator/monitoring.coreos.com_prometheuses.yaml",
		"prometheus-operator/monitoring.coreos.com_servicemonitors.yaml",
	} {
		env.ApplyFile(t, filepath.Join(dir, f))
	}
	waitForSchemas(t, env, map[string][]string{
		"apis/explain.kdx.example.org/v1":      {"ExplainProbe"},
		"apis/explain.kdx.example.org/v1beta1": {"ExplainProbe"},
		"apis/multi.example.org/v2":            {"Gadget"},
		"apis/multi.example.org/v1":            {"WidgetClass"},
		"apis/cert-manager.io/v1":              {"Certificate", "Issuer"},
		"apis/monitoring.coreos.com/v1":        {"Prometheus", "ServiceMonitor"},
	})
	return env
}

// waitForSchemas waits until the server's OpenAPI v3 documents hold the
// kinds of the CRDs just created: the server publishes them a moment after
// the types are served.
func waitForSchemas(t *testing.T, env *testenv.Env, want map[string][]string) {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		missing := ""
		dc, err := k8sdiscovery.NewDiscoveryClientForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		paths, err := dc.OpenAPIV3().Paths()
		for p, kinds := range want {
			if err != nil {
				missing = err.Error()
				break
			}
			gv, ok := paths[p]
			if !ok {
				missing = p
				break
			}
			raw, err := gv.Schema("application/json")
			if err != nil {
				missing = err.Error()
				break
			}
			for _, k := range kinds {
				if !strings.Contains(string(raw), `"kind":"`+k+`"`) {
					missing = p + " " + k
				}
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the OpenAPI documents lack %s after a minute", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// kdxLine is one of kdx's own lines: "+ " after the indentation.
var kdxLine = regexp.MustCompile(`^ *\+ `)

// withoutKdxLines is out less kdx's own lines.
func withoutKdxLines(out string) string {
	var kept []string
	for _, l := range strings.Split(out, "\n") {
		if !kdxLine.MatchString(l) {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// TestExplainMatchesKubectl: for built-in types, the demo CRDs and
// real-world CRDs, kdx explain prints every line kubectl explain v1.37.2
// prints, in its order, and nothing else but its own "+ " lines (the text
// less those lines is kubectl's, byte for byte); --extras=false is
// kubectl's text; the exit code and the error of a missing field are
// kubectl's.
func TestExplainMatchesKubectl(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	paths := []string{
		"pods",
		"pods.spec",
		"pods.spec.containers",
		"pods.spec.containers.imagePullPolicy",
		"pods.spec.containers.ports.protocol",
		"pods.metadata.labels",
		"deployments.spec.replicas",
		"deployments.apps.spec.strategy",
		"services.spec.ports.targetPort",
		"cronjobs.spec.jobTemplate.spec.template.spec",
		"nodes.status.conditions",
		"configmaps",
		"namespaces.spec",
		"customresourcedefinitions.spec.versions.schema",
		"explainprobes.spec",
		"explainprobes.spec.mode",
		"explainprobes.spec.port",
		"gadgets",
		"gadgets.spec",
		"certificates",
		"certificates.spec.privateKey",
		"certificates.cert-manager.io.spec.privateKey.algorithm",
		"certificates.spec.duration",
		"issuers.spec.acme",
		"prometheuses.spec.containers.livenessProbe",
		"prometheuses.spec.storage",
		"servicemonitors.spec.endpoints.targetPort",
		"pods.spec.nope",
	}
	for _, p := range paths {
		want := env.RunKubectl(t, "explain", p)
		got := env.Kdx(t, "explain", p)
		if got.ExitCode != want.ExitCode {
			t.Errorf("explain %s: exit %d, kubectl's %d\nstderr: %s", p, got.ExitCode, want.ExitCode, got.Stderr)
			continue
		}
		if want.ExitCode != 0 {
			if got.Stderr != want.Stderr {
				t.Errorf("explain %s: stderr %q, kubectl's %q", p, got.Stderr, want.Stderr)
			}
			continue
		}
		if w := withoutKdxLines(got.Stdout); w != want.Stdout {
			t.Errorf("explain %s, less kdx's lines:\n%s\nkubectl explain:\n%s", p, w, want.Stdout)
		}
		if plain := env.Kdx(t, "explain", p, "--extras=false"); plain.Stdout != want.Stdout || plain.ExitCode != 0 {
			t.Errorf("explain %s --extras=false:\n%s\nkubectl explain:\n%s", p, plain.Stdout, want.Stdout)
		}
	}
}

// TestExplainExtras checks kdx's own lines on CRD fields with defaults,
// enums, CEL rules, int-or-string and preserve-unknown-fields, and on a
// real-world CRD.
func TestExplainExtras(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	cases := map[string][]string{
		"explainprobes.spec": {
			"FIELD: spec <Object>\n+ rule: self.minReplicas <= self.maxReplicas (message: minReplicas must not exceed maxReplicas)\n\n\n",
			"  extra\t<Object>\n    + accepts any fields\n    Anything.\n",
			"  headers\t<[]Object>\n    + list type: map, keys: name\n",
			"  maxReplicas\t<integer>\n    + default: 3\n    + format: int32\n    + maximum: 10\n",
			"  mode\t<string>\n  enum: HTTP, TCP, GRPC, Exec, ....\n    + default: \"HTTP\"\n",
			"  note\t<string>\n    + nullable\n",
			"  port\t<Object>\n    + type: int | string\n",
			"  target\t<string> -required-\n    + pattern: ^[a-z0-9.-]+$\n    + max length: 253\n    + immutable: self == oldSelf (message: target is immutable)\n",
		},
		"xpr.spec.port":                               {"FIELD: port <Object>\n+ type: int | string\n\n\nDESCRIPTION:\n"},
		"explainprobe.spec.mode":                      {"FIELD: mode <string>\nENUM:\n    HTTP\n    TCP\n    GRPC\n    Exec\n    None\n+ default: \"HTTP\"\n\nDESCRIPTION:\n"},
		"explainprobes.spec.headers[0]":               {"FIELD: headers[0] <Object>\n", "  name\t<string> -required-\n"},
		"certificates.spec.privateKey.rotationPolicy": {"FIELD: rotationPolicy <string>\nENUM:\n    Never\n    Always\n"},
		"issuers.spec.acme.solvers.http01.ingress.podTemplate.spec.tolerations": {"+ list type: atomic\n"},
	}
	for p, wants := range cases {
		res := env.Kdx(t, "explain", p)
		if res.ExitCode != 0 {
			t.Errorf("explain %s: exit %d: %s", p, res.ExitCode, res.Stderr)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(res.Stdout, w) {
				t.Errorf("explain %s: no %q in:\n%s", p, w, res.Stdout)
			}
		}
	}
}

// TestExplainRecursiveAndData: --recursive prints one line per field with
// its full path, type, -required- and default, bounded by --max-depth;
// -o json|yaml prints the schema of the path.
func TestExplainRecursiveAndData(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	res := env.Kdx(t, "explain", "explainprobes.spec", "--recursive")
	for _, w := range []string{
		"  spec.headers\t<[]Object>\n  spec.headers[*].name\t<string> -required-\n  spec.headers[*].value\t<string>\n",
		"  spec.maxReplicas\t<integer> default=3\n",
		"  spec.target\t<string> -required-\n",
	} {
		if !strings.Contains(res.Stdout, w) {
			t.Errorf("--recursive: no %q in:\n%s", w, res.Stdout)
		}
	}
	res = env.Kdx(t, "explain", "deployments", "--recursive", "--max-depth", "2")
	if !strings.Contains(res.Stdout, "  spec.template\t<PodTemplateSpec> -required-\n") || strings.Contains(res.Stdout, "spec.template.spec") {
		t.Errorf("--max-depth 2:\n%s", res.Stdout)
	}
	res = env.Kdx(t, "explain", "pods.spec.containers", "--recursive")
	if !strings.Contains(res.Stdout, "  spec.containers[*].livenessProbe.httpGet.port\t<IntOrString> -required-\n") {
		t.Errorf("pods.spec.containers --recursive: no livenessProbe.httpGet.port in:\n%s", res.Stdout)
	}
	res = env.Kdx(t, "explain", "explainprobes.spec.mode", "-o", "json")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, `"default": "HTTP"`) || !strings.Contains(res.Stdout, `"enum": [`) {
		t.Errorf("-o json: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "explain", "deployments.spec.strategy", "-o", "yaml")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, "rollingUpdate:") || strings.Contains(res.Stdout, "$ref") {
		t.Errorf("-o yaml: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
}

// TestExplainCache: a cold run reads the index and the one document its
// type needs; a warm run reads no document (the index of a v1.37.2 server
// carries no ETag, so it is read again) and no discovery.
func TestExplainCache(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	env.Kdx(t, "api-resources") // discovery cached, as for any command before
	requests := func(res testenv.Result) []string {
		var out []string
		for _, m := range regexp.MustCompile(`verb="GET" url="https://[^/"]+([^"]*)" status="(\d+)`).FindAllStringSubmatch(res.Stderr, -1) {
			u, _, _ := strings.Cut(m[1], "?hash=")
			if u != m[1] {
				u += "?hash=H"
			}
			out = append(out, u+" "+m[2])
		}
		return out
	}
	cold := env.Kdx(t, "explain", "certificates.spec", "-v=6")
	want := "/openapi/v3 200, /openapi/v3/apis/cert-manager.io/v1?hash=H 200"
	if got := strings.Join(requests(cold), ", "); cold.ExitCode != 0 || got != want {
		t.Errorf("cold: exit %d, requests %s, want %s\n%s", cold.ExitCode, got, want, cold.Stderr)
	}
	warm := env.Kdx(t, "explain", "certificates.spec.dnsNames", "-v=6")
	if got := strings.Join(requests(warm), ", "); warm.ExitCode != 0 || (got != "/openapi/v3 200" && got != "/openapi/v3 304") {
		t.Errorf("warm: exit %d, requests %s, want the index only\n%s", warm.ExitCode, got, warm.Stderr)
	}
	other := env.Kdx(t, "explain", "pods.spec", "-v=6")
	if got := strings.Join(requests(other), ", "); got != "/openapi/v3 200, /openapi/v3/api/v1?hash=H 200" {
		t.Errorf("another group-version: requests %s, want the index and api/v1 only", got)
	}
}

// TestExplainErrors: the bad inputs a user can meet, each one line and
// exit 1; an unknown type gets the error and suggestions of every command.
func TestExplainErrors(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	get := env.Kdx(t, "get", "deploymentz")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"explain"}, "error: you must specify the type of resource to explain, e.g. 'kdx explain pods.spec' ('kdx api-resources' lists the types)\n"},
		{[]string{"explain", "deploymentz.spec"}, get.Stderr},
		{[]string{"explain", "pods.spec.nope"}, "error: field \"nope\" does not exist\n"},
		{[]string{"explain", "pods.spec.hostname[0]"}, "error: spec.hostname is not an array: [0] does not apply\n"},
		{[]string{"explain", "pods.spec[x]"}, "error: invalid field path \"pods.spec[x]\": [x] is neither an index, [*] nor a quoted name\n"},
		{[]string{"explain", "pods", "--max-depth", "2"}, "error: --max-depth requires --recursive\n"},
		{[]string{"explain", "pods,services"}, "error: explain takes one type, not a list: \"pods,services\"\n"},
		{[]string{"explain", "deployments.apps", "--api-version", "v1"}, "error: --api-version v1 is not a version of deployments.apps (group \"apps\")\n"},
		{[]string{"explain", "pods", "-o", "wide"}, ""},
	}
	for _, tc := range cases {
		res := env.Kdx(t, tc.args...)
		if res.ExitCode != 1 || (tc.want != "" && res.Stderr != tc.want) || strings.Count(res.Stderr, "\n") != 1 {
			t.Errorf("kdx %s: exit %d, stderr %q, want %q", strings.Join(tc.args, " "), res.ExitCode, res.Stderr, tc.want)
		}
	}
	if want := env.RunKubectl(t, "explain", "deployments", "--max-depth", "2"); want.ExitCode != 1 {
		t.Errorf("kubectl --max-depth without --recursive: exit %d", want.ExitCode)
	}
}

// TestExplainFindBruteForce: `kdx explain --find image` lists exactly the
// fields named image that a brute-force walk of every listable type's
// OpenAPI document finds (read with client-go's OpenAPI v3 client, as
// kubectl reads them), full path for full path.
func TestExplainFindBruteForce(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := k8sdiscovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := dc.ServerPreferredResources()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]string{} // document path -> kinds
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") {
				continue
			}
			p := "apis/" + gv.Group + "/" + gv.Version
			if gv.Group == "" {
				p = "api/" + gv.Version
			}
			kinds[p] = append(kinds[p], r.Kind)
		}
	}
	paths, err := dc.OpenAPIV3().Paths()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for p, ks := range kinds {
		gv, ok := paths[p]
		if !ok {
			t.Fatalf("discovery serves %s (%v), the OpenAPI index lists no document for it", p, ks)
		}
		raw, err := gv.Schema("application/json")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
		for _, s := range schemas {
			s := s.(map[string]any)
			gvks, _ := s["x-kubernetes-group-version-kind"].([]any)
			for _, g := range gvks {
				g := g.(map[string]any)
				gv := schema.GroupVersion{Group: g["group"].(string), Version: g["version"].(string)}
				if !slices.Contains(ks, g["kind"].(string)) || (gv.Group == "" && p != "api/"+gv.Version) || (gv.Group != "" && p != "apis/"+gv.String()) {
					continue
				}
				name := g["kind"].(string)
				if gv.Group != "" {
					name += "." + gv.Group
				}
				bruteFind(schemas, s, "", map[string]bool{}, func(path string) { want = append(want, name+" "+path) })
			}
		}
	}
	res := env.Kdx(t, "explain", "--find", "image")
	if res.ExitCode != 0 {
		t.Fatalf("--find: exit %d: %s", res.ExitCode, res.Stderr)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
		f := strings.Fields(l)
		got = append(got, f[0]+" "+f[1])
	}
	slices.Sort(got)
	slices.Sort(want)
	want = slices.Compact(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("--find image:\n%s\nbrute force:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(want) < 30 || !slices.Contains(got, "Deployment.apps spec.template.spec.containers[*].image") || !slices.Contains(got, "Prometheus.monitoring.coreos.com spec.image") {
		t.Errorf("--find image found %d fields:\n%s", len(got), res.Stdout)
	}
}

// bruteFind calls found with the path of every field named image below s,
// following every reference, array and map, and not a reference already on
// the path.
func bruteFind(schemas map[string]any, s map[string]any, path string, seen map[string]bool, found func(string)) {
	if ref, ok := s["$ref"].(string); ok {
		if seen[ref] {
			return
		}
		seen = maps.Clone(seen)
		seen[ref] = true
		s = schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		step := name
		if strings.ContainsAny(name, ".[]'\" ") {
			step = "['" + name + "']"
		} else if path != "" {
			step = "." + name
		}
		if name == "image" {
			found(path + step)
		}
		bruteFind(schemas, p.(map[string]any), path+step, seen, found)
	}
	for _, a := range asList(s["allOf"]) {
		bruteFind(schemas, a.(map[string]any), path, seen, found)
	}
	if it, ok := s["items"].(map[string]any); ok && len(it) > 0 {
		bruteFind(schemas, it, path+"[*]", seen, found)
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok && len(ap) > 0 {
		bruteFind(schemas, ap, path+".*", seen, found)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// TestExplainVersions: --versions lists a CRD's versions from the CRD, the
// deprecated one with its warning; --diff lists what changed between two
// served versions.
func TestExplainVersions(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	res := env.Kdx(t, "explain", "explainprobes", "--versions")
	want := "VERSION   SERVED   STORAGE   DEPRECATED   WARNING\n" +
		"v1        true     true      false        \n" +
		"v1beta1   true     false     true         explain.kdx.example.org/v1beta1 ExplainProbe is deprecated\n"
	if res.ExitCode != 0 || res.Stdout != want {
		t.Errorf("--versions: exit %d\n%s\nwant:\n%s%s", res.ExitCode, res.Stdout, want, res.Stderr)
	}
	res = env.Kdx(t, "explain", "xpr", "--diff", "v1beta1", "v1")
	want = "--- explainprobes.explain.kdx.example.org v1beta1\n" +
		"+++ explainprobes.explain.kdx.example.org v1\n" +
		"- spec.legacy <boolean>\n" +
		"~ spec.mode: enum: HTTP, TCP -> HTTP, TCP, GRPC, Exec, None\n" +
		"~ spec.mode: default: (none) -> \"HTTP\"\n" +
		"~ spec.port: type: integer -> Object\n" +
		"~ spec.port: validation: (none) -> type: int | string\n" +
		"~ spec.target: required: no -> yes\n" +
		"~ spec.target: validation: (none) -> pattern: ^[a-z0-9.-]+$; max length: 253; immutable: self == oldSelf (message: target is immutable)\n"
	if res.ExitCode != 0 || !strings.HasPrefix(res.Stdout, want[:strings.Index(want, "- spec.legacy")]) {
		t.Errorf("--diff: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	for _, line := range strings.SplitAfter(want, "\n")[2:] {
		if line != "" && !strings.Contains(res.Stdout, line) {
			t.Errorf("--diff: no %q in:\n%s", line, res.Stdout)
		}
	}
	if res = env.Kdx(t, "explain", "gadgets", "--diff", "v1,v2"); res.ExitCode != 0 || res.Stdout != "--- gadgets.multi.example.org v1\n+++ gadgets.multi.example.org v2\n" {
		t.Errorf("--diff of equal versions: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "explain", "deployments.apps", "--versions")
	if res.Stdout != "VERSION   SERVED   STORAGE     DEPRECATED\nv1        true     <unknown>   <unknown>\n" {
		t.Errorf("--versions of a built-in type:\n%s%s", res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "explain", "xpr", "--diff", "v1beta1", "v2")
	if res.ExitCode != 1 || res.Stderr != "error: the server does not serve explainprobes.explain.kdx.example.org in version v2 (it serves v1, v1beta1)\n" {
		t.Errorf("--diff of an unserved version: exit %d, %q", res.ExitCode, res.Stderr)
	}
}

// TestExplainSkeleton: the required-only skeleton of every shared
// real-world CRD and of the demo CRDs, once a name is given, passes a
// server-side dry run of kdx apply. (A placeholder cannot match every
// pattern: the test CRD's target has one, which the skeleton says.)
func TestExplainSkeleton(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	dir := testenv.SharedCRDs(t)
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
	if err != nil || len(files) < 16 {
		t.Fatalf("shared CRDs: %v %v", files, err)
	}
	types := []string{"gadgets", "widgetclasses", "deployments.shadow.example.org"}
	for _, f := range files {
		env.ApplyFile(t, f)
		types = append(types, strings.TrimSuffix(filepath.Base(f), ".yaml")) // group_plural
	}
	ns := env.Namespace(t)
	for _, typ := range types {
		if g, plural, ok := strings.Cut(typ, "_"); ok {
			typ = plural + "." + g
		}
		var res testenv.Result
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
			// The server publishes a new CRD's schema a moment after serving it.
			if res = env.Kdx(t, "explain", typ, "--skeleton"); res.ExitCode == 0 || time.Now().After(deadline) {
				break
			}
		}
		if res.ExitCode != 0 || !strings.Contains(res.Stdout, "metadata:\n  # The object's name: give one.\n  name: \"\"\n") {
			t.Errorf("explain %s --skeleton: exit %d\n%s%s", typ, res.ExitCode, res.Stdout, res.Stderr)
			continue
		}
		manifest := strings.Replace(res.Stdout, "  name: \"\"\n", "  name: skeleton\n", 1)
		file := filepath.Join(t.TempDir(), "skeleton.yaml")
		if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
			t.Fatal(err)
		}
		if apply := env.Kdx(t, "apply", "--dry-run=server", "-n", ns, "-f", file); apply.ExitCode != 0 {
			t.Errorf("explain %s --skeleton is refused by the server:\n%s\n%s", typ, manifest, apply.Stderr)
		}
	}
	res := env.Kdx(t, "explain", "explainprobes", "--skeleton")
	if !strings.Contains(res.Stdout, "  # What to probe.\n  # pattern: ^[a-z0-9.-]+$\n  target: \"\"\n") {
		t.Errorf("explainprobes --skeleton:\n%s", res.Stdout)
	}
	res = env.Kdx(t, "explain", "certificates", "--skeleton")
	if !strings.Contains(res.Stdout, "spec:\n  # Reference to the issuer responsible for issuing the certificate.\n  issuerRef:\n    # Name of the issuer being referred to.\n    name: \"\"\n") {
		t.Errorf("certificates --skeleton:\n%s", res.Stdout)
	}
}

// TestExplainCompletion: the shell completes field paths of explain.
func TestExplainCompletion(t *testing.T) {
	t.Parallel()
	env := explainSetup(t)
	res := env.Kdx(t, "__complete", "explain", "deployments.spec.te")
	if res.ExitCode != 0 || res.Stdout != "deployments.spec.template\n:6\n" {
		t.Errorf("complete deployments.spec.te: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "__complete", "explain", "certificates.spec.privateKey.r")
	if res.Stdout != "certificates.spec.privateKey.rotationPolicy\n:6\n" {
		t.Errorf("complete certificates.spec.privateKey.r:\n%s%s", res.Stdout, res.Stderr)
	}
}

// TestExplainFindAggregatedAPIDown: with an aggregated API that is down
// (its APIService points at a service that does not exist), --find
// searches every other type and says, in one error line naming it, that
// its group-version could not be searched; the exit code is 1. It breaks
// an APIService every test sees, so it runs on a control plane of its own
// (testenv.Alone).
func TestExplainFindAggregatedAPIDown(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.finddown.kdx.example}
spec:
  group: finddown.kdx.example
  version: v1
  groupPriorityMinimum: 100
  versionPriority: 10
  insecureSkipTLSVerify: true
  service: {name: missing, namespace: %s}
`, ns))
	t.Cleanup(func() { env.RunKubectl(t, "delete", "apiservice", "v1.finddown.kdx.example", "--wait=false") })
	var res testenv.Result
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(500 * time.Millisecond) {
		res = env.Kdx(t, "explain", "--find", "image")
		if strings.Contains(res.Stderr, "finddown.kdx.example") {
			break
		}
	}
	var errors []string
	for _, l := range strings.Split(strings.TrimSpace(res.Stderr), "\n") {
		if strings.HasPrefix(l, "error: ") {
			errors = append(errors, l)
		}
	}
	if res.ExitCode != 1 || len(errors) != 1 || !strings.HasPrefix(errors[0], "error: could not read the OpenAPI document of 1 group-version") ||
		!strings.Contains(errors[0], "finddown.kdx.example/v1") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and one error line naming finddown.kdx.example/v1", res.ExitCode, res.Stderr)
	}
	if !regexp.MustCompile(`(?m)^Pod\s+spec\.containers\[\*\]\.image\s+string$`).MatchString(res.Stdout) {
		t.Errorf("the other types were not searched:\n%s", res.Stdout)
	}
}
