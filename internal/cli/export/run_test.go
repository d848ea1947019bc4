package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// newServer holds namespace default, ConfigMap a (with the fields export
// removes) and Secret s.
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"}, clitest.Resource{Plural: "secrets", Kind: "Secret"})
	srv.Put("/api/v1/namespaces/default", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"},"status":{"phase":"Active"}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","uid":"u","resourceVersion":"5","creationTimestamp":"2026-01-02T03:04:05Z","managedFields":[{"manager":"x"}]},"data":{"k":"v"}}`)
	srv.Put("/api/v1/namespaces/default/secrets/s", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"default","uid":"u2","resourceVersion":"6"},"data":{"k":"dg=="}}`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

func TestExportStdout(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		args        []string
		out, errOut string
	}{
		{[]string{"cm"}, "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
			"Exported 1 object.\n       1  configmaps\n"},
		{[]string{"cm,secrets", "--redact-secrets", "-o", "jsonl"},
			`{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}}` + "\n" +
				`{"apiVersion":"v1","data":{"k":"UkVEQUNURUQ="},"kind":"Secret","metadata":{"name":"s","namespace":"default"}}` + "\n",
			"Exported 2 objects.\n       1  configmaps\n       1  secrets\n"},
		{[]string{"cm", "-q", "-o", "json"}, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"v1\",\n            \"data\": {\n                \"k\": \"v\"\n            },\n" +
			"            \"kind\": \"ConfigMap\",\n            \"metadata\": {\n                \"name\": \"a\",\n                \"namespace\": \"default\"\n            }\n        }\n    ],\n" +
			"    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", ""},
	}
	for _, tt := range tests {
		out, errOut, err := run(t, srv.URL, tt.args...)
		if err != nil || out != tt.out || errOut != tt.errOut {
			t.Errorf("export %v: %v\n%s---stderr\n%s---want\n%s---stderr\n%s", tt.args, err, out, errOut, tt.out, tt.errOut)
		}
	}
	out, errOut, err := run(t, srv.URL, "cm", "nope")
	if errString(err) != "exit status 1" || out != "" || errOut != "Exported 0 objects.\nerror: configmaps \"nope\" not found\n" {
		t.Errorf("a missing object: %v\n%s---stderr\n%s", err, out, errOut)
	}
	f := clitest.New()
	f.Server, f.Namespace = srv.URL, "elsewhere"
	if _, _, err := clitest.Execute(f, NewCmd(f), "cm"); errString(err) != `namespace "elsewhere" not found` {
		t.Errorf("a namespace that does not exist: %v", err)
	}
}

// TestExportDir: one file per object, Secrets 0600.
func TestExportDir(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	_, errOut, err := run(t, srv.URL, "--all-types", "--dir", dir, "--redact-secrets")
	if err != nil || errOut != "Exported 2 objects.\n       1  configmaps\n       1  secrets\n" {
		t.Fatalf("export --dir: %v\n%s", err, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "default/core/ConfigMap/a.yaml"))
	if err != nil || string(b) != "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n" {
		t.Errorf("a.yaml: %v\n%s", err, b)
	}
	info, err := os.Stat(filepath.Join(dir, "default/core/Secret/s.yaml"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("s.yaml: %v %v", err, info)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "default/core/Secret/s.yaml"))
	if strings.Contains(string(b), "dg==") {
		t.Errorf("--redact-secrets wrote the value:\n%s", b)
	}
}

func TestExportRules(t *testing.T) {
	f := clitest.New() // no server: the rules are kdx's
	out, _, err := clitest.Execute(f, NewCmd(f), "--rules")
	if err != nil || !strings.HasPrefix(out, "### Fields `kdx export` removes\n") || !strings.Contains(out, "| `uid` | all | `metadata.uid` | always |") {
		t.Errorf("--rules: %v\n%s", err, out)
	}
}

// TestExportValidate asserts every error of Complete and Validate (the
// shared ExportFlags' and export's own), and of --rules and --commit.
func TestExportValidate(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete
		{[]string{"cm", "--where", "object."}, "invalid --where \"object.\": 1:8: Syntax error: no viable alternative at input '.'\n | object.\n | .......^"},
		{[]string{"cm", "-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,jsonl,yaml`},
		// ExportFlags.Validate
		{nil, "you must specify the type of resource to export, or --all-types"},
		{[]string{"cm", "--all-types"}, "--all-types exports every type: give no TYPE or NAME with it"},
		{[]string{"cm", "--exclude", "pods"}, "--exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--ignore-forbidden"}, "--exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"cm", "--dir", dir, "-o", "jsonl"}, "--output jsonl cannot be written to --dir: use yaml or json"},
		{[]string{"cm", "--include-deleting"}, "--include-deleting needs --dir: stdout has the objects being deleted, with a warning"},
		{[]string{"cm/a", "--where", "true"}, "names cannot be given together with --where: a named object is exported or not found"},
		{[]string{"cm", "--chunk-size", "-1"}, "--chunk-size must not be negative, not -1"},
		{[]string{"cm", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		// export's Validate
		{[]string{"cm", "--prune"}, "--prune needs --dir"},
		{[]string{"cm", "--watch"}, "--watch and --commit need --dir: the tree to keep in step"},
		{[]string{"cm", "--commit"}, "--watch and --commit need --dir: the tree to keep in step"},
		{[]string{"cm", "--dir", dir, "--commit-secrets"}, "--commit-secrets goes with --commit"},
		{[]string{"cm", "--dir", dir, "--timeout", "5s"}, "--timeout goes with --watch"},
		{[]string{"cm", "--dir", dir, "--watch", "--timeout", "-5s"}, "--timeout must not be negative, not -5s"},
		{[]string{"cm", "--dir", dir, "--prune", "-l", "a=b"}, "--prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out"},
		{[]string{"cm", "--dir", dir, "--prune", "--field-selector", "a=b"}, "--prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out"},
		{[]string{"cm", "--dir", dir, "--prune", "--where", "true"}, "--prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out"},
		{[]string{"cm", "a", "--dir", dir, "--prune"}, "--prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out"},
		// --rules
		{[]string{"--rules", "cm"}, "--rules prints the rules: give no TYPE, NAME or --all-types with it"},
		{[]string{"--rules", "--all-types"}, "--rules prints the rules: give no TYPE, NAME or --all-types with it"},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("export %v:\n got %q\nwant %q", tt.args, got, tt.wantErr)
		}
	}
	srv := newServer(t)
	_, _, err := run(t, srv.URL, "--all-types", "--dir", dir, "--commit")
	if want := "--commit would store the values of Secrets in git, for every clone to read: add --redact-secrets (or --exclude secrets), or --commit-secrets to commit them as they are"; errString(err) != want {
		t.Errorf("--commit with Secrets: %v", err)
	}
	f := clitest.New()
	f.Server, f.ContextList = srv.URL, []string{"a", "b"}
	if _, _, err := clitest.Execute(f, NewCmd(f), "cm", "--dir", dir, "--watch"); errString(err) != "--watch and --commit keep one tree in step with one cluster: give one --context" {
		t.Errorf("a fleet with --watch: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
