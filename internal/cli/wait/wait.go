// Package wait is `kdx wait`: wait until objects meet a condition, on one
// cluster or a fleet, through the engine of package wait.
package wait

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/filter"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
	kwait "github.com/kdxproject/kdx/wait"
)

// week is how long a negative --timeout waits, as kubectl's.
const week = 168 * time.Hour

// onceLimit bounds --timeout=0, which checks once: a server that does not
// answer the first list is not waited on for ever.
const onceLimit = 30 * time.Second

// options are the flags and inputs of `kdx wait`.
type options struct {
	f             cli.Factory
	fors          []string
	timeout       time.Duration
	labelSelector string
	fieldSelector string
	all           bool
	allNamespaces bool
	output        string

	// Set by Complete.
	args []string
	cond *kwait.Condition
	// reach resolves the arguments on one cluster and gives its watcher
	// (the unit tests give fakes).
	reach func(ctx context.Context, f cli.Factory, args []string, allNamespaces bool) (*clusterWait, error)
}

// clusterWait is what one cluster waits on, and through what.
type clusterWait struct {
	targets   []discovery.Target
	namespace string
	watcher   kwait.Watcher
	// lister reads the CRDs' schemas, to check a CEL --for against them
	// before waiting, as --where is (nil: no check).
	lister query.Lister
}

// NewCmd is `kdx wait`.
func NewCmd(f cli.Factory) *cobra.Command { return newCmd(f, reachCluster) }

// newCmd is `kdx wait` reaching each cluster with reach.
func newCmd(f cli.Factory, reach func(context.Context, cli.Factory, []string, bool) (*clusterWait, error)) *cobra.Command {
	o := &options{f: f, timeout: 30 * time.Second, reach: reach}
	cmd := &cobra.Command{
		Use:   "wait (TYPE/NAME... | TYPE NAME... | TYPE -l SELECTOR | TYPE --all) --for CONDITION",
		Short: "Wait until objects meet a condition: kubectl's forms, or a CEL expression",
		Long: `Wait until every object named, or selected, meets a condition, watching the
server (no polling; a dropped connection or a restarted API server resumes the
watch). A line is printed as each object meets it; when --timeout ends the
wait, every object still waited on is named, with what was seen of it.

--for takes kubectl's forms: create, delete, condition=NAME[=VALUE] (VALUE
true by default, compared ignoring case), jsonpath='{PATH}'[=VALUE]; or a CEL
expression over the object, bound as 'object', compiled before any request as
--where is. Several --for must all hold.

With several contexts (--context a,b, a glob or --all-contexts), every
matching object of every context is waited on at the same time; each line
names its context, and a context that fails is named and makes the exit code 1.`,
		Example: `  # Wait for a CRD to be established, as kubectl does
  kdx wait crd/gadgets.multi.example.org --for condition=Established

  # Wait for a ConfigMap to be created and hold a key, and for another to be gone
  kdx wait configmap/demo-settings --for create --for jsonpath='{.data.greeting}'=hello
  kdx wait configmap/old-settings --for delete --timeout 2m

  # Wait for an expression over several fields of every gadget labelled app=kdx-demo
  kdx wait gadgets -l app=kdx-demo --for 'object.spec.size >= 1 && object.spec.widgetClass != ""'

  # The same in two clusters at once, each line naming its context
  kdx wait gadgets --all --for 'has(object.spec.color)' --context staging,other`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("for", cobra.FixedCompletions([]string{"create", "delete", "condition=", "jsonpath="},
		cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"name"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// AddFlags adds wait's flags.
func (o *options) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.fors, "for", nil, `the condition: create, delete, condition=NAME[=VALUE], jsonpath='{PATH}'[=VALUE], or a CEL expression over object, e.g. 'object.status.phase == "Running"' (repeatable, all must hold)`)
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "how long to wait; 0 checks once and does not wait, a negative value waits a week")
	fs.StringVarP(&o.labelSelector, "selector", "l", "", "wait on the objects matching this label selector")
	fs.StringVar(&o.fieldSelector, "field-selector", "", "wait on the objects matching this field selector")
	fs.BoolVar(&o.all, "all", false, "wait on every object of the types given, in the namespace")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "with -l, --field-selector or --all, in every namespace")
	fs.StringVarP(&o.output, "output", "o", "", outputs.Usage("what is printed of each object that meets the condition"))
}

// outputs are the -o values of wait: "" is kubectl's "condition met" line.
var outputs = render.Outputs{"", "name"}

// Complete compiles the condition, before any request.
func (o *options) Complete(_ *cobra.Command, args []string) error {
	o.args = args
	var err error
	o.cond, err = kwait.Parse(o.fors, time.Now())
	return err
}

// Validate checks what is waited on, as kubectl does.
func (o *options) Validate() error {
	if err := outputs.Check(o.output); err != nil {
		return err
	}
	if len(o.args) == 0 {
		return errors.New("you must name what to wait on: TYPE/NAME, TYPE NAME..., or TYPE with -l SELECTOR, --field-selector or --all")
	}
	selected := o.all || o.labelSelector != "" || o.fieldSelector != ""
	switch named := len(o.args) > 1 || strings.Contains(o.args[0], "/"); {
	case named && selected:
		return errors.New("names cannot be given with -l, --field-selector or --all: wait on TYPE/NAME, or on TYPE -l SELECTOR")
	case named && o.allNamespaces:
		return errors.New("-A waits on the objects of -l, --field-selector or --all in every namespace, not on names: use -n NAMESPACE")
	case !named && !selected:
		return errors.New("resource(s) were provided, but no name was specified: name objects (TYPE/NAME), or select them with -l, --field-selector or --all")
	}
	return nil
}

// Run waits on the cluster, or on every cluster of the fleet.
func (o *options) Run(ctx context.Context) error {
	contexts, fleet, err := o.f.Fleet()
	if err != nil {
		return err
	}
	if fleet {
		return o.runFleet(ctx, contexts)
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	streams := o.f.Streams()
	res, err := o.waitOn(ctx, o.f, streams.Out, streams.ErrOut)
	if err != nil {
		return err
	}
	lines, ok := o.report(ctx, res)
	for _, l := range lines {
		fmt.Fprintf(streams.ErrOut, "error: %s\n", l)
	}
	if !ok {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// once reports whether the objects are checked once (--timeout=0).
func (o *options) once() bool { return o.timeout == 0 }

// withTimeout is ctx ending with --timeout (a week when negative; for 0,
// which checks once, when the first list has not come in onceLimit).
func (o *options) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	switch {
	case o.once():
		return context.WithTimeout(ctx, onceLimit)
	case o.timeout < 0:
		return context.WithTimeout(ctx, week)
	}
	return context.WithTimeout(ctx, o.timeout)
}

// waitOn resolves the arguments on the cluster of f and waits there,
// writing a line to out as each object meets the condition, and the
// watch's warnings to errOut.
func (o *options) waitOn(ctx context.Context, f cli.Factory, out, errOut io.Writer) (*kwait.Result, error) {
	cw, err := o.reach(ctx, f, o.args, o.allNamespaces)
	if err != nil {
		return nil, err
	}
	if err := o.checkTypes(ctx, cw); err != nil {
		return nil, err
	}
	req := kwait.Request{Targets: cw.targets, Namespace: cw.namespace, LabelSelector: o.labelSelector, FieldSelector: o.fieldSelector,
		Condition: o.cond, Once: o.once(), Out: out, Print: o.namePrinter(f, out), Notify: func(n dynamicclient.Notice) {
			if n.Kind != dynamicclient.NoticeStopped { // a stopped watch is its objects' failure
				fmt.Fprintf(errOut, "Warning: %s\n", n)
			}
		}}
	res, err := kwait.Run(ctx, cw.watcher, req)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, ctx.Err() // interrupted
	}
	return res, nil
}

// checkTypes checks each CEL --for against the schemas of the custom
// types waited on, as --where is: a comparison that can never hold
// (object.spec.size > "3" for an integer) is an error before the wait.
func (o *options) checkTypes(ctx context.Context, cw *clusterWait) error {
	if cw.lister == nil {
		return nil
	}
	for _, flt := range o.cond.Filters() {
		err := (&query.Where{Filter: flt, Schemas: query.CRDSchemas(cw.lister)}).Check(ctx, cw.targets)
		var ce *filter.CompileError
		if errors.As(err, &ce) {
			ce.Flag = "--for"
			return ce
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// namePrinter prints kind/name lines with -o name (of a fleet, as get -o
// name prints them: "kind/name -n NS --context=CTX", out then being
// stdout itself); nil for the "condition met" lines.
func (o *options) namePrinter(f cli.Factory, out io.Writer) func(*unstructured.Unstructured) error {
	if o.output != "name" {
		return nil
	}
	p := &render.NamePrinter{}
	if pw, fleet := out.(*cli.PrefixWriter); fleet {
		p.Context = f.ContextName()
		out = pw.Unprefixed()
	}
	return func(obj *unstructured.Unstructured) error { return p.PrintObj(obj, out) }
}

// report is what a wait came to: its error lines (without "error: "),
// and whether everything asked was met.
func (o *options) report(ctx context.Context, res *kwait.Result) ([]string, bool) {
	var lines []string
	for _, f := range res.Failures {
		msg := cliutil.Message(f.Err)
		if !strings.Contains(msg, f.Name) {
			msg = f.String() + ": " + msg
		}
		lines = append(lines, cli.OneLine(msg))
	}
	if res.NoMatch && !o.cond.Delete {
		lines = append(lines, kwait.ErrNoMatch.Error())
	}
	for _, l := range kwait.TimeoutLines(res.Pending, o.allNamespaces) {
		if ctx.Err() == nil {
			// the watch ended (every type's watch stopped), not the time
			l = "stopped" + strings.TrimPrefix(l, "timed out")
		}
		lines = append(lines, l)
	}
	return lines, res.OK(o.cond)
}

// runFleet waits on every context at the same time (a wait holds its
// cluster until the end: a bound would leave the last ones unwatched),
// each line of stdout prefixed with "CONTEXT: ", each warning naming its
// context; what each context came to is written in context order once it
// and those before it are done.
func (o *options) runFleet(ctx context.Context, contexts []string) error {
	// the runner stops at its context's end: the timeout is each wait's
	waitCtx, cancel := o.withTimeout(ctx)
	defer cancel()
	streams := o.f.Streams()
	var mu sync.Mutex // stdout and stderr lines of every cluster
	failed := false
	type result struct {
		res *kwait.Result
		err error
	}
	err := query.Ordered(ctx, len(contexts), len(contexts), func(_ context.Context, i int) result {
		name := contexts[i]
		out := cli.NewPrefixWriter(streams.Out, name+": ", &mu)
		errOut := &liveLog{w: streams.ErrOut, context: name, mu: &mu}
		f := o.f.ForContext(name).WithStreams(genericiooptions.IOStreams{In: streams.In, Out: out, ErrOut: errOut})
		res, err := o.waitOn(waitCtx, f, out, errOut)
		out.Flush()
		return result{res, err}
	}, func(i int, r result) error {
		mu.Lock()
		defer mu.Unlock()
		if r.err != nil {
			failed = true
			cli.ContextError(streams.ErrOut, contexts[i], cliutil.Message(r.err))
			return nil
		}
		lines, ok := o.report(waitCtx, r.res)
		for _, l := range lines {
			cli.ContextError(streams.ErrOut, contexts[i], l)
		}
		failed = failed || !ok
		return nil
	})
	if err != nil {
		return err
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// reachCluster resolves args on the cluster of f, and gives its dynamic
// client to watch them.
func reachCluster(ctx context.Context, f cli.Factory, args []string, allNamespaces bool) (*clusterWait, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	r, err := f.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := r.ResolveArgs(ctx, args)
	if err != nil {
		return nil, err
	}
	c, err := f.Cluster()
	if err != nil {
		return nil, err
	}
	client, err := c.Client()
	if err != nil {
		return nil, err
	}
	ns := cfg.Namespace
	if allNamespaces {
		ns = ""
	}
	return &clusterWait{targets: targets, namespace: ns, watcher: client, lister: client}, nil
}

// liveLog writes a cluster's warnings as they come, each line naming the
// context (`Warning: context "a": ...`), as cli.ClusterLog words them.
type liveLog struct {
	w       io.Writer
	context string
	mu      *sync.Mutex
	log     cli.ClusterLog
}

func (l *liveLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.log.Write(p)
	if b := l.log.Bytes(); len(b) > 0 && b[len(b)-1] == '\n' {
		l.log.Replay(l.w, l.context)
	}
	return n, err
}
