// Package edit is kdx edit (the engine is the edit package at the root).
package edit

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	editengine "github.com/kdxproject/kdx/edit"
	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// editOptions are the flags and inputs of `kdx edit`.
type editOptions struct {
	f            cli.Factory
	raw          bool
	fieldManager string
	output       string

	// Set by Complete.
	print bool // -o given: print the object stored
	args  []string
}

// NewCmd is kdx edit.
func NewCmd(f cli.Factory) *cobra.Command {
	o := &editOptions{f: f, fieldManager: "kdx-edit"}
	cmd := &cobra.Command{
		Use:   "edit (TYPE/NAME | TYPE NAME)",
		Short: "Edit an object in your editor and send only what changed",
		Long: `Edit one object in $KUBE_EDITOR, else $EDITOR, else vi. The object is shown
cleaned as kdx export cleans it (no status, managedFields or server-set
fields). On save, only what you changed is sent, as a JSON merge patch with the
resourceVersion the object was read at: if someone changed the object
meanwhile, nothing is written, and kdx names each field you both changed with
your value, the server's and the one you read. An edit the server refuses is
reopened with its reasons on top; a file saved unchanged cancels the edit.
A Secret's values are shown decoded, under stringData, and encoded back on
save (--raw shows data as stored, in base64).`,
		Example: `  # Edit a deployment in $KUBE_EDITOR, else $EDITOR, else vi
  kdx edit deployment/web

  # Edit a Secret's values as text
  kdx edit secret app

  # A scripted edit: the editor is any command that changes the file it is given
  KUBE_EDITOR="sed -i 's/replicas: 1/replicas: 2/'" kdx edit deployment web`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds edit's flags.
func (o *editOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.raw, "raw", false, "show a Secret's data as stored, in base64, instead of decoded")
	fs.StringVar(&o.fieldManager, "field-manager", o.fieldManager, "name of the manager of the fields written")
	fs.StringVarP(&o.output, "output", "o", "yaml", "the format of the file edited, yaml or json; given, the object stored is printed in it, as kubectl does, instead of the line \"kind/name edited\"")
}

// Complete keeps the arguments.
func (o *editOptions) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	o.print = cmd.Flags().Changed("output")
	return nil
}

// Validate checks that one object is named.
func (o *editOptions) Validate() error {
	switch {
	case len(o.args) == 0:
		return errors.New("you must name the object to edit: TYPE/NAME or TYPE NAME (e.g. kdx edit deployment/web)")
	case o.fieldManager == "":
		return errors.New("--field-manager must not be empty")
	case o.output != "yaml" && o.output != "json":
		return fmt.Errorf("--output must be yaml or json, not %q", o.output)
	}
	return nil
}

// Run edits the object.
func (o *editOptions) Run(ctx context.Context) error {
	cfg, err := o.f.Config()
	if err != nil {
		return err
	}
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return err
	}
	targets, err := resolver.ResolveArgs(ctx, o.args)
	if err != nil {
		return err
	}
	tasks, err := write.NamedTasks(targets, cfg.Namespace)
	if err != nil {
		return err
	}
	if len(tasks) != 1 {
		return errors.New("kdx edit edits one object: name it as TYPE/NAME or TYPE NAME")
	}
	client, err := write.NewClient(cfg.REST)
	if err != nil {
		return err
	}
	streams := o.f.Streams()
	s := &editengine.Session{
		Client:       client,
		Editor:       editengine.CommandEditor(os.Getenv, streams.In, streams.Out, streams.ErrOut),
		Clean:        export.NewCleaner(export.CleanOptions{}).Clean,
		Raw:          o.raw,
		JSON:         o.output == "json",
		FieldManager: o.fieldManager,
		Out:          streams.Out,
		ErrOut:       streams.ErrOut,
	}
	if o.print {
		p, err := render.NewPrinter(o.output, render.Options{})
		if err != nil {
			return err
		}
		s.Print = func(obj *unstructured.Unstructured) error { return p.PrintObj(obj, streams.Out) }
	}
	return s.Run(ctx, tasks[0].Ref)
}
