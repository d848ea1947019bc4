package create

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

// TestCreate: created in input order; a second create finds them there
// (AlreadyExists, exit 1).
func TestCreate(t *testing.T) {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	file := clitest.WriteFile(t, "objects.yaml", manifests)
	out, errOut, err := run(t, srv.URL, "-f", file)
	if err != nil || errOut != "" || out != "configmap/one created\nconfigmap/two created\n" {
		t.Errorf("create: %v\n%s---stderr\n%s", err, out, errOut)
	}
	if got, ok := srv.Object("/api/v1/namespaces/default/configmaps/one"); !ok || !strings.Contains(got, `"data":{"k":"v"}`) {
		t.Errorf("the object stored: %s", got)
	}
	out, errOut, err = run(t, srv.URL, "-f", file)
	if errString(err) != "exit status 1" || out != "" ||
		errOut != "error: failed to create configmap/one from "+file+" document 1 (line 1): configmaps \"one\" already exists (use kdx apply or kdx replace to change it)\n"+
			"error: failed to create configmap/two from "+file+" document 2 (line 8): configmaps \"two\" already exists (use kdx apply or kdx replace to change it)\n" {
		t.Errorf("second create: %v\n%s---stderr\n%s", err, out, errOut)
	}
}

func TestCreateOutputsAndDryRun(t *testing.T) {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	file := clitest.WriteFile(t, "objects.yaml", manifests)
	out, _, err := run(t, srv.URL, "-f", file, "--dry-run=server", "-o", "name")
	if err != nil || out != "configmap/one\nconfigmap/two\n" {
		t.Errorf("--dry-run=server -o name: %v\n%s", err, out)
	}
	if got, ok := srv.Object("/api/v1/namespaces/default/configmaps/one"); ok {
		t.Errorf("a dry run stored the object: %s", got)
	}
	out, _, err = run(t, srv.URL, "-f", file, "--dry-run")
	if err != nil || out != "configmap/one created (server dry run)\nconfigmap/two created (server dry run)\n" {
		t.Errorf("--dry-run: %v\n%s", err, out)
	}
	f := clitest.New()
	f.Server = srv.URL
	f.In.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\n")
	out, _, err = clitest.Execute(f, NewCmd(f), "-f", "-", "-o", "json")
	if err != nil || !strings.Contains(out, `"name": "three"`) || !strings.Contains(out, `"creationTimestamp": "`+clitest.Created+`"`) {
		t.Errorf("-f - -o json: %v\n%s", err, out)
	}
}

// TestCreateValidate asserts every error of Complete (create has no
// Validate).
func TestCreateValidate(t *testing.T) {
	file := clitest.WriteFile(t, "objects.yaml", manifests)
	empty := clitest.WriteFile(t, "objects.yaml", "# nothing\n")
	dup := clitest.WriteFile(t, "objects.yaml", "kind: ConfigMap\nkind: Secret\n")
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-f", file, "--dry-run=client"}, "--dry-run=client is not supported: a client-side dry run only guesses; use --dry-run=server, which runs validation and admission without storing"},
		{[]string{"-f", file, "--dry-run=all"}, `invalid --dry-run value "all": use "server" or "none"`},
		{[]string{"-f", file, "-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`},
		{[]string{"-f", file, "--validate", "maybe"}, `invalid --validate value "maybe": use strict, warn or ignore`},
		{[]string{"-f", file, "--concurrency", "-1"}, "--concurrency must be at least 1, not -1"},
		{[]string{"-f", file, "--field-manager="}, "--field-manager must not be empty"},
		{nil, "must specify -f: a file, a directory, or - for stdin"},
		{[]string{"-f", file + ".missing"}, "failed to read " + file + ".missing: no such file or directory"},
		{[]string{"-f", empty}, "no objects passed to create"},
		{[]string{"-f", dup}, dup + ` document 1 (line 2): duplicate field "kind"`},
		{[]string{"-f", file, "configmap"}, `unknown command "configmap" for "create"`},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("create %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
	// --validate=warn reads duplicates with a warning
	dup = clitest.WriteFile(t, "objects.yaml", "apiVersion: v1\nkind: ConfigMap\nkind: ConfigMap\nmetadata:\n  name: d\n")
	f := clitest.New()
	_, errOut, err := clitest.Execute(f, NewCmd(f), "-f", dup, "--validate=warn")
	if err != clitest.ErrNoServer || errOut != "Warning: "+dup+` document 1 (line 3): duplicate field "kind" (the last value is used)`+"\n" {
		t.Errorf("--validate=warn: %v, stderr %q", err, errOut)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
