package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cliutil"
)

// run executes the command tree with args and reports an error the kubectl
// way: one line starting "error: " on stderr, and the exit code; a command
// modelled on a Unix tool (see unixTool) exits as the tool does.
func run(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: internal error: %v (please report this as a kdx bug)\n", r)
			code = 2
		}
	}()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(cliutil.QuietAfterCancel(ctx))
	if msg := cliutil.Message(err); msg != "" {
		fmt.Fprintf(stderr, "error: %s\n", msg)
	}
	if isUnixTool(cmd) {
		return cliutil.ToolExitCode(err, ctx.Err() != nil)
	}
	return cliutil.ExitCode(err)
}
