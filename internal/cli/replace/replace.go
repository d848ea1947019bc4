package replace

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/write"
)

// replaceOptions are the flags and inputs of `kdx replace`.
type replaceOptions struct {
	cli.FileWrite
	subresource string
}

// newReplaceOptions returns the defaults of `kdx replace`.
func newReplaceOptions(f cli.Factory) *replaceOptions {
	return &replaceOptions{FileWrite: cli.FileWrite{F: f}}
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := newReplaceOptions(f)
	cmd := &cobra.Command{
		Use:   "replace -f FILENAME",
		Short: "Replace objects by the ones in files",
		Long: `Replace each object by the one in the input (an update). With a
resourceVersion in the input, the server refuses when the object changed since
that version, and kdx says who changed it; without one (as export writes
objects), kdx sends the live object's resourceVersion, as kubectl does, and the
object is overwritten.`,
		Example: `  # Edit an object offline, then write it back
  kdx get configmap app -o yaml > app.yaml
  kdx replace -f app.yaml

  # Replace a custom object's status
  kdx replace -f gadget.yaml --subresource status`,
		Args: cobra.NoArgs,
		RunE: cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds replace's flags.
func (o *replaceOptions) AddFlags(fs *pflag.FlagSet) {
	o.Files.AddFlags(fs, "replace")
	o.Files.AddAllowRedacted(fs, "replace")
	o.Flags.AddFlags(fs, "kdx-replace")
	fs.StringVar(&o.subresource, "subresource", "", "replace a subresource: status or scale")
}

// Complete reads the input.
func (o *replaceOptions) Complete(cmd *cobra.Command, _ []string) error {
	if err := o.CompleteFiles(cmd.Context(), "replace"); err != nil {
		return err
	}
	o.Opts.Subresource = o.subresource
	return nil
}

// Validate checks --subresource.
func (o *replaceOptions) Validate() error {
	return cli.ValidSubresource(o.subresource)
}

// Run replaces every object.
func (o *replaceOptions) Run(ctx context.Context) error {
	return o.RunFiles(ctx, "replace", func(w *write.Writer) write.Op { return w.Replace }, false)
}

// Factory and WithFactory run the verb once per context of a list (cli.FleetWriter).
func (o *replaceOptions) Factory() cli.Factory { return o.F }
func (o *replaceOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}
