package diff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// newServer holds namespace default and ConfigMaps a (k: v) and c.
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	srv.Put("/api/v1/namespaces/default", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"},"status":{"phase":"Active"}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","uid":"u","resourceVersion":"5"},"data":{"k":"v"}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/c", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","uid":"u3","resourceVersion":"7"},"data":{"x":"y"}}`)
	return srv
}

// tree is an export tree of default's ConfigMaps as export writes it: a
// (k: old) and b, which the cluster no longer has.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	record := "# The object files kdx export wrote in this directory, one per line: kdx export\n# --prune removes only these and files that hold the object their path names.\n"
	for path, content := range files {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		record += path + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, ".kdx-written"), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

const (
	oldA = "apiVersion: v1\ndata:\n  k: old\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n"
	oldB = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: default\n"
)

// TestDiffDir: a changed, b gone, c new; diff's exit codes (1: differences).
func TestDiffDir(t *testing.T) {
	srv := newServer(t)
	dir := tree(t, map[string]string{"default/core/ConfigMap/a.yaml": oldA, "default/core/ConfigMap/b.yaml": oldB})
	want := "" +
		"--- " + dir + "/default/core/ConfigMap/a.yaml\n+++ live/default/core/ConfigMap/a.yaml\n@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n-  k: old\n+  k: v\n kind: ConfigMap\n metadata:\n   name: a\n" +
		"--- " + dir + "/default/core/ConfigMap/b.yaml\n+++ /dev/null\n@@ -1,5 +0,0 @@\n-apiVersion: v1\n-kind: ConfigMap\n-metadata:\n-  name: b\n-  namespace: default\n" +
		"--- /dev/null\n+++ live/default/core/ConfigMap/c.yaml\n@@ -0,0 +1,7 @@\n+apiVersion: v1\n+data:\n+  x: \"y\"\n+kind: ConfigMap\n+metadata:\n+  name: c\n+  namespace: default\n"
	out, errOut, err := run(t, srv.URL, "cm", "--dir", dir)
	if code := cliutil.ToolExitCode(err, false); code != 1 || out != want || errOut != "" {
		t.Errorf("diff --dir: exit %d (%v)\n%s---stderr\n%s---want\n%s", code, err, out, errOut, want)
	}
	out, _, err = run(t, srv.URL, "cm", "--dir", dir, "--stat")
	want = "changed  default/core/ConfigMap/a.yaml (+1 -1)\ngone     default/core/ConfigMap/b.yaml (+0 -5)\nnew      default/core/ConfigMap/c.yaml (+7 -0)\n" +
		"1 changed, 1 new, 1 gone, 0 in types no longer served\n"
	if code := cliutil.ToolExitCode(err, false); code != 1 || out != want {
		t.Errorf("diff --stat: exit %d (%v)\n%s---want\n%s", code, err, out, want)
	}
	out, _, err = run(t, srv.URL, "cm", "--dir", dir, "-o", "json")
	var report struct {
		Changes []struct{ Path, Drift string }
	}
	if code := cliutil.ToolExitCode(err, false); code != 1 || json.Unmarshal([]byte(out), &report) != nil || len(report.Changes) != 3 ||
		report.Changes[0].Drift != "changed" || report.Changes[1].Drift != "gone" || report.Changes[2].Path != "default/core/ConfigMap/c.yaml" {
		t.Errorf("diff -o json: exit %d (%v)\n%s", code, err, out)
	}
	out, _, _ = run(t, srv.URL, "cm", "--dir", dir, "--color=always")
	if !strings.Contains(out, "\x1b[31m-  k: old\x1b[0m\n\x1b[32m+  k: v\x1b[0m\n") {
		t.Errorf("--color=always:\n%q", out)
	}
}

// TestDiffNoDrift: a tree as export writes it shows nothing, exit 0.
func TestDiffNoDrift(t *testing.T) {
	srv := newServer(t)
	dir := tree(t, map[string]string{
		"default/core/ConfigMap/a.yaml": "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
		"default/core/ConfigMap/c.yaml": "apiVersion: v1\ndata:\n  x: \"y\"\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n",
	})
	out, errOut, err := run(t, srv.URL, "cm", "--dir", dir)
	if err != nil || out != "" || errOut != "" {
		t.Errorf("no drift: %v\n%s---stderr\n%s", err, out, errOut)
	}
}

// TestDiffFile: diff -f shows what apply would change (a server dry run).
func TestDiffFile(t *testing.T) {
	srv := newServer(t)
	file := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, srv.URL, "-f", file)
	want := "--- live/default/core/ConfigMap/a.yaml\n+++ merged/default/core/ConfigMap/a.yaml\n@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n-  k: v\n+  k: new\n kind: ConfigMap\n metadata:\n   name: a\n"
	if code := cliutil.ToolExitCode(err, false); code != 1 || out != want {
		t.Errorf("diff -f: exit %d (%v)\n%s---want\n%s", code, err, out, want)
	}
	if got, _ := srv.Object("/api/v1/namespaces/default/configmaps/a"); !strings.Contains(got, `"k":"v"`) {
		t.Errorf("diff -f changed the object: %s", got)
	}
}

// TestDiffValidate asserts every error of Complete and Validate (diff's,
// -f's and the export flags' diff shares), each exit 2, and of the tree.
func TestDiffValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete
		{[]string{"cm", "--dir", dir, "--color", "sometimes"}, `--color must be auto, always or never, not "sometimes"`},
		{[]string{"cm", "--dir", dir, "--format", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,jsonl,yaml`},
		{[]string{"cm", "--dir", dir, "--where", "object."}, "invalid --where \"object.\": 1:8: Syntax error: no viable alternative at input '.'\n | object.\n | .......^"},
		// Validate
		{[]string{"cm"}, "diff needs --dir (an export tree) or -f (files to apply)"},
		{[]string{"cm", "--dir", dir, "--prune"}, "--prune, --force-conflicts and --allow-redacted go with -f"},
		{[]string{"cm", "--dir", dir, "--force-conflicts"}, "--prune, --force-conflicts and --allow-redacted go with -f"},
		{[]string{"cm", "--dir", dir, "--allow-redacted"}, "--prune, --force-conflicts and --allow-redacted go with -f"},
		{[]string{"cm", "--dir", dir, "-o", "yaml"}, `unable to match a printer suitable for the output format "yaml", allowed formats are: json`},
		{[]string{"cm/a", "--dir", dir}, "diff compares whole types: give types without object names"},
		{[]string{"--dir", dir}, "you must specify the type of resource to export, or --all-types"},
		{[]string{"cm", "--dir", dir, "--all-types"}, "--all-types exports every type: give no TYPE or NAME with it"},
		{[]string{"cm", "--dir", dir, "--exclude", "pods"}, "--exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--dir", dir, "--format", "jsonl"}, "--output jsonl cannot be written to --dir: use yaml or json"},
		{[]string{"cm", "--dir", dir, "--chunk-size", "-1"}, "--chunk-size must not be negative, not -1"},
		{[]string{"cm", "--dir", dir, "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		// -f
		{[]string{"-f", file, "--dir", dir}, "-f compares files with the cluster: give no --dir, TYPE or --all-types with it"},
		{[]string{"-f", file, "cm"}, "-f compares files with the cluster: give no --dir, TYPE or --all-types with it"},
		{[]string{"-f", file, "--all-types"}, "-f compares files with the cluster: give no --dir, TYPE or --all-types with it"},
		{[]string{"-f", file, "-o", "json"}, "-o json goes with --dir"},
		{[]string{"-f", file, "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr || cliutil.ToolExitCode(err, false) != 2 {
			t.Errorf("diff %v:\n got %q (exit %d)\nwant %q", tt.args, got, cliutil.ToolExitCode(err, false), tt.wantErr)
		}
	}
	srv := newServer(t)
	mixed := tree(t, map[string]string{"default/core/ConfigMap/a.yaml": oldA, "default/core/ConfigMap/b.json": `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"default"}}`})
	if _, _, err := run(t, srv.URL, "cm", "--dir", mixed); errString(err) != mixed+" holds both YAML and JSON object files: give --format yaml or --format json" {
		t.Errorf("a tree of YAML and JSON: %v", err)
	}
	f := clitest.New()
	f.Server, f.ContextList = srv.URL, []string{"a", "b"}
	if _, _, err := clitest.Execute(f, NewCmd(f), "cm", "--dir", dir); errString(err) != "this command runs against one context" {
		t.Errorf("a fleet: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
