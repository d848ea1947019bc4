package root

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// kdx runs the whole command tree, with the real factory, as main does:
// stdout, stderr and the exit code.
func kdx(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut}
	code = cli.Execute(context.Background(), New("kdx", streams), args, &errOut)
	return out.String(), errOut.String(), code
}

// kubeconfig is a kubeconfig whose contexts east and west (current: east)
// both reach server, and the flags that use it with a cache of the test's.
func kubeconfig(t *testing.T, server string) []string {
	t.Helper()
	dir := t.TempDir()
	cfg := `apiVersion: v1
kind: Config
current-context: east
clusters:
- name: fake
  cluster: {server: "` + server + `"}
users:
- name: u
  user: {token: secret-token}
contexts:
- name: east
  context: {cluster: fake, user: u, namespace: default}
- name: west
  context: {cluster: fake, user: u, namespace: default}
`
	file := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"--kubeconfig", file, "--cache-dir", filepath.Join(dir, "cache")}
}

// TestRootThroughTheFactory: the global flags reach the command through
// the real factory: one context, then a list of contexts (a fleet).
func TestRootThroughTheFactory(t *testing.T) {
	srv := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"})
	srv.Put("/api/v1/namespaces/default/configmaps/a", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default","creationTimestamp":"2026-01-02T03:04:05Z"}}`)
	flags := kubeconfig(t, srv.URL)
	out, errOut, code := kdx(t, append(flags, "get", "cm", "-o", "name")...)
	if code != 0 || out != "configmap/a\n" || errOut != "" {
		t.Errorf("get: exit %d\n%s---stderr\n%s", code, out, errOut)
	}
	out, errOut, code = kdx(t, append(flags, "--context", "east,west", "get", "cm")...)
	want := "CONTEXT   NAME   CREATED AT\neast      a      2026-01-02T03:04:05Z\nwest      a      2026-01-02T03:04:05Z\n"
	if code != 0 || out != want || errOut != "" {
		t.Errorf("fleet get: exit %d\n%s---stderr\n%s", code, out, errOut)
	}
	out, errOut, code = kdx(t, append(flags, "-n", "shop", "get", "cm")...)
	if code != 0 || out != "" || errOut != "No resources found in shop namespace.\n" {
		t.Errorf("get -n shop: exit %d\n%s---stderr\n%s", code, out, errOut)
	}
	_, errOut, code = kdx(t, append(flags, "--context", "nope", "get", "cm")...)
	if code != 1 || !strings.HasPrefix(errOut, `error: context "nope" not found in kubeconfig`) {
		t.Errorf("an unknown context: exit %d, stderr %q", code, errOut)
	}
}

// TestRootErrors: the one-line errors of the root and their exit codes
// (1, or 2 for a command modelled on a Unix tool).
func TestRootErrors(t *testing.T) {
	tests := []struct {
		args   []string
		errOut string
		code   int
	}{
		{[]string{"help", "nosuch"}, "error: unknown help topic \"nosuch\" (see 'kdx --help' for the commands)\n", 1},
		{[]string{"help", "gett"}, "error: unknown help topic \"gett\"; did you mean get? (see 'kdx --help' for the commands)\n", 1},
		{[]string{"get", "--bogus"}, "error: unknown flag: --bogus (see 'kdx get --help')\n", 1},
		{[]string{"--bogus"}, "error: unknown flag: --bogus (see 'kdx --help')\n", 1},
		{[]string{"grep", "--bogus"}, "error: unknown flag: --bogus (see 'kdx grep --help')\n", 2},
		{[]string{"diff", "cm"}, "error: diff needs --dir (an export tree) or -f (files to apply)\n", 2},
		{[]string{"nosuch"}, "error: unknown command \"nosuch\" for \"kdx\"\n", 1},
		{[]string{"get"}, "error: you must specify the type of resource to get (e.g. 'kdx get pods'), or --all-types; 'kdx api-resources' lists the types\n", 1},
	}
	for _, tt := range tests {
		out, errOut, code := kdx(t, tt.args...)
		if errOut != tt.errOut || code != tt.code || out != "" {
			t.Errorf("kdx %v: exit %d, stdout %q\nstderr %q\nwant   %q, exit %d", tt.args, code, out, errOut, tt.errOut, tt.code)
		}
	}
}

// TestRootHelp: kdx alone and kdx help CMD print help on stdout, exit 0;
// the root lists every command of the explicit list.
func TestRootHelp(t *testing.T) {
	out, errOut, code := kdx(t)
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "kdx asks the API server what exists") {
		t.Errorf("kdx: exit %d\n%s---stderr\n%s", code, out, errOut)
	}
	for _, name := range []string{"api-resources", "api-versions", "apply", "completion", "create", "delete", "describe", "diff", "export", "get", "grep", "patch", "refs", "replace", "tree", "version", "watch"} {
		if !strings.Contains(out, "\n  "+name+" ") {
			t.Errorf("kdx's help does not list %s", name)
		}
	}
	out, _, code = kdx(t, "help", "get")
	if code != 0 || !strings.HasPrefix(out, "Display one or many resources of any type the server serves") {
		t.Errorf("kdx help get: exit %d\n%s", code, out)
	}
	out, _, code = kdx(t, "version", "--client")
	if code != 0 || !strings.HasPrefix(out, "Client Version: ") {
		t.Errorf("kdx version --client: exit %d\n%s", code, out)
	}
}
