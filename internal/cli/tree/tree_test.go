package tree

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// newServer holds a Gadget g1 (Ready) owning ConfigMap c1, which owns c2;
// c2 has a second owner that does not exist.
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Group: "shop.example.com", Plural: "gadgets", Kind: "Gadget", Short: "gd"})
	srv.Put("/apis/shop.example.com/v1/namespaces/default/gadgets/g1", `{"apiVersion":"shop.example.com/v1","kind":"Gadget","metadata":{"name":"g1","namespace":"default","uid":"g1-uid","creationTimestamp":"2026-01-02T03:04:05Z"},"status":{"conditions":[{"type":"Ready","status":"False","reason":"Waiting"}]}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/c1", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","namespace":"default","uid":"c1-uid","creationTimestamp":"2026-01-02T03:04:05Z","ownerReferences":[{"apiVersion":"shop.example.com/v1","kind":"Gadget","name":"g1","uid":"g1-uid","controller":true}]}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/c2", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c2","namespace":"default","uid":"c2-uid","creationTimestamp":"2026-01-02T03:04:05Z","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"c1","uid":"c1-uid"},{"apiVersion":"v1","kind":"ConfigMap","name":"gone","uid":"gone-uid"}]}}`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

// age is the AGE column, which depends on today.
var age = regexp.MustCompile(`(?m)  (AGE|\d+[smhdy]|-)$`)

func TestTree(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		args []string
		out  string
	}{
		{[]string{"gadget/g1"}, "" +
			"NAMESPACE  NAME                        READY  REASON \n" +
			"default    gadget.shop.example.com/g1  False  Waiting\n" +
			"default    └─configmap/c1              -      -      \n" +
			"default      └─configmap/c2            -      -      \n"},
		{[]string{"gd", "g1", "--depth", "2"}, "" +
			"NAMESPACE  NAME                        READY  REASON \n" +
			"default    gadget.shop.example.com/g1  False  Waiting\n" +
			"default    └─configmap/c1              -      -      \n"},
		{[]string{"cm/c2", "--up"}, "" +
			"NAMESPACE  NAME                            READY  REASON \n" +
			"default    configmap/c2                    -      -      \n" +
			"default    ├─configmap/c1                  -      -      \n" +
			"default    │ └─gadget.shop.example.com/g1  False  Waiting\n" +
			"default    └─configmap/gone [missing]      -      -      \n"},
	}
	for _, tt := range tests {
		out, errOut, err := run(t, srv.URL, tt.args...)
		if got := age.ReplaceAllString(out, ""); err != nil || errOut != "" || got != tt.out {
			t.Errorf("tree %v: %v\n%s---stderr\n%s---want\n%s", tt.args, err, got, errOut, tt.out)
		}
	}
	out, _, err := run(t, srv.URL, "gd/g1", "-o", "json")
	var root struct {
		Kind, Name, Ready string
		Children          []struct {
			Name     string
			Children []struct{ Name string }
		}
	}
	if err != nil || json.Unmarshal([]byte(out), &root) != nil || root.Kind != "Gadget" || root.Ready != "False" ||
		len(root.Children) != 1 || root.Children[0].Name != "c1" || len(root.Children[0].Children) != 1 || root.Children[0].Children[0].Name != "c2" {
		t.Errorf("-o json: %v\n%s", err, out)
	}
}

// TestTreeErrors asserts every error of Validate, and of the root's
// lookup.
func TestTreeErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{nil, "you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')"},
		{[]string{"cm", "a", "b"}, "you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')"},
		{[]string{"cm/a", "--depth", "-1"}, "--depth must be 0 or more, not -1"},
		{[]string{"cm/a", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"cm/a", "-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,yaml`},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("tree %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
	srv := newServer(t)
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"gd"}, "you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')"},
		{[]string{"gd/g1", "cm/c1"}, "you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')"},
		{[]string{"gd", "g1", "-A"}, "a resource cannot be retrieved by name across all namespaces"},
		{[]string{"gd/nope"}, `gadgets.shop.example.com "nope" not found`},
		{[]string{"nosuch/x"}, `the server doesn't have a resource type "nosuch"`},
	} {
		out, _, err := run(t, srv.URL, tt.args...)
		if got := errString(err); got != tt.wantErr || out != "" {
			t.Errorf("tree %v: %q (stdout %q), want %q", tt.args, got, out, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
