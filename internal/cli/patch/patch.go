package patch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/write"
)

// patchTypes maps --type values to patch types.
var patchTypes = map[string]types.PatchType{
	"strategic": types.StrategicMergePatchType,
	"merge":     types.MergePatchType,
	"json":      types.JSONPatchType,
	"apply":     types.ApplyPatchType,
}

// patchOptions are the flags and inputs of `kdx patch`.
type patchOptions struct {
	f           cli.Factory
	flags       cli.WriteFlags
	patch       string
	patchFile   string
	typ         string
	subresource string

	// Set by Complete.
	args      []string
	opts      write.Options
	patchType types.PatchType
	body      []byte
	// typeGiven says that --type was set; otherwise a 415 for a strategic
	// merge patch falls back to a merge patch.
	typeGiven bool
}

// newPatchOptions returns the defaults of `kdx patch`.
func newPatchOptions(f cli.Factory) *patchOptions {
	return &patchOptions{f: f, typ: "strategic"}
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := newPatchOptions(f)
	cmd := &cobra.Command{
		Use:   "patch TYPE NAME | TYPE/NAME (-p PATCH | --patch-file FILE)",
		Short: "Patch objects by name",
		Long: `Patch objects with a strategic merge patch (the default), a JSON merge patch,
a JSON patch or an apply patch. Custom resources support no strategic merge
patch: when --type is not given, kdx then sends the patch as a merge patch and
says so.`,
		Example: `  # Scale a deployment through its scale subresource
  kdx patch deployment web --subresource scale --type merge -p '{"spec":{"replicas":3}}'

  # Set a custom object's status
  kdx patch gadget g1 --subresource status --type merge -p '{"status":{"phase":"Ready"}}'

  # A JSON patch from a file
  kdx patch configmap/app --type json --patch-file fix.json`,
		ValidArgsFunction: cli.CompleteObjects(f),
		Args:              cobra.ArbitraryArgs, // Validate names what is missing
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds patch's flags.
func (o *patchOptions) AddFlags(fs *pflag.FlagSet) {
	o.flags.AddFlags(fs, "kdx-patch")
	fs.StringVarP(&o.patch, "patch", "p", "", "the patch, as JSON or YAML")
	fs.StringVar(&o.patchFile, "patch-file", "", "a file holding the patch")
	fs.StringVar(&o.typ, "type", o.typ, "patch type: strategic, merge, json or apply")
	fs.StringVar(&o.subresource, "subresource", "", "patch a subresource: status or scale")
}

// Complete reads the patch and turns the flags into options.
func (o *patchOptions) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	o.typeGiven = cmd.Flags().Changed("type")
	opts, err := o.flags.Options()
	if err != nil {
		return err
	}
	o.opts = opts
	o.opts.Subresource = o.subresource
	pt, ok := patchTypes[o.typ]
	if !ok {
		return fmt.Errorf(`--type must be strategic, merge, json or apply, not %q`, o.typ)
	}
	o.patchType = pt
	if len(args) == 0 && o.patch == "" && o.patchFile == "" {
		return errors.New("you must name the objects to patch and give the patch: kdx patch TYPE NAME (-p PATCH | --patch-file FILE); see 'kdx patch --help'")
	}
	return o.readPatch()
}

// readPatch reads -p or --patch-file, as JSON (YAML is converted).
func (o *patchOptions) readPatch() error {
	raw := []byte(o.patch)
	switch {
	case o.patch != "" && o.patchFile != "":
		return errors.New("use either --patch or --patch-file, not both")
	case o.patchFile != "":
		b, err := os.ReadFile(o.patchFile)
		if err != nil {
			return fmt.Errorf("failed to read the patch file: %w", err)
		}
		raw = b
	case o.patch == "":
		return errors.New("a patch is required: use --patch (-p) or --patch-file")
	}
	if o.patchType == types.ApplyPatchType {
		o.body = raw
		return nil
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return fmt.Errorf("failed to parse the patch: %w", err)
	}
	o.body = js
	return nil
}

// Validate checks the flags and that an object is named.
func (o *patchOptions) Validate() error {
	if len(o.args) == 0 {
		return errors.New("you must name the objects to patch: TYPE NAME... or TYPE/NAME... (e.g. kdx patch configmap app -p '{\"data\":{\"k\":\"v\"}}')")
	}
	return cli.ValidSubresource(o.subresource)
}

// Run patches every object named.
func (o *patchOptions) Run(ctx context.Context) error {
	env, err := cli.NewWriteEnv(ctx, o.f, o.opts)
	if err != nil {
		return err
	}
	targets, err := env.Resolver.ResolveArgs(ctx, o.args)
	if err != nil {
		return err
	}
	tasks, err := write.NamedTasks(targets, env.Namespace)
	if err != nil {
		return err
	}
	rep := &cli.Reporter{Out: o.f.Streams().Out, ErrOut: o.f.Streams().ErrOut, Output: o.flags.Output, Vanished: cli.TypeGone(env.Resolver)}
	write.RunOrdered(ctx, tasks, o.opts.Concurrency, o.op(env.Writer), rep.Emit)
	return rep.Finish(ctx)
}

// op patches one object, falling back to a merge patch where strategic
// merge is not supported and --type was not given.
func (o *patchOptions) op(w *write.Writer) write.Op {
	return func(ctx context.Context, t write.Task) write.Result {
		r := w.Patch(ctx, t, o.patchType, o.body)
		if o.typeGiven || o.patchType != types.StrategicMergePatchType || !unsupportedMediaType(r.Err) {
			return r
		}
		r = w.Patch(ctx, t, types.MergePatchType, o.body)
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s does not support strategic merge patch (custom resources never do): sent the patch as a JSON merge patch (--type merge)", t.Ref.GVR.GroupResource()))
		return r
	}
}

func unsupportedMediaType(err error) bool {
	var status apierrors.APIStatus
	return errors.As(err, &status) && status.Status().Code == http.StatusUnsupportedMediaType
}

// Factory and WithFactory run the verb once per context of a list (cli.FleetWriter).
func (o *patchOptions) Factory() cli.Factory { return o.f }
func (o *patchOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.f = f
	return &c
}
