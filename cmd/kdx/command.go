package main

import (
	"context"

	"github.com/spf13/cobra"
)

// Every kdx verb is an options struct that turns flags into a typed request
// (Complete), checks it (Validate) and does the work (Run). runE is the one
// place that calls them, in that order; a verb with nothing to complete or
// to check leaves that method out.
type (
	runner interface {
		Run(ctx context.Context) error
	}
	completer interface {
		Complete(cmd *cobra.Command, args []string) error
	}
	validator interface {
		Validate() error
	}
)

// runE is a cobra RunE for o: Complete, then Validate, then Run with the
// command's context (cancelled by Ctrl-C).
func runE(o runner) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if c, ok := o.(completer); ok {
			if err := c.Complete(cmd, args); err != nil {
				return err
			}
		}
		if v, ok := o.(validator); ok {
			if err := v.Validate(); err != nil {
				return err
			}
		}
		if w, ok := o.(fleetWriter); ok {
			contexts, fleet, err := writeContexts(w.factory())
			if err != nil {
				return err
			}
			if fleet {
				return runWriteFleet(cmd.Context(), w, contexts) // write_fleet.go
			}
		}
		return o.Run(cmd.Context())
	}
}

// unixToolAnnotation marks a command modelled on a Unix tool (diff, grep),
// which exits as the tool does (cliutil.ToolExitCode): 0; 1 for its
// answer, a cliutil.Outcome (differences found, nothing matched); 2 for any
// failure, from a bad flag to an unreachable server or Ctrl-C.
const unixToolAnnotation = "kdx.unix-tool"

// unixTool marks cmd as modelled on a Unix tool (see unixToolAnnotation).
func unixTool(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[unixToolAnnotation] = "true"
	return cmd
}

// isUnixTool says whether cmd is modelled on a Unix tool.
func isUnixTool(cmd *cobra.Command) bool {
	return cmd != nil && cmd.Annotations[unixToolAnnotation] == "true"
}
