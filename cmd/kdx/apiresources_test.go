package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

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
			o := newAPIResourcesOptions(newFactory(testStreams()))
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
	f := newFactory(testStreams())
	f.flags.KubeConfig = env.Kubeconfig
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())

	got, _ := completeResourceTypes(f)(cmd, nil, "deploy")
	if !slices.Contains(got, "deployments.apps") {
		t.Errorf("completing %q = %v, want deployments.apps", "deploy", got)
	}
	got, _ = completeResourceTypes(f)(cmd, nil, "pods,config")
	if !slices.Equal(got, []string{"pods,configmaps"}) {
		t.Errorf("completing %q = %v, want [pods,configmaps]", "pods,config", got)
	}
	if got, _ = completeResourceTypes(f)(cmd, []string{"pods"}, ""); got != nil {
		t.Errorf("object names are not completed here: %v", got)
	}
	streams := testStreams()
	root := NewRootCommand("kdx", streams)
	if code := run(context.Background(), root, []string{"__complete", "--kubeconfig", env.Kubeconfig, "api-resources", "--api-group", "rbac"}, streams.ErrOut); code != 0 {
		t.Fatalf("__complete: exit %d: %s", code, streams.ErrOut)
	}
	if out := streams.Out.(*bytes.Buffer).String(); !strings.HasPrefix(out, "rbac.authorization.k8s.io\n") {
		t.Errorf("api-group completion:\n%s", out)
	}
}
