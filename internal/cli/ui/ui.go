// Package ui is `kdx ui`: the interactive explorer (package ui at the
// repository's root) on the cluster of the command line's context.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/clientconfig"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	explorer "github.com/kdxproject/kdx/ui"
)

// interruptedExitCode is the exit code after SIGINT, SIGTERM or SIGHUP
// ended the explorer (as an interrupted `kdx watch` exits).
const interruptedExitCode = 1

// Options are `kdx ui`'s flags and what they give.
type Options struct {
	f             cli.Factory
	allNamespaces bool
	readOnly      bool
	selector      string
	where         cli.WhereFlags

	cfg  *clientconfig.Config
	opts explorer.Options
	// contexts are those of a fleet (--context a,b, --all-contexts), nil
	// for one context.
	contexts []string
}

// NewCmd is `kdx ui`.
func NewCmd(f cli.Factory) *cobra.Command {
	o := &Options{f: f}
	cmd := &cobra.Command{
		Use:   "ui [TYPE [NAME...]]",
		Short: "Explore every resource interactively: the API surface, live tables, filters",
		Long: `Explore the cluster in the terminal. Home is every resource the server serves,
with its number of objects, as api-resources --count prints it; Enter opens a
type as a live table, its columns those of kdx get, kept current by a watch.
':' opens any type kdx get takes (short names, kind.group, categories such as
all), '/' filters the rows, esc goes back, '?' lists every key, q quits.
ctrl+d deletes the selected object (after a confirmation naming it and its
context), e edits it in $KUBE_EDITOR or $EDITOR as kdx edit does (a change
made meanwhile by someone else is a conflict, never overwritten), s scales
it; --readonly refuses all three. Over several contexts (--context a,b, globs,
--all-contexts) a table has a CONTEXT column first, as kdx get prints it, a
cluster that cannot be reached is a line naming it, and an action writes to
its row's context only; ':ctx' lists the contexts and switches.`,
		Example: `  # Start at the API surface
  kdx ui

  # Open the config maps of every namespace
  kdx ui configmaps -A

  # Only the deployments of more than one replica, labelled app=web
  kdx ui deployments -l app=web --where 'object.spec.replicas > 1'

  # Look, never touch
  kdx ui --readonly

  # One live table of the config maps of every production cluster
  kdx ui configmaps -A --context 'prod-*'`,
		RunE: cli.RunE(o),
	}
	fs := cmd.Flags()
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "show the objects of every namespace, with a NAMESPACE column")
	fs.BoolVar(&o.readOnly, "readonly", false, "refuse every change: no delete, edit or scale (said on the title line)")
	fs.StringVarP(&o.selector, "selector", "l", "", "label selector of every table and count (on the server), e.g. -l app=web")
	o.where.AddFlags(fs, "shown")
	return cmd
}

// Complete reads the configuration of the context, or of a fleet's first
// (home's), and the type to open.
func (o *Options) Complete(_ *cobra.Command, args []string) error {
	names, fleet, err := o.f.Fleet()
	if err != nil {
		return err
	}
	f := o.f
	if fleet {
		o.contexts = names
		f = o.f.ForContext(names[0])
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if err := o.where.Complete(); err != nil {
		return err
	}
	if _, err := labels.Parse(o.selector); err != nil {
		return fmt.Errorf("-l %q is not a label selector: %w", o.selector, err)
	}
	o.cfg = cfg
	o.opts = explorer.Options{Context: cfg.Context, Namespace: cfg.Namespace, AllNamespaces: o.allNamespaces,
		LabelSelector: o.selector, ReadOnly: o.readOnly}
	if len(o.where.Exprs) > 0 {
		o.opts.Where = o.where.Exprs
	}
	if len(args) > 0 {
		o.opts.Open = args
	}
	if cfg.ExplicitNamespace && !o.allNamespaces {
		o.opts.CountNamespace = cfg.Namespace
	}
	return nil
}

// errNoTerminal is the error when input or output is not a terminal.
var errNoTerminal = errors.New("kdx ui needs a terminal: its standard input and output must both be one (use kdx get or kdx watch in scripts)")

// Validate refuses to run without a terminal.
func (o *Options) Validate() error {
	s := o.f.Streams()
	if !isTerminal(s.In) || !isTerminal(s.Out) {
		return errNoTerminal
	}
	return nil
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// connect is the Backend of context name: its cluster, its warnings on
// the status line (naming the context in a fleet).
func (o *Options) connect(app *explorer.App, name string) (explorer.Backend, error) {
	f, warnings := o.f, app.Warnings()
	if o.contexts != nil || name != o.cfg.Context {
		f = o.f.ForContext(name)
	}
	if o.contexts != nil {
		warnings = &contextWarnings{w: warnings, context: name}
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	restCfg := rest.CopyConfig(cfg.REST)
	restCfg.WarningHandler = rest.NewWarningWriter(warnings, rest.WarningWriterOptions{Deduplicate: true})
	ns := cfg.Namespace
	if name != o.cfg.Context {
		ns = o.cfg.Namespace // the views' namespace, every context's
	}
	c := cluster.New(name, restCfg, ns, cluster.Options{CacheDir: o.f.CacheDir(), Warnings: warnings})
	return explorer.NewBackend(c, explorer.Filters{LabelSelector: o.selector,
		Where: func(l query.Lister) *query.Where { return o.where.Request(l, f) },
		AllTypes: func(ctx context.Context, r *discovery.Resolver, allNamespaces bool) ([]discovery.Target, error) {
			return cli.AllTypesFlags{}.Targets(ctx, r, allNamespaces)
		}}), nil
}

// allContexts are every context of the kubeconfig, for :ctx (none when
// the kubeconfig cannot be read again: :ctx then lists those in use).
func (o *Options) allContexts() []explorer.KubeContext {
	all, err := o.f.AllContexts()
	if err != nil {
		return nil
	}
	out := make([]explorer.KubeContext, len(all))
	for i, c := range all {
		out[i] = explorer.KubeContext{Name: c.Name, Cluster: c.Cluster, User: c.User, Namespace: c.Namespace, Current: c.Current}
	}
	return out
}

// contextWarnings are the warnings of one context of a fleet, each line
// naming it (as a fleet command's stderr does).
type contextWarnings struct {
	w       io.Writer
	context string
}

func (c *contextWarnings) Write(p []byte) (int, error) {
	l := &cli.ClusterLog{}
	l.Write(p)
	l.Replay(c.w, c.context)
	return len(p), nil
}

// Run runs the explorer until q, ctrl+c, or a signal (SIGINT, SIGTERM,
// SIGHUP: an SSH disconnect); the terminal is restored in every case.
func (o *Options) Run(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP) // main's context ends at SIGINT and SIGTERM
	defer stop()

	// Nothing may write to the terminal but the explorer: client-go's logs
	// are dropped and warnings go to the status line.
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)

	app := explorer.New(ctx, nil, o.opts)
	inUse := o.contexts
	if inUse == nil {
		inUse = []string{o.cfg.Context}
	}
	if err := app.SetContexts(inUse, o.allContexts(), func(name string) (explorer.Backend, error) { return o.connect(app, name) }); err != nil {
		return err
	}

	s := o.f.Streams()
	p := tea.NewProgram(app, tea.WithContext(ctx), tea.WithInput(s.In), tea.WithOutput(s.Out),
		tea.WithoutSignalHandler()) // main's context ends at SIGINT and SIGTERM
	_, err := p.Run()
	if ctx.Err() != nil {
		return &cliutil.ExitError{Code: interruptedExitCode}
	}
	return err
}
