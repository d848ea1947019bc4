package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/root"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/testenv"
)

// TestAPIResourcesCompletion completes resource types (for other commands'
// first argument) and API groups from discovery.
func TestAPIResourcesCompletion(t *testing.T) {
	env := testenv.Require(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := cli.NewFactory(testStreams())
	f.KubeconfigFlags().KubeConfig = env.Kubeconfig
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())

	got, _ := cli.CompleteResourceTypes(f)(cmd, nil, "deploy")
	if !slices.Contains(got, "deployments.apps") {
		t.Errorf("completing %q = %v, want deployments.apps", "deploy", got)
	}
	got, _ = cli.CompleteResourceTypes(f)(cmd, nil, "pods,config")
	if !slices.Equal(got, []string{"pods,configmaps"}) {
		t.Errorf("completing %q = %v, want [pods,configmaps]", "pods,config", got)
	}
	if got, _ = cli.CompleteResourceTypes(f)(cmd, []string{"pods"}, ""); got != nil {
		t.Errorf("object names are not completed here: %v", got)
	}
	streams := testStreams()
	root := root.New("kdx", streams)
	if code := cli.Execute(context.Background(), root, []string{"__complete", "--kubeconfig", env.Kubeconfig, "api-resources", "--api-group", "rbac"}, streams.ErrOut); code != 0 {
		t.Fatalf("__complete: exit %d: %s", code, streams.ErrOut)
	}
	if out := streams.Out.(*bytes.Buffer).String(); !strings.HasPrefix(out, "rbac.authorization.k8s.io\n") {
		t.Errorf("api-group completion:\n%s", out)
	}
}

// TestAPIResourcesCountForbidden: a user who may list only ConfigMaps gets
// the whole table, the count of ConfigMaps, one line for everything else
// and exit 1.
func TestAPIResourcesCountForbidden(t *testing.T) {
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-reader, namespace: %[1]s}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-reader, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
subjects:
- {kind: User, name: restricted}
`, ns))
	res := env.Kdx(t, "--context", "restricted", "api-resources", "--count", "--namespaced", "-n", ns, "--api-group", "")
	if res.ExitCode != 1 {
		t.Errorf("exit %d, want 1\nstderr: %s", res.ExitCode, res.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	if len(lines) != 1 || !regexp.MustCompile(`^error: could not count \d+ types \(forbidden\): .* and \d+ more$`).MatchString(lines[0]) {
		t.Errorf("stderr: want one line of forbidden types, got:\n%s", res.Stderr)
	}
	cm := regexp.MustCompile(`(?m)^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s+1$`)
	if !cm.MatchString(res.Stdout) || !strings.Contains(res.Stdout, "secrets") {
		t.Errorf("stdout: want every type and configmaps counted (kube-root-ca.crt):\n%s", res.Stdout)
	}
}
