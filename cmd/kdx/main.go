// Command kdx explores any Kubernetes API server: every group, version and
// resource it serves, built-in or custom, through discovery and the dynamic client.
package main

import (
	"context"
	"os"
	"path/filepath"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cli/root"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/internal/logmask"
)

func main() {
	// The first SIGINT or SIGTERM cancels ctx; a second exits at once.
	ctx, stop := cliutil.NotifyContext(context.Background(), os.Exit)
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	logmask.Install(streams.ErrOut) // -v: no token, password or Secret value in a log line
	stopProfile := cliutil.StartProfile()
	code := cli.Execute(ctx, root.New(filepath.Base(os.Args[0]), streams), os.Args[1:], streams.ErrOut)
	stop()
	stopProfile()
	os.Exit(code)
}
