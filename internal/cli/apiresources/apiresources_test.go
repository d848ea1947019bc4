package apiresources

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli/clitest"
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
			o := newAPIResourcesOptions(clitest.New())
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
