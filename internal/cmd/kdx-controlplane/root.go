package main

import (
	"io"

	"github.com/spf13/cobra"
)

// newRootCommand returns the kdx-controlplane command with its subcommands.
func newRootCommand(out, errOut io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "kdx-controlplane",
		Short:         "Run a local Kubernetes control plane for kdx's demo and manual tests",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newUpCommand(out, errOut))
	return root
}
