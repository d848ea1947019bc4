package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/testenv"
)

func TestAPIResourcesValidate(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"wide", []string{"-o", "wide"}, ""},
		{"bad output", []string{"-o", "table"}, `unable to match a printer suitable for the output format "table", allowed formats are: json,name,wide,yaml`},
		{"bad sort", []string{"--sort-by=group"}, "--sort-by accepts only name or kind"},
		{"cached and refresh", []string{"--cached", "--refresh"}, "--cached and --refresh cannot be used together"},
		{"count and cached", []string{"--count", "--cached"}, "--count asks the server: it cannot be used with --cached"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newAPIResourcesOptions(cli.NewFactory(testStreams()))
			cmd := &cobra.Command{}
			o.AddFlags(cmd.Flags())
			if err := cmd.Flags().Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if err := o.Complete(cmd, nil); err != nil {
				t.Fatal(err)
			}
			err := o.Validate()
			if got := errString(err); got != tt.wantErr {
				t.Errorf("Validate(%v) = %q, want %q", tt.args, got, tt.wantErr)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

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
	root := NewRootCommand("kdx", streams)
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
