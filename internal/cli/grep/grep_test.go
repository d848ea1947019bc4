package grep

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// newServer holds ConfigMaps a (color: blue) and b (shape: round) in
// default, c (color: Blue) in shop, and a Secret s (color: blue).
func newServer(t *testing.T) *clitest.APIServer {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"},
		clitest.Resource{Plural: "secrets", Kind: "Secret"})
	srv.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"},"data":{"color":"blue"}}`)
	srv.Put("/api/v1/namespaces/default/configmaps/b", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"default","labels":{"app":"web"}},"data":{"shape":"round"}}`)
	srv.Put("/api/v1/namespaces/shop/configmaps/c", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"shop"},"data":{"color":"Blue"}}`)
	srv.Put("/api/v1/namespaces/default/secrets/s", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"default"},"data":{"color":"Ymx1ZQ=="}}`)
	return srv
}

func run(t *testing.T, server string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	f := clitest.New()
	f.Server = server
	return clitest.Execute(f, NewCmd(f), args...)
}

// TestGrepMatches: one line per match, the pattern's options, Secrets'
// values hidden, and grep's exit codes (0 matched, 1 nothing, 2 error).
func TestGrepMatches(t *testing.T) {
	srv := newServer(t)
	const hidden = "(a Secret's value, not shown without --show-secrets)"
	tests := []struct {
		args []string
		out  string
		code int
	}{
		{[]string{"blue", "configmaps"}, "configmap/a  data.color: blue\n", 0},
		{[]string{"-i", "blue", "cm", "-A"}, "default  configmap/a  data.color: blue\nshop  configmap/c  data.color: Blue\n", 0},
		{[]string{"-F", "Blue", "cm", "-A"}, "shop  configmap/c  data.color: Blue\n", 0},
		{[]string{"blue", "cm,secrets"}, "configmap/a  data.color: blue\nsecret/s  data.color: " + hidden + "\n", 0},
		{[]string{"blue", "secrets", "--show-secrets"}, "secret/s  data.color: blue\n", 0},
		{[]string{"color", "cm", "--keys"}, "configmap/a  data.color (key)\n", 0},
		{[]string{"color", "cm", "--values"}, "", 1},
		{[]string{"round", "cm", "-l", "app=web"}, "configmap/b  data.shape: round\n", 0},
		{[]string{"round", "cm", "-l", "app=db"}, "", 1},
		{[]string{"blue", "cm", "-o", "name"}, "configmap/a\n", 0},
		{[]string{"nothing", "cm"}, "", 1},
		{[]string{"blue", "--all-types"}, "configmap/a  data.color: blue\nsecret/s  data.color: " + hidden + "\n", 0},
		{[]string{"blue", "--all-types", "--exclude", "secrets"}, "configmap/a  data.color: blue\n", 0},
		{[]string{"blue", "cm/a", "cm/b"}, "configmap/a  data.color: blue\n", 0},
	}
	for _, tt := range tests {
		out, errOut, err := run(t, srv.URL, tt.args...)
		if code := cliutil.ToolExitCode(err, false); out != tt.out || errOut != "" || code != tt.code {
			t.Errorf("grep %v: exit %d (%v)\n%s---stderr\n%s---want exit %d\n%s", tt.args, code, err, out, errOut, tt.code, tt.out)
		}
	}
	out, _, err := run(t, srv.URL, "blue", "cm", "-o", "json")
	if err != nil || !strings.HasPrefix(out, "{\n") || !strings.Contains(out, `"color": "blue"`) || strings.Contains(out, `"shape"`) {
		t.Errorf("-o json: %v\n%s", err, out)
	}
	out, _, err = run(t, srv.URL, "blue", "secrets", "-o", "yaml")
	if err != nil || !strings.Contains(out, "color: '***'") || strings.Contains(out, "Ymx1ZQ") {
		t.Errorf("-o yaml of a Secret shows its value: %v\n%s", err, out)
	}
}

// TestGrepErrors asserts every error of Complete and Validate (exit 2),
// and an unknown type.
func TestGrepErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		// Complete
		{nil, "you must give a PATTERN and the types to search (e.g. 'kdx grep nginx deployments'), or --all-types"},
		{[]string{"(", "cm"}, "invalid pattern \"(\": error parsing regexp: missing closing ): `(`"},
		{[]string{"\xff", "cm"}, "invalid pattern \"\\xff\": a regular expression must be UTF-8 (give -F to search for bytes)"},
		{[]string{"x", "cm", "-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,jsonl,name,yaml`},
		// Validate
		{[]string{"x"}, "you must specify the types to search (e.g. 'kdx grep nginx deployments,configmaps'), or --all-types"},
		{[]string{"x", "cm", "--all-types"}, "--all-types searches every type: give no TYPE or NAME with it"},
		{[]string{"x", "cm", "--include-events"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"x", "cm", "--exclude", "secrets"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"x", "cm", "--ignore-forbidden"}, "--include-events, --exclude and --ignore-forbidden only apply with --all-types"},
		{[]string{"x", "cm", "--concurrency", "0"}, "--concurrency must be at least 1, not 0"},
		{[]string{"x", "cm", "--width", "-1"}, "--width must not be negative, not -1"},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if got := errString(err); got != tt.wantErr || cliutil.ToolExitCode(err, false) != 2 {
			t.Errorf("grep %v:\n got %q (exit %d)\nwant %q", tt.args, got, cliutil.ToolExitCode(err, false), tt.wantErr)
		}
	}
	srv := newServer(t)
	_, _, err := run(t, srv.URL, "x", "nosuch")
	if errString(err) != `the server doesn't have a resource type "nosuch"` || cliutil.ToolExitCode(err, false) != 2 {
		t.Errorf("an unknown type: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
