package apply

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/write"
)

// applyOptions are the flags and inputs of `kdx apply`.
type applyOptions struct {
	cli.FileWrite
	forceConflicts bool
	serverSide     bool
	subresource    string
}

// newApplyOptions returns the defaults of `kdx apply`.
func newApplyOptions(f cli.Factory) *applyOptions {
	return &applyOptions{FileWrite: cli.FileWrite{F: f}, serverSide: true}
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := newApplyOptions(f)
	cmd := &cobra.Command{
		Use:   "apply -f FILENAME",
		Short: "Apply objects from files by server-side apply",
		Long: `Apply the objects of files, directories or stdin by server-side apply: the
server merges the fields kdx manages into each object, creating it if needed.
Namespaces and CustomResourceDefinitions go first (kdx waits for the CRDs to be
Established), then every other object concurrently; results are printed in
input order and failures listed at the end.`,
		Example: `  # Apply a file, and every file of a directory tree
  kdx apply -f app.yaml -f manifests/ -R

  # Check with the server without storing anything
  kdx apply -f app.yaml --dry-run=server

  # Take over fields another manager owns
  kdx apply -f app.yaml --force-conflicts

  # Write a custom object's status
  kdx apply -f gadget-status.yaml --subresource status`,
		Args: cobra.NoArgs,
		RunE: cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds apply's flags.
func (o *applyOptions) AddFlags(fs *pflag.FlagSet) {
	o.Files.AddFlags(fs, "apply")
	o.Files.AddAllowRedacted(fs, "apply")
	o.Flags.AddFlags(fs, "kdx")
	fs.Lookup("validate").Usage = "duplicate fields in the input: strict (refuse), warn, or ignore; unknown fields are the server's to decide in a server-side apply, and it refuses them whatever this says"
	fs.BoolVar(&o.forceConflicts, "force-conflicts", false, "take over the fields other managers own instead of failing")
	fs.BoolVar(&o.serverSide, "server-side", true, "kdx always applies server-side; accepted for kubectl's muscle memory")
	fs.StringVar(&o.subresource, "subresource", "", "apply to a subresource: status or scale")
}

// Complete reads the input.
func (o *applyOptions) Complete(cmd *cobra.Command, _ []string) error {
	if err := o.CompleteFiles(cmd.Context(), "apply"); err != nil {
		return err
	}
	o.Opts.ForceConflicts, o.Opts.Subresource = o.forceConflicts, o.subresource
	return nil
}

// Validate checks the flags.
func (o *applyOptions) Validate() error {
	if !o.serverSide {
		return errors.New("--server-side=false is not supported: kdx apply is server-side apply only (client-side apply keeps a last-applied annotation and merges on the client)")
	}
	return cli.ValidSubresource(o.subresource)
}

// Run applies every object.
func (o *applyOptions) Run(ctx context.Context) error {
	return o.RunFiles(ctx, "apply", func(w *write.Writer) write.Op { return w.Apply }, false)
}

// Factory and WithFactory run the verb once per context of a list (cli.FleetWriter).
func (o *applyOptions) Factory() cli.Factory { return o.F }
func (o *applyOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}
