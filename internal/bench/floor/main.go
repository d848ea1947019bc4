package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	o := NewOptions(os.Stdout)
	flags := pflag.NewFlagSet("floor", pflag.ContinueOnError)
	o.AddFlags(flags)
	err := flags.Parse(os.Args[1:])
	if err == nil {
		err = o.Complete(flags.Args())
	}
	if err == nil {
		err = o.Run(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		stop()
		os.Exit(1)
	}
}
