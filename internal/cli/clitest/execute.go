package clitest

import (
	"context"

	"github.com/spf13/cobra"
)

// Execute runs cmd (a command's NewCmd over f) with args, as the root
// would but without printing the error, and returns what f's stdout and
// stderr got and the error.
func Execute(f *Factory, cmd *cobra.Command, args ...string) (stdout, stderr string, err error) {
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.ExecuteContext(context.Background())
	return f.Out.String(), f.ErrOut.String(), err
}
