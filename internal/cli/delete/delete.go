package delete

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/manifest"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// deleteOptions are the flags and inputs of `kdx delete`.
type deleteOptions struct {
	cli.FileWrite
	labelSelector  string
	fieldSelector  string
	all            bool
	allNamespaces  bool
	cascade        string
	gracePeriod    int
	now            bool
	force          bool
	ignoreNotFound bool
	wait           bool
	timeout        time.Duration
	yes            bool // confirms a delete by selector over several contexts
	where          cli.WhereFlags

	// Set by Complete.
	args []string
	del  write.DeleteOptions
}

// newDeleteOptions returns the defaults of `kdx delete`, kubectl's.
func newDeleteOptions(f cli.Factory) *deleteOptions {
	return &deleteOptions{FileWrite: cli.FileWrite{F: f}, cascade: "background", gracePeriod: -1, wait: true}
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := newDeleteOptions(f)
	cmd := &cobra.Command{
		Use:   "delete (-f FILENAME | TYPE [NAME...] | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all)",
		Short: "Delete objects by file, name, label selector or all of a type",
		Long: `Delete objects. With -l or --all, kdx lists the names first and deletes each
object on its own, concurrently, printing a line per object (a delete of the
collection reports nothing and needs an RBAC verb few users have). With --wait
(the default), kdx returns once objects held by finalizers or a grace period are gone.`,
		Example: `  # Delete the objects of a file (other objects first, CRDs and namespaces last)
  kdx delete -f app.yaml

  # Delete by name, and by label in every namespace
  kdx delete configmap a b
  kdx delete gadgets -l team=blue -A

  # Delete every gadget of the namespace, without waiting
  kdx delete gadgets --all --wait=false`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds delete's flags.
func (o *deleteOptions) AddFlags(fs *pflag.FlagSet) {
	o.Files.AddFlags(fs, "delete")
	fs.StringVar(&o.Flags.DryRun, "dry-run", "none", `"server" checks the deletes with the server without deleting; "none" deletes`)
	fs.Lookup("dry-run").NoOptDefVal = "server"
	fs.StringVarP(&o.Flags.Output, "output", "o", "", deleteOutputs.Usage("output format"))
	fs.StringVarP(&o.labelSelector, "selector", "l", "", "delete the objects matching this label selector")
	fs.StringVar(&o.fieldSelector, "field-selector", "", "delete the objects matching this field selector")
	o.where.AddFlags(fs, "deleted (listed first, as with -l)")
	fs.BoolVar(&o.all, "all", false, "delete every object of the types given, in the namespace")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "with -l or --all, in every namespace")
	fs.StringVar(&o.cascade, "cascade", o.cascade, "dependents: background, foreground (wait for them) or orphan (keep them)")
	fs.IntVar(&o.gracePeriod, "grace-period", o.gracePeriod, "seconds given to the object to terminate; -1 for its default; 0 deletes at once only with --force, and is taken as 1 without it (as kubectl does)")
	fs.BoolVar(&o.now, "now", false, "terminate at once (--grace-period=1)")
	fs.BoolVar(&o.force, "force", false, "with --grace-period=0, delete at once without waiting for termination")
	fs.BoolVar(&o.ignoreNotFound, "ignore-not-found", false, "a missing object is not an error")
	fs.BoolVar(&o.wait, "wait", o.wait, "wait until objects held by finalizers or a grace period are gone")
	fs.BoolVar(&o.yes, "yes", o.yes, "with several contexts (--context a,b), confirm a delete by -l, --field-selector or --all")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up after this long (0: no limit)")
	cli.AddConcurrencyFlag(fs, &o.Flags.Concurrency)
}

// Complete reads -f and turns the flags into options.
func (o *deleteOptions) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	if err := o.where.Complete(); err != nil {
		return err
	}
	dryRun, err := cli.ParseDryRun(o.Flags.DryRun)
	if err != nil {
		return err
	}
	if err := cli.CheckConcurrency(o.Flags.Concurrency); err != nil {
		return err
	}
	o.Opts = write.Options{DryRun: dryRun, Concurrency: o.Flags.Concurrency}
	if o.del, err = o.deleteOptions(); err != nil {
		return err
	}
	if len(o.Files.Filenames) > 0 {
		o.Objs, err = o.Files.Read(cmd.Context(), o.F.Streams().In, o.F.Streams().ErrOut, "delete", manifest.DuplicatesIgnore)
	}
	return err
}

// deleteOptions applies kubectl's rules to --cascade, --grace-period, --now and --force.
func (o *deleteOptions) deleteOptions() (write.DeleteOptions, error) {
	d := write.DeleteOptions{IgnoreNotFound: o.ignoreNotFound, Wait: o.wait}
	switch strings.ToLower(o.cascade) {
	case "background", "true":
		d.Propagation = metav1.DeletePropagationBackground
	case "foreground":
		d.Propagation = metav1.DeletePropagationForeground
	case "orphan", "false":
		d.Propagation = metav1.DeletePropagationOrphan
	default:
		return d, fmt.Errorf(`--cascade must be background, foreground or orphan, not %q`, o.cascade)
	}
	grace := o.gracePeriod
	switch {
	case o.now && grace >= 0:
		return d, errors.New("--now and --grace-period cannot both be given")
	case o.now:
		grace = 1
	case o.force && grace < 0:
		grace = 0
	case o.force && grace > 0:
		return d, errors.New("--force and --grace-period greater than 0 cannot be specified together")
	case grace == 0 && !o.force:
		grace = 1 // as kubectl: immediate deletion needs --force
	}
	if grace >= 0 {
		g := int64(grace)
		d.GracePeriod = &g
	}
	return d, nil
}

// deleteOutputs are the -o values of delete.
var deleteOutputs = render.Outputs{"", "name"}

// Validate checks that the objects are named one way only.
func (o *deleteOptions) Validate() error {
	bySelector := o.bySelector()
	switch {
	case deleteOutputs.Check(o.Flags.Output) != nil:
		return deleteOutputs.Check(o.Flags.Output)
	case len(o.Files.Filenames) > 0 && len(o.args) > 0:
		return errors.New("give either -f or resource arguments, not both")
	case len(o.Files.Filenames) == 0 && len(o.args) == 0:
		return errors.New("you must provide one or more resources by argument or filename (-f)")
	case o.all && (o.labelSelector != "" || o.fieldSelector != "" || o.where.On()):
		return errors.New("--all and a selector (-l, --field-selector, --where) cannot both be given")
	case o.allNamespaces && !bySelector:
		return errors.New("--all-namespaces (-A) needs -l, --field-selector, --where or --all")
	case len(o.Files.Filenames) > 0 && bySelector:
		return errors.New("-l, --field-selector, --where and --all select objects by type: they do not go with -f")
	}
	return nil
}

// Run deletes the objects.
func (o *deleteOptions) Run(ctx context.Context) error {
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	op := func(w *write.Writer) write.Op {
		return func(ctx context.Context, t write.Task) write.Result { return w.Delete(ctx, t, o.del) }
	}
	switch {
	case o.force && o.del.GracePeriod != nil && *o.del.GracePeriod == 0:
		fmt.Fprintln(o.F.Streams().ErrOut, "Warning: "+immediateDeletion)
	case o.gracePeriod == 0 && !o.force:
		fmt.Fprintln(o.F.Streams().ErrOut, "Warning: "+gracePeriodRaised)
	}
	if len(o.Objs) > 0 {
		return o.RunFiles(ctx, "delete", op, true)
	}
	return o.runArgs(ctx, op)
}

// runArgs deletes the objects named by arguments and selectors.
func (o *deleteOptions) runArgs(ctx context.Context, op func(*write.Writer) write.Op) error {
	env, err := cli.NewWriteEnv(ctx, o.F, o.Opts)
	if err != nil {
		return err
	}
	targets, err := env.Resolver.ResolveArgs(ctx, o.args)
	if err != nil {
		return err
	}
	listed := query.NewReport("list", "type")
	listed.Itemize = true
	tasks, err := o.tasks(ctx, env, targets, listed)
	o.where.Warn(o.F.Streams().ErrOut)
	if err != nil {
		return err
	}
	if len(tasks) == 0 && listed.Len() == 0 {
		fmt.Fprintln(o.F.Streams().ErrOut, "No resources found")
		return nil
	}
	rep := &cli.Reporter{Out: o.F.Streams().Out, ErrOut: o.F.Streams().ErrOut, Output: o.Flags.Output, Vanished: cli.TypeGone(env.Resolver)}
	write.RunOrdered(ctx, tasks, o.Opts.Concurrency, op(env.Writer), rep.Emit)
	err = rep.Finish(ctx)
	listed.Write(o.F.Streams().ErrOut)
	if lerr := listed.Err(); err == nil {
		err = lerr
	}
	return err
}

// tasks lists the objects of each target: its names, or the objects the
// selector or --all matches, read by the engine as metadata only; the types
// that could not be listed go to listed, and the others are deleted.
func (o *deleteOptions) tasks(ctx context.Context, env *cli.WriteEnv, targets []discovery.Target, listed *query.Report) ([]write.Task, error) {
	if !o.bySelector() {
		return write.NamedTasks(targets, env.Namespace)
	}
	for _, t := range targets {
		if len(t.Names) > 0 {
			return nil, errors.New("names cannot be given together with -l, --field-selector, --where or --all")
		}
	}
	cfg, err := o.F.Config()
	if err != nil {
		return nil, err
	}
	lister, err := dynamicclient.New(cfg.REST, dynamicclient.WithWarnings(o.F.Streams().ErrOut))
	if err != nil {
		return nil, err
	}
	req := query.Request{
		Targets: targets, LabelSelector: o.labelSelector, FieldSelector: o.fieldSelector,
		ChunkSize: deleteListChunk, Read: query.Metadata, Concurrency: 1,
		Where:    o.where.Request(lister, o.F),
		Vanished: cli.Vanished(env.Resolver), ReportVanished: true,
	}
	if !o.allNamespaces {
		req.Namespace = env.Namespace
	}
	return write.SelectedTasks(ctx, &query.Engine{Lister: lister}, req, listed)
}

// immediateDeletion is kubectl's warning for --force --grace-period=0.
const immediateDeletion = "Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely."

// gracePeriodRaised says what kdx, like kubectl (which says nothing), does
// with --grace-period=0 without --force.
const gracePeriodRaised = "--grace-period=0 without --force is taken as --grace-period=1, as kubectl does: add --force to delete at once without waiting for termination"

// deleteListChunk is the page size of the lists of delete -l and --all.
const deleteListChunk = 500

// bySelector reports whether the objects to delete are listed by type:
// -l, --field-selector, --where or --all.
func (o *deleteOptions) bySelector() bool {
	return o.labelSelector != "" || o.fieldSelector != "" || o.where.On() || o.all
}

// Factory and WithFactory run the verb once per context of a list (cli.FleetWriter).
func (o *deleteOptions) Factory() cli.Factory { return o.F }
func (o *deleteOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}

// ConfirmFleet: deleting by selector or --all over several contexts is
// done only with --yes.
func (o *deleteOptions) ConfirmFleet() error {
	if o.bySelector() && !o.yes {
		return errors.New("delete by -l, --field-selector, --where or --all over several contexts needs --yes")
	}
	return nil
}
