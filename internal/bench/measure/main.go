package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, measures and prints the result line; it returns the exit code.
func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	o := NewOptions(errOut)
	flags := pflag.NewFlagSet("measure", pflag.ContinueOnError)
	flags.SetOutput(errOut)
	o.AddFlags(flags)
	if err := flags.Parse(args); err != nil {
		return 2
	}
	o.Command = flags.Args()
	if err := o.Validate(); err != nil {
		fmt.Fprintln(errOut, "error:", err)
		return 2
	}
	result, err := o.Run(ctx)
	if err != nil {
		fmt.Fprintln(out, "error", err)
		return 1
	}
	fmt.Fprintln(out, result)
	return 0
}
