package root

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli"
)

// TestFleetRefusalNamesFleetCommands runs every command with two contexts
// (servers that refuse connections): those the refusal names as working
// over several contexts do not refuse, every other command refuses with
// that message. A new command must be added here, and so classified.
func TestFleetRefusalNamesFleetCommands(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters:
- {name: down, cluster: {server: "https://127.0.0.1:1"}}
users:
- {name: u, user: {token: t}}
contexts:
- {name: a, context: {cluster: down, user: u, namespace: default}}
- {name: b, context: {cluster: down, user: u, namespace: default}}
current-context: a
`
	manifest := filepath.Join(dir, "cm.yaml")
	for name, data := range map[string]string{kubeconfig: cfg, manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"} {
		if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := map[string][]string{
		"api-resources": nil, "api-versions": nil, "version": nil,
		"get": {"configmaps"}, "watch": {"configmaps", "--timeout", "1s"}, "grep": {"x", "configmaps"}, "export": {"configmaps"},
		"apply": {"-f", manifest}, "create": {"-f", manifest}, "replace": {"-f", manifest},
		"patch": {"configmaps", "x", "-p", "{}"}, "delete": {"configmaps", "x"},
		"label": {"configmaps", "x", "a=b"}, "edit": {"configmaps/x"}, "annotate": {"configmaps", "x", "a=b"},
		"describe": {"configmaps"}, "diff": {"--dir", dir, "configmaps"}, "refs": {"configmaps/x"}, "tree": {"configmaps/x"},
		"ui":      nil,
		"wait":    {"configmaps/x", "--for", "create", "--timeout", "1s"},
		"explain": {"pods.spec"},
	}
	const refusal = "this command runs against one context"
	fleet := slices.Concat(cli.FleetReads, cli.FleetWrites)
	for _, cmd := range New("kdx", testStreams()).Commands() {
		name := cmd.Name()
		if cmd.Hidden || name == "help" || name == "completion" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			a, ok := args[name]
			if !ok {
				t.Fatalf("kdx %s is not in this test: add its arguments, and to cli.FleetReads or cli.FleetWrites if it runs over several contexts", name)
			}
			var stderr bytes.Buffer
			streams := testStreams()
			streams.ErrOut = &stderr
			full := append([]string{name, "--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache"), "--context", "a,b", "--request-timeout", "1s"}, a...)
			code := cli.Execute(context.Background(), New("kdx", streams), full, &stderr)
			refused := strings.Contains(stderr.String(), refusal)
			if want := !slices.Contains(fleet, name); refused != want || code == 0 {
				t.Errorf("exit %d, refused %v (want %v):\n%s", code, refused, want, stderr.String())
			}
			if refused && !strings.Contains(stderr.String(), "(several work with get, watch, grep, export, api-resources, api-versions, version, wait, ui, and with apply, create, replace, patch, delete, label, annotate given a list)") {
				t.Errorf("the refusal does not name every command that works over several contexts:\n%s", stderr.String())
			}
		})
	}
}
