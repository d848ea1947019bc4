package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/write"
)

func init() { register(newReplaceCommand) }

// replaceOptions are the flags and inputs of `kdx replace`.
type replaceOptions struct {
	fileWrite
	subresource string
}

// newReplaceOptions returns the defaults of `kdx replace`.
func newReplaceOptions(f *factory) *replaceOptions {
	return &replaceOptions{fileWrite: fileWrite{f: f}}
}

func newReplaceCommand(f *factory) *cobra.Command {
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
		RunE: runE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds replace's flags.
func (o *replaceOptions) AddFlags(fs *pflag.FlagSet) {
	o.files.addFlags(fs, "replace")
	o.files.addAllowRedacted(fs, "replace")
	o.flags.addFlags(fs, "kdx-replace")
	fs.StringVar(&o.subresource, "subresource", "", "replace a subresource: status or scale")
}

// Complete reads the input.
func (o *replaceOptions) Complete(cmd *cobra.Command, _ []string) error {
	if err := o.complete(cmd.Context(), "replace"); err != nil {
		return err
	}
	o.opts.Subresource = o.subresource
	return nil
}

// Validate checks --subresource.
func (o *replaceOptions) Validate() error {
	return validSubresource(o.subresource)
}

// Run replaces every object.
func (o *replaceOptions) Run(ctx context.Context) error {
	return o.run(ctx, "replace", func(w *write.Writer) write.Op { return w.Replace }, false)
}
