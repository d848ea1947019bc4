package apply

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

const manifests = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  k: v\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n"

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

// TestApplyCreatesThenApplies: created on the first apply (201), then
// serverside-applied, in input order; the server got apply patches of the
// objects, with kdx's field manager.
func TestApplyCreatesThenApplies(t *testing.T) {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	file := clitest.WriteFile(t, "objects.yaml", manifests)
	out, errOut, err := run(t, srv.URL, "-f", file)
	if err != nil || errOut != "" || out != "configmap/one created\nconfigmap/two created\n" {
		t.Errorf("first apply: %v\n%s---stderr\n%s", err, out, errOut)
	}
	out, errOut, err = run(t, srv.URL, "-f", file)
	if err != nil || errOut != "" || out != "configmap/one serverside-applied\nconfigmap/two serverside-applied\n" {
		t.Errorf("second apply: %v\n%s---stderr\n%s", err, out, errOut)
	}
	if got, ok := srv.Object("/api/v1/namespaces/default/configmaps/one"); !ok || !strings.Contains(got, `"data":{"k":"v"}`) {
		t.Errorf("the object stored: %s", got)
	}
}

func TestApplyOutputsAndDryRun(t *testing.T) {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	file := clitest.WriteFile(t, "objects.yaml", manifests)
	out, _, err := run(t, srv.URL, "-f", file, "--dry-run=server")
	if err != nil || out != "configmap/one created (server dry run)\nconfigmap/two created (server dry run)\n" {
		t.Errorf("--dry-run=server: %v\n%s", err, out)
	}
	if got, ok := srv.Object("/api/v1/namespaces/default/configmaps/one"); ok {
		t.Errorf("a dry run stored the object: %s", got)
	}
	out, _, err = run(t, srv.URL, "-f", file, "-o", "name")
	if err != nil || out != "configmap/one\nconfigmap/two\n" {
		t.Errorf("-o name: %v\n%s", err, out)
	}
	f := clitest.New()
	f.Server = srv.URL
	f.In.WriteString(manifests)
	out, _, err = clitest.Execute(f, NewCmd(f), "-f", "-", "-o", "yaml")
	if err != nil || !strings.HasPrefix(out, "apiVersion: v1\nitems:\n- apiVersion: v1\n") || !strings.Contains(out, "name: two\n") {
		t.Errorf("-f - -o yaml: %v\n%s", err, out)
	}
}

// TestApplyPartialFailure: the objects that can be applied are, the
// others are reported, exit 1.
func TestApplyPartialFailure(t *testing.T) {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	file := clitest.WriteFile(t, "objects.yaml", manifests+"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: g-\n")
	out, errOut, err := run(t, srv.URL, "-f", file)
	if err == nil || err.Error() != "exit status 1" {
		t.Errorf("err %v, want exit status 1", err)
	}
	want := "error: failed to apply configmap from " + file + " document 3 (line 13): metadata.name is not set (generateName works only with create)\n"
	if out != "configmap/one created\nconfigmap/two created\n" || errOut != want {
		t.Errorf("stdout\n%s---stderr\n%s---want stderr\n%s", out, errOut, want)
	}
}

// TestApplyValidate asserts every error of Complete and Validate.
func TestApplyValidate(t *testing.T) {
	file := clitest.WriteFile(t, "objects.yaml", manifests)
	empty := clitest.WriteFile(t, "objects.yaml", "# nothing\n")
	dup := clitest.WriteFile(t, "objects.yaml", "kind: ConfigMap\nkind: Secret\n")
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete: the write flags
		{[]string{"-f", file, "--dry-run=client"}, "--dry-run=client is not supported: a client-side dry run only guesses; use --dry-run=server, which runs validation and admission without storing"},
		{[]string{"-f", file, "--dry-run=true"}, "--dry-run=client is not supported: a client-side dry run only guesses; use --dry-run=server, which runs validation and admission without storing"},
		{[]string{"-f", file, "--dry-run=all"}, `invalid --dry-run value "all": use "server" or "none"`},
		{[]string{"-f", file, "-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`},
		{[]string{"-f", file, "--validate", "maybe"}, `invalid --validate value "maybe": use strict, warn or ignore`},
		{[]string{"-f", file, "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"-f", file, "--field-manager", ""}, "--field-manager must not be empty"},
		// Complete: the input
		{nil, "must specify -f: a file, a directory, or - for stdin"},
		{[]string{"-f", file + ".missing"}, "failed to read " + file + ".missing: no such file or directory"},
		{[]string{"-f", empty}, "no objects passed to apply"},
		{[]string{"-f", dup}, dup + ` document 1 (line 2): duplicate field "kind"`},
		// Validate
		{[]string{"-f", file, "--server-side=false"}, "--server-side=false is not supported: kdx apply is server-side apply only (client-side apply keeps a last-applied annotation and merges on the client)"},
		{[]string{"-f", file, "--subresource", "spec"}, `--subresource must be "status" or "scale", not "spec"`},
		// cobra
		{[]string{"-f", file, "cm"}, `unknown command "cm" for "apply"`},
	}
	for _, tt := range tests {
		f := clitest.New() // no server: each error comes before any request
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("apply %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
