package refs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// newServer holds a ConfigMap settings that Pod web uses (envFrom), and
// web's volume of a ConfigMap that does not exist.
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Plural: "pods", Kind: "Pod", Short: "po"})
	srv.Put("/api/v1/namespaces/default/configmaps/settings", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default","uid":"s-uid"}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/lonely", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"lonely","namespace":"default","uid":"l-uid"}}`)
	srv.Put("/api/v1/namespaces/default/pods/web", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","uid":"w-uid"},"spec":{"containers":[{"name":"c","image":"x","envFrom":[{"configMapRef":{"name":"settings"}}]}],"volumes":[{"name":"v","configMap":{"name":"missing"}}]}}`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestRefs(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		args        []string
		out, errOut string
	}{
		{[]string{"cm/settings"}, "" +
			"DIRECTION   NAMESPACE   OBJECT    FIELD                                             STATUS\n" +
			"used by     default     pod/web   spec.containers[0].envFrom[0].configMapRef.name\n", ""},
		{[]string{"pod", "web"}, "" +
			"DIRECTION   NAMESPACE   OBJECT               FIELD                                             STATUS\n" +
			"uses        default     configmap/missing    spec.volumes[0].configMap.name                    missing\n" +
			"uses        default     configmap/settings   spec.containers[0].envFrom[0].configMapRef.name\n", ""},
		{[]string{"cm/settings", "--no-headers"}, "used by   default   pod/web   spec.containers[0].envFrom[0].configMapRef.name\n", ""},
		{[]string{"cm/lonely"}, "", "No references found.\n"},
	}
	for _, tt := range tests {
		out, errOut, err := run(t, srv.URL, tt.args...)
		if err != nil || out != tt.out || errOut != tt.errOut {
			t.Errorf("refs %v: %v\n%q---stderr\n%s---want\n%q", tt.args, err, out, errOut, tt.out)
		}
	}
	out, _, err := run(t, srv.URL, "cm/settings", "-o", "json")
	var list struct {
		Kind  string
		Items []struct {
			Direction, Field, Rule string
			Object                 struct{ Kind, Name string }
		}
	}
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || list.Kind != "List" || len(list.Items) != 1 ||
		list.Items[0].Direction != "used by" || list.Items[0].Rule != "pod-envfrom-configmap" || list.Items[0].Object.Name != "web" {
		t.Errorf("-o json: %v\n%s", err, out)
	}
	out, _, err = run(t, srv.URL, "cm/lonely", "-o", "json")
	if err != nil || !strings.Contains(out, `"items": []`) {
		t.Errorf("-o json of nothing: %v\n%s", err, out)
	}
}

func TestRefsRules(t *testing.T) {
	f := clitest.New() // no server: the rules are kdx's
	out, _, err := clitest.Execute(f, NewCmd(f), "--rules")
	if err != nil || !strings.HasPrefix(out, "#### References of a pod spec\n") || !strings.Contains(out, "| `pod-volume-configmap` | `volumes[*].configMap.name` | ConfigMap |") {
		t.Errorf("--rules: %v\n%s", err, out)
	}
}

// TestRefsErrors asserts every error of Complete and Validate, of --rules,
// and of the object's lookup.
func TestRefsErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"cm/a", "-o", "name"}, `unable to match a printer suitable for the output format "name", allowed formats are: json,jsonl,yaml`},
		{nil, "you must name one object: TYPE/NAME or TYPE NAME (e.g. 'kdx refs secret/web-tls')"},
		{[]string{"cm", "a", "b"}, "refs takes one object: TYPE/NAME or TYPE NAME"},
		{[]string{"cm/a", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"--rules", "cm/a"}, "--rules prints the rules: give no TYPE or NAME with it"},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("refs %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
	srv := newServer(t)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"cm"}, "refs takes one object: TYPE/NAME or TYPE NAME"},
		{[]string{"cm/settings", "pod/web"}, "refs takes one object: TYPE/NAME or TYPE NAME"},
		{[]string{"cm/nope"}, `configmaps "nope" not found`},
		{[]string{"nosuch/x"}, `the server doesn't have a resource type "nosuch"`},
	} {
		out, _, err := run(t, srv.URL, tt.args...)
		if got := errString(err); got != tt.wantErr || out != "" {
			t.Errorf("refs %v: %q (stdout %q), want %q", tt.args, got, out, tt.wantErr)
		}
	}
	f := clitest.New()
	f.Server, f.ContextList = srv.URL, []string{"a", "b"}
	if _, _, err := clitest.Execute(f, NewCmd(f), "cm/settings"); errString(err) != "this command runs against one context" {
		t.Errorf("a fleet: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
