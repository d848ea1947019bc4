package explain

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/internal/cli/clitest"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// fakeAPI serves aggregated discovery (pods in v1, widgets in example.io/v1
// and v2) and the OpenAPI v3 index with one document, example.io/v1's:
// core v1 publishes none.
type fakeAPI struct {
	mu       sync.Mutex
	requests []string
}

const aggregatedType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

func resource(plural, kind, short string) apidiscoveryv2.APIResourceDiscovery {
	return apidiscoveryv2.APIResourceDiscovery{Resource: plural, SingularResource: strings.ToLower(kind),
		ResponseKind: &metav1.GroupVersionKind{Kind: kind}, Scope: apidiscoveryv2.ScopeNamespace,
		Verbs: []string{"get", "list"}, ShortNames: []string{short}}
}

func groupOf(name string, versions ...string) apidiscoveryv2.APIGroupDiscovery {
	g := apidiscoveryv2.APIGroupDiscovery{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, v := range versions {
		r := resource("widgets", "Widget", "wd")
		if name == "" {
			r = resource("pods", "Pod", "po")
		}
		g.Versions = append(g.Versions, apidiscoveryv2.APIVersionDiscovery{Version: v, Resources: []apidiscoveryv2.APIResourceDiscovery{r},
			Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent})
	}
	return g
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path)
	f.mu.Unlock()
	switch r.URL.Path {
	case "/api", "/apis":
		list := apidiscoveryv2.APIGroupDiscoveryList{Items: []apidiscoveryv2.APIGroupDiscovery{groupOf("", "v1")}}
		if r.URL.Path == "/apis" {
			down := apidiscoveryv2.APIGroupDiscovery{ObjectMeta: metav1.ObjectMeta{Name: "metrics.example.io"},
				Versions: []apidiscoveryv2.APIVersionDiscovery{{Version: "v1", Freshness: apidiscoveryv2.DiscoveryFreshnessStale}}}
			list.Items = []apidiscoveryv2.APIGroupDiscovery{groupOf("example.io", "v1", "v2"), down}
		}
		w.Header().Set("Content-Type", aggregatedType)
		_ = json.NewEncoder(w).Encode(list)
	case "/openapi/v3":
		fmt.Fprint(w, `{"paths":{"apis/example.io/v1":{"serverRelativeURL":"/openapi/v3/apis/example.io/v1?hash=H1"}}}`)
	case "/openapi/v3/apis/example.io/v1":
		b, err := os.ReadFile("../../../explain/testdata/widgets_v1.json")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(b)
	default:
		http.NotFound(w, r)
	}
}

// run runs `kdx explain args...` against the fake server.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	srv := httptest.NewServer(&fakeAPI{})
	t.Cleanup(srv.Close)
	f := clitest.New()
	f.Server = srv.URL
	f.Cache = t.TempDir()
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestValidate(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "you must specify the type of resource to explain, e.g. 'kdx explain pods.spec' ('kdx api-resources' lists the types)"},
		{[]string{""}, "you must specify the type of resource to explain, e.g. 'kdx explain pods.spec' ('kdx api-resources' lists the types)"},
		{[]string{"pods", "spec"}, "explain takes one TYPE[.field.path], not 2 arguments (e.g. 'kdx explain deployments.spec.replicas')"},
		{[]string{"pods,widgets"}, `explain takes one type, not a list: "pods,widgets"`},
		{[]string{"pods", "--max-depth", "-1", "--recursive"}, "--max-depth must be non-negative"},
		{[]string{"pods", "--max-depth", "2"}, "--max-depth requires --recursive"},
		{[]string{"pods", "-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,yaml`},
		{[]string{"pods", "--api-version", "a/b/c"}, `invalid --api-version "a/b/c": unexpected GroupVersion string: a/b/c`},
	}
	for _, tc := range cases {
		_, _, err := run(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("explain %q: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestTypeForms: TYPE is resolved as every command resolves it, however it
// is named, with the field path after it.
func TestTypeForms(t *testing.T) {
	for _, arg := range []string{"widgets.spec.size", "widget.spec.size", "wd.spec.size", "Widget.spec.size",
		"widgets.example.io.spec.size", "Widget.example.io.spec.size", "widgets.v1.example.io.spec.size"} {
		out, stderr, err := run(t, arg)
		if err != nil {
			t.Errorf("%s: %v (%s)", arg, err, stderr)
			continue
		}
		want := "GROUP:      example.io\nKIND:       Widget\nVERSION:    v1\n\nFIELD: size <integer>\n+ default: 3\n"
		if !strings.HasPrefix(out, want) {
			t.Errorf("%s:\n%s\nwant it to start with:\n%s", arg, out, want)
		}
	}
}

func TestOutputs(t *testing.T) {
	out, _, err := run(t, "widgets.spec.parts[0]", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The item's reference is expanded: the Part schema, whose own
	// reference to itself stays one.
	for _, w := range []string{"description: A Part of a widget.\n", "  required:\n  - name\n", "$ref: '#/components/schemas/io.example.v1.Part'"} {
		if !strings.Contains(out, w) {
			t.Errorf("-o yaml: no %q in:\n%s", w, out)
		}
	}
	out, _, err = run(t, "widgets.spec.size", "-o", "json")
	if err != nil || !strings.Contains(out, `"default": 3,`) || !strings.Contains(out, `"maximum": 10,`) {
		t.Errorf("-o json: %v\n%s", err, out)
	}
	out, _, err = run(t, "widgets", "--recursive", "--max-depth", "1")
	if err != nil || !strings.Contains(out, "FIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n  spec\t<WidgetSpec> -required-\n\n") {
		t.Errorf("--recursive --max-depth 1: %v\n%s", err, out)
	}
	out, _, err = run(t, "widgets.spec.mode", "--extras=false", "-o", "plaintext")
	if err != nil || strings.Contains(out, "+ ") || !strings.Contains(out, "FIELD: mode <string>\nENUM:\n    Fast\n") {
		t.Errorf("--extras=false: %v\n%s", err, out)
	}
}

// TestRunErrors: the errors of a run, each one line.
func TestRunErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"pods"}, "no OpenAPI v3 document for v1: the server lists none at /openapi/v3"},
		{[]string{"widgets.spec.nope"}, `field "nope" does not exist`},
		{[]string{"widgets.spec.size[0]"}, "spec.size is not an array: [0] does not apply"},
		{[]string{"widgets.spec['a]"}, `invalid field path "widgets.spec['a]": a quoted name without its closing ']`},
		{[]string{"widgets", "--api-version", "v1"}, `--api-version v1 is not a version of widgets.example.io (group "example.io")`},
		{[]string{"widgets", "--api-version", "example.io/v3"}, "the server does not serve widgets.example.io in version v3 (it serves v1, v2)"},
		{[]string{"widgets", "--api-version", "example.io/v2"}, "no OpenAPI v3 document for example.io/v2: the server lists none at /openapi/v3"},
		{[]string{"gizmos.spec"}, `the server doesn't have a resource type "gizmos"`},
	}
	for _, tc := range cases {
		out, _, err := run(t, tc.args...)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("explain %q: error %v, want %q", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("explain %q: printed %q", tc.args, out)
		}
	}
}

func TestFindValidate(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--in", "descriptions"}, "--in needs --find PATTERN"},
		{[]string{"--find", "x", "--in", "names"}, `--in takes one value, descriptions, not "names"`},
		{[]string{"--find", "x", "pods"}, `--find searches every type: give no TYPE with it (got "pods")`},
		{[]string{"--find", "x", "--recursive"}, "--find prints one line per field: --recursive, --max-depth, --api-version and -o do not apply"},
		{[]string{"--find", "x", "-o", "json"}, "--find prints one line per field: --recursive, --max-depth, --api-version and -o do not apply"},
		{[]string{"--find", "x", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"--find", "(x"}, "invalid --find pattern \"(x\": error parsing regexp: missing closing ): `(x`"},
	}
	for _, tc := range cases {
		_, _, err := run(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("explain %q: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestFindRun: the fields found are printed, one line each; an
// aggregated API that discovery marks stale, and the group-version without
// a document (core v1 here), are each one line on stderr, and the exit
// code is 1.
func TestFindRun(t *testing.T) {
	out, stderr, err := run(t, "--find", "*name")
	want := "Widget.example.io   metadata.name        string\nWidget.example.io   spec.name            string\nWidget.example.io   spec.parts[*].name   string\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if stderr != "error: could not read the OpenAPI document of 1 group-version (failed: the aggregated API is not available (discovery marks it stale)): metrics.example.io/v1\n"+
		"error: could not read the OpenAPI document of 1 group-version (failed: no OpenAPI v3 document for v1: the server lists none at /openapi/v3): v1\n" {
		t.Errorf("stderr: %q", stderr)
	}
	if err == nil || cliutil.ExitCode(err) != 1 {
		t.Errorf("error %v, want exit code 1", err)
	}
}

func TestVersionsValidate(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"widgets", "--versions", "--diff", "v1,v2"}, "--versions and --diff are two questions: ask one at a time"},
		{[]string{"widgets", "--diff", "v1"}, "--diff takes two versions, OLD and NEW (--diff v1beta1 v1), not 1"},
		{[]string{"widgets", "--diff", "v1,v2,v3"}, "--diff takes two versions, OLD and NEW (--diff v1beta1 v1), not 3"},
		{[]string{"widgets", "--versions", "-o", "yaml"}, "--versions and --diff print their own lines: --recursive, --max-depth, --api-version and -o do not apply"},
		{[]string{"widgets.spec", "--versions"}, "--versions and --diff are about a type: give TYPE without a field path (spec)"},
		{[]string{"widgets", "--diff", "v1", "v3"}, "the server does not serve widgets.example.io in version v3 (it serves v1, v2)"},
		{[]string{"widgets", "--diff", "v1", "v2"}, "no OpenAPI v3 document for example.io/v2: the server lists none at /openapi/v3"},
	}
	for _, tc := range cases {
		_, _, err := run(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("explain %q: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestSkeletonFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"widgets", "--all"}, "--all needs --skeleton"},
		{[]string{"widgets", "--skeleton", "--recursive"}, "--skeleton prints YAML: --versions, --diff, --recursive, --max-depth and -o do not apply"},
		{[]string{"widgets", "--skeleton", "--versions"}, "--skeleton prints YAML: --versions, --diff, --recursive, --max-depth and -o do not apply"},
		{[]string{"widgets.spec", "--skeleton"}, "--skeleton is the manifest of a type: give TYPE without a field path (spec)"},
	}
	for _, tc := range cases {
		_, _, err := run(t, tc.args...)
		if err == nil || err.Error() != tc.want {
			t.Errorf("explain %q: error %v, want %q", tc.args, err, tc.want)
		}
	}
	out, _, err := run(t, "wd", "--skeleton")
	if err != nil || !strings.HasPrefix(out, "apiVersion: example.io/v1\nkind: Widget\n") || !strings.Contains(out, "  size: 3\n") {
		t.Errorf("--skeleton: %v\n%s", err, out)
	}
}

// TestComplete: TYPE is completed as every command completes types, and
// after a dot the field path, through arrays and references.
func TestComplete(t *testing.T) {
	srv := httptest.NewServer(&fakeAPI{})
	t.Cleanup(srv.Close)
	f := clitest.New()
	f.Server = srv.URL
	f.Cache = t.TempDir()
	cmd := NewCmd(f)
	cmd.SetContext(context.Background())
	cases := map[string]string{
		"wid":                   "widgets widgets.example.io",
		"widgets.":              "widgets.example.io widgets.apiVersion widgets.kind widgets.metadata widgets.spec",
		"widgets.spec.s":        "widgets.spec.size",
		"widgets.spec.parts.":   "widgets.spec.parts.name widgets.spec.parts.subparts widgets.spec.parts.weight",
		"wd.metadata.annot":     "wd.metadata.annotations",
		"widgets.example.io.sp": "widgets.example.io.spec",
		"widgets.nope.":         "",
	}
	for in, want := range cases {
		got, directive := cmd.ValidArgsFunction(cmd, nil, in)
		if strings.Join(got, " ") != want {
			t.Errorf("complete %q: %q, want %q", in, strings.Join(got, " "), want)
		}
		if directive != cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace {
			t.Errorf("complete %q: directive %v", in, directive)
		}
	}
}
