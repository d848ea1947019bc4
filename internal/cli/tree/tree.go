package tree

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/relate"
	"github.com/kdxproject/kdx/render"
)

// treeOutputs are the -o values of tree: the drawn table, or the nested
// structure.
var treeOutputs = render.Outputs{"", "json", "yaml"}

// treeOptions are the flags and inputs of `kdx tree`.
type treeOptions struct {
	f cli.Factory

	allNamespaces bool
	up            bool
	depth         int
	output        string
	concurrency   int

	// Set by Complete.
	args []string
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &treeOptions{f: f, concurrency: query.DefaultConcurrency}
	cmd := &cobra.Command{
		Use:   "tree (TYPE/NAME | TYPE NAME) [--up] [--depth N] [-o json|yaml]",
		Short: "Show the objects an object owns, or its owners, as a tree",
		Long: `Show what an object owns through ownerReferences, as a tree: its descendants
of every listable type (CRDs and aggregated APIs included), found with
metadata-only lists of every type at once, then READY and REASON from each
shown object's Ready or Available condition.

--up shows the object's owners instead, up to the roots: the object is the
first line and each line's children are its owners.

Marks: [cycle] an object already on the path (not walked again), [missing]
an ownerReference to an owner that does not exist, [unknown] an owner of a
type you may not list (with one warning, exit code 1). Types that could not be
listed for another cause are reported at the end, one line per cause, exit code 1.

A namespaced object's descendants are in its namespace; a cluster-scoped
object's namespaced descendants are looked for in the namespace (-n, or the
current one), or in every namespace with -A.`,
		Example: `  # What a Deployment owns: its ReplicaSets and their Pods
  kdx tree deployment/web

  # Only the first level below it, as YAML
  kdx tree deployment web --depth 1 -o yaml

  # The owners of an object, up to the roots (the object on the first line)
  kdx tree deployment/web --up

  # What a cluster-scoped object owns in every namespace, as JSON
  kdx tree widgetclass/premium -A -o json`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("output", func(_ *cobra.Command, _ []string, s string) ([]string, cobra.ShellCompDirective) {
		return treeOutputs.Complete(s), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// AddFlags adds tree's flags.
func (o *treeOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", o.allNamespaces, "for a cluster-scoped object, look for its namespaced descendants in every namespace")
	fs.BoolVar(&o.up, "up", o.up, "show the object's owners, up to the roots, instead of what it owns")
	fs.IntVar(&o.depth, "depth", o.depth, "show this many levels below (or, with --up, above) the object; 0 for all")
	fs.StringVarP(&o.output, "output", "o", o.output, treeOutputs.Usage("output format (default: the drawn tree)"))
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "how many types (then objects) are read at the same time")
}

// Complete keeps the arguments.
func (o *treeOptions) Complete(_ *cobra.Command, args []string) error {
	o.args = args
	return nil
}

// Validate checks the flags.
func (o *treeOptions) Validate() error {
	if len(o.args) == 0 || len(o.args) > 2 {
		return errors.New("you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')")
	}
	if o.depth < 0 {
		return fmt.Errorf("--depth must be 0 or more, not %d", o.depth)
	}
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	}
	return treeOutputs.Check(o.output)
}

// Run reads the graph, walks it and prints the tree.
func (o *treeOptions) Run(ctx context.Context) error {
	cfg, client, err := o.f.ReadClient(true)
	if err != nil {
		return err
	}
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return err
	}
	r := &treeRun{o: o, client: client, resolver: resolver, namespace: cfg.Namespace}
	tree, err := r.tree(ctx)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	if err := o.print(out, tree); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	return r.finish()
}

// print writes the tree in the output format.
func (o *treeOptions) print(w *bufio.Writer, tree *relate.Node) error {
	key := "children"
	if o.up {
		key = "owners"
	}
	switch o.output {
	case "json":
		b, err := json.MarshalIndent(relate.Nested(tree, key), "", "    ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "yaml":
		b, err := render.MarshalYAML(relate.Nested(tree, key))
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	return relate.WriteTable(w, tree, time.Now())
}
