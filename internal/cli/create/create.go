package create

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/write"
)

// createOptions are the flags and inputs of `kdx create`.
type createOptions struct {
	cli.FileWrite
}

// newCreateOptions returns the defaults of `kdx create`.
func newCreateOptions(f cli.Factory) *createOptions {
	return &createOptions{FileWrite: cli.FileWrite{F: f}}
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := newCreateOptions(f)
	cmd := &cobra.Command{
		Use:   "create -f FILENAME",
		Short: "Create objects from files",
		Long: `Create the objects of files, directories or stdin. An object that exists
already is an error (use apply or replace to change it). Namespaces and
CustomResourceDefinitions go first, then every other object concurrently;
results are printed in input order and failures listed at the end.`,
		Example: `  # Create the objects of a file
  kdx create -f app.yaml

  # From stdin, checked by the server but not stored
  cat app.yaml | kdx create -f - --dry-run=server`,
		Args: cobra.NoArgs,
		RunE: cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds create's flags.
func (o *createOptions) AddFlags(fs *pflag.FlagSet) {
	o.Files.AddFlags(fs, "create")
	o.Files.AddAllowRedacted(fs, "create")
	o.Flags.AddFlags(fs, "kdx-create")
}

// Complete reads the input.
func (o *createOptions) Complete(cmd *cobra.Command, _ []string) error {
	return o.CompleteFiles(cmd.Context(), "create")
}

// Run creates every object.
func (o *createOptions) Run(ctx context.Context) error {
	return o.RunFiles(ctx, "create", func(w *write.Writer) write.Op { return w.Create }, false)
}

// Factory and WithFactory run the verb once per context of a list (cli.FleetWriter).
func (o *createOptions) Factory() cli.Factory { return o.F }
func (o *createOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}
