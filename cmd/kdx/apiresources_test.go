package main

import (
	"bytes"
	"context"
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
