package patch

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	srv.Put("/api/v1/namespaces/default/configmaps/app", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app","namespace":"default"},"data":{"k":"old"}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/web", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","namespace":"default"},"data":{"k":"old"}}`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

// TestPatch: patched, then "patched (no change)" when the server's answer
// is the object as it was; YAML patches are sent as JSON; TYPE/NAME and
// TYPE NAME NAME name the objects, in order.
func TestPatch(t *testing.T) {
	srv := newServer(t)
	out, errOut, err := run(t, srv.URL, "configmap", "app", "web", "-p", "data: {k: new}")
	if err != nil || errOut != "" || out != "configmap/app patched\nconfigmap/web patched\n" {
		t.Errorf("patch: %v\n%s---stderr\n%s", err, out, errOut)
	}
	want := []string{`/api/v1/namespaces/default/configmaps/app {"data":{"k":"new"}}`, `/api/v1/namespaces/default/configmaps/web {"data":{"k":"new"}}`}
	got := srv.Patches()
	sort.Strings(got) // sent concurrently
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("patches sent:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out, _, err = run(t, srv.URL, "cm/app", "--type", "merge", "-p", `{"data":{"k":"new"}}`)
	if err != nil || out != "configmap/app patched (no change)\n" {
		t.Errorf("the same patch again: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "patch.yaml")
	if err := os.WriteFile(file, []byte("data:\n  k: filed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = run(t, srv.URL, "cm/app", "--patch-file", file, "-o", "name")
	if err != nil || out != "configmap/app\n" {
		t.Errorf("--patch-file -o name: %v\n%s", err, out)
	}
	if got, _ := srv.Object("/api/v1/namespaces/default/configmaps/app"); !strings.Contains(got, `"k":"filed"`) {
		t.Errorf("the object: %s", got)
	}
}

// TestPatchDryRunAndMissing: a dry run changes nothing; a missing object is
// reported and the others patched, exit 1.
func TestPatchDryRunAndMissing(t *testing.T) {
	srv := newServer(t)
	out, _, err := run(t, srv.URL, "cm/app", "-p", `{"data":{"k":"dry"}}`, "--dry-run=server")
	if err != nil || out != "configmap/app patched (server dry run)\n" {
		t.Errorf("--dry-run=server: %v\n%s", err, out)
	}
	if got, _ := srv.Object("/api/v1/namespaces/default/configmaps/app"); !strings.Contains(got, `"k":"old"`) {
		t.Errorf("a dry run changed the object: %s", got)
	}
	out, errOut, err := run(t, srv.URL, "cm", "gone", "app", "-p", `{"data":{"k":"new"}}`)
	if errString(err) != "exit status 1" || out != "configmap/app patched\n" || errOut != "error: failed to patch configmap/gone: configmaps \"gone\" not found\n" {
		t.Errorf("a missing object: %v\n%s---stderr\n%s", err, out, errOut)
	}
}

// TestPatchValidate asserts every error of Complete and Validate, and the
// name check made once the type is known.
func TestPatchValidate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "patch.json")
	if err := os.WriteFile(file, []byte(`{"data":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := []string{"-p", `{"data":{"k":"v"}}`}
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete: the write flags
		{append([]string{"cm/app", "--dry-run=client"}, p...), "--dry-run=client is not supported: a client-side dry run only guesses; use --dry-run=server, which runs validation and admission without storing"},
		{append([]string{"cm/app", "--dry-run=both"}, p...), `invalid --dry-run value "both": use "server" or "none"`},
		{append([]string{"cm/app", "-o", "wide"}, p...), `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`},
		{append([]string{"cm/app", "--validate", "x"}, p...), `invalid --validate value "x": use strict, warn or ignore`},
		{append([]string{"cm/app", "--concurrency", "0"}, p...), "--concurrency must be at least 1, not 0"},
		{append([]string{"cm/app", "--field-manager="}, p...), "--field-manager must not be empty"},
		// Complete: the patch
		{append([]string{"cm/app", "--type", "strategic-merge"}, p...), `--type must be strategic, merge, json or apply, not "strategic-merge"`},
		{nil, "you must name the objects to patch and give the patch: kdx patch TYPE NAME (-p PATCH | --patch-file FILE); see 'kdx patch --help'"},
		{append([]string{"cm/app", "--patch-file", file}, p...), "use either --patch or --patch-file, not both"},
		{[]string{"cm/app", "--patch-file", file + ".missing"}, "failed to read the patch file: open " + file + ".missing: no such file or directory"},
		{[]string{"cm/app"}, "a patch is required: use --patch (-p) or --patch-file"},
		{[]string{"cm/app", "-p", "data: [unclosed"}, "failed to parse the patch: yaml: line 1: did not find expected ',' or ']'"},
		// Validate
		{p, `you must name the objects to patch: TYPE NAME... or TYPE/NAME... (e.g. kdx patch configmap app -p '{"data":{"k":"v"}}')`},
		{append([]string{"cm/app", "--subresource", "spec"}, p...), `--subresource must be "status" or "scale", not "spec"`},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("patch %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
	srv := newServer(t)
	if _, _, err := run(t, srv.URL, append([]string{"configmaps"}, p...)...); errString(err) != "an object name is required: TYPE NAME or TYPE/NAME (configmaps given without a name)" {
		t.Errorf("a type without a name: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
