package replace

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	srv.Put("/api/v1/namespaces/default/configmaps/app", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app","namespace":"default","resourceVersion":"7","uid":"u1","creationTimestamp":"2026-01-02T03:04:05Z"},"data":{"k":"old"}}`)
	return srv
}

// TestReplace: the object is overwritten (kdx sends the live
// resourceVersion when the input has none); one that does not exist is
// the server's NotFound, exit 1.
func TestReplace(t *testing.T) {
	srv := newServer(t)
	file := clitest.WriteFile(t, "objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: new\n")
	out, errOut, err := run(t, srv.URL, "-f", file)
	if err != nil || errOut != "" || out != "configmap/app replaced\n" {
		t.Errorf("replace: %v\n%s---stderr\n%s", err, out, errOut)
	}
	if got, _ := srv.Object("/api/v1/namespaces/default/configmaps/app"); !strings.Contains(got, `"data":{"k":"new"}`) || !strings.Contains(got, `"uid":"u1"`) {
		t.Errorf("the object stored: %s", got)
	}
	missing := clitest.WriteFile(t, "objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n")
	out, errOut, err = run(t, srv.URL, "-f", missing, "-o", "name")
	if errString(err) != "exit status 1" || out != "" || errOut != "error: failed to replace configmap/gone from "+missing+` document 1 (line 1): configmaps "gone" not found`+"\n" {
		t.Errorf("replace of a missing object: %v\n%s---stderr\n%s", err, out, errOut)
	}
}

// TestReplaceConflict: with a resourceVersion in the input that is no
// longer the object's, the server refuses (exit 1) and nothing changes.
func TestReplaceConflict(t *testing.T) {
	srv := newServer(t)
	file := clitest.WriteFile(t, "objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  resourceVersion: \"3\"\ndata:\n  k: new\n")
	out, errOut, err := run(t, srv.URL, "-f", file)
	want := "error: failed to replace configmap/app from " + file + ` document 1 (line 1): the object changed on the server after resourceVersion "3" of the input was read (it is now "7")` + "\n" +
		"  get the object again and redo the change, remove resourceVersion from the input to overwrite, or use kdx apply\n"
	if errString(err) != "exit status 1" || out != "" || errOut != want {
		t.Errorf("a stale resourceVersion: %v\n%s---stderr\n%s", err, out, errOut)
	}
	if got, _ := srv.Object("/api/v1/namespaces/default/configmaps/app"); !strings.Contains(got, `"k":"old"`) {
		t.Errorf("the object changed: %s", got)
	}
}

func TestReplaceDryRun(t *testing.T) {
	srv := newServer(t)
	file := clitest.WriteFile(t, "objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: new\n")
	out, _, err := run(t, srv.URL, "-f", file, "--dry-run=server")
	if err != nil || out != "configmap/app replaced (server dry run)\n" {
		t.Errorf("--dry-run=server: %v\n%s", err, out)
	}
	if got, _ := srv.Object("/api/v1/namespaces/default/configmaps/app"); !strings.Contains(got, `"k":"old"`) {
		t.Errorf("a dry run changed the object: %s", got)
	}
}

// TestReplaceValidate asserts every error of Complete and Validate.
func TestReplaceValidate(t *testing.T) {
	file := clitest.WriteFile(t, "objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n")
	empty := clitest.WriteFile(t, "objects.yaml", "")
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-f", file, "--dry-run=client"}, "--dry-run=client is not supported: a client-side dry run only guesses; use --dry-run=server, which runs validation and admission without storing"},
		{[]string{"-f", file, "--dry-run=yes"}, `invalid --dry-run value "yes": use "server" or "none"`},
		{[]string{"-f", file, "-o", "jsonl"}, `unable to match a printer suitable for the output format "jsonl", allowed formats are: json,name,yaml`},
		{[]string{"-f", file, "--validate", "lax"}, `invalid --validate value "lax": use strict, warn or ignore`},
		{[]string{"-f", file, "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"-f", file, "--field-manager="}, "--field-manager must not be empty"},
		{nil, "must specify -f: a file, a directory, or - for stdin"},
		{[]string{"-f", file + ".missing"}, "failed to read " + file + ".missing: no such file or directory"},
		{[]string{"-f", empty}, "no objects passed to replace"},
		{[]string{"-f", file, "--subresource", "spec"}, `--subresource must be "status" or "scale", not "spec"`},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("replace %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
