package get

import (
	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
)

// completeArgs completes resource types first, then object names of the type.
func (o *getOptions) completeArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return cli.CompleteObjects(o.f)(cmd, args, toComplete)
}
