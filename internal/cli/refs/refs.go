package refs

import (
	"bufio"
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/refs"
	"github.com/kdxproject/kdx/render"
)

// refsOptions are the flags and inputs of `kdx refs`.
type refsOptions struct {
	f cli.Factory

	output        string
	noHeaders     bool
	allNamespaces bool
	rules         bool
	concurrency   int
	chunkSize     int64

	// Set by Complete.
	args    []string
	printer render.Printer // -o json|jsonl|yaml; nil for the table
}

// refsOutputs are the formats of -o.
var refsOutputs = render.Outputs{"json", "jsonl", "yaml"}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &refsOptions{f: f, concurrency: query.DefaultConcurrency, chunkSize: 500}
	cmd := &cobra.Command{
		Use:   "refs (TYPE/NAME | TYPE NAME) [flags]",
		Short: "Show the objects an object refers to, and the objects that refer to it",
		Long: `Refs prints the links of one object: the objects it uses (the ConfigMaps, Secrets,
claims, ServiceAccount... its fields name; the Pods a selector selects) and the
objects that use it, one line each with the field that makes the link
(spec.template.spec.volumes[2].secret.secretName). A target that does not exist,
or a selector that selects nothing, is marked missing; one that could not be read
is marked unknown.

The links are those Kubernetes defines ('kdx refs --rules' lists them) and those
CRDs make by convention: fields named <kind>Ref with a name (cert-manager's
issuerRef), secretName and configMapName, and <kind>Selector label selectors
(prometheus-operator's serviceMonitorSelector). To find what uses the object, refs
reads, concurrently, every type that can refer to its kind, in its namespace (-A:
in every namespace) and cluster-scoped; a type that cannot be read is reported on
stderr, one line per cause, the rest is printed, and the exit code is 1.`,
		Example: `  # What the Deployment web uses, and what uses it
  kdx refs deployment.apps/demo-web -n demo

  # Who uses the Secret demo-credentials
  kdx refs secret demo-credentials -n demo

  # As JSON
  kdx refs configmap/demo-settings -n demo -o json

  # The links kdx knows
  kdx refs --rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.rules {
				return o.printRules(args)
			}
			return cli.RunE(o)(cmd, args)
		},
		ValidArgsFunction: cli.CompleteObjects(f),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds refs' flags.
func (o *refsOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.output, "output", "o", "", "output format: json, jsonl or yaml (default: a table)")
	fs.BoolVar(&o.noHeaders, "no-headers", false, "print the table without its header")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "look for the objects that use it in every namespace, not only its own")
	fs.BoolVar(&o.rules, "rules", false, "print the links refs knows and exit")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "how many types are read at the same time")
	fs.Int64Var(&o.chunkSize, "chunk-size", o.chunkSize, "objects per list request")
}

// Complete resolves -o.
func (o *refsOptions) Complete(_ *cobra.Command, args []string) error {
	o.args = args
	if o.output == "" {
		return nil
	}
	if err := refsOutputs.Check(o.output); err != nil {
		return err
	}
	var err error
	o.printer, err = render.NewPrinter(o.output, render.Options{})
	return err
}

// Validate checks the arguments.
func (o *refsOptions) Validate() error {
	switch {
	case len(o.args) == 0:
		return errors.New("you must name one object: TYPE/NAME or TYPE NAME (e.g. 'kdx refs secret/web-tls')")
	case len(o.args) > 2:
		return errors.New("refs takes one object: TYPE/NAME or TYPE NAME")
	case o.concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	}
	return nil
}

// printRules is `refs --rules`: the rules table.
func (o *refsOptions) printRules(args []string) error {
	if len(args) > 0 {
		return errors.New("--rules prints the rules: give no TYPE or NAME with it")
	}
	return refs.WriteRules(o.f.Streams().Out)
}

// Run finds the links of the object and prints them.
func (o *refsOptions) Run(ctx context.Context) error {
	if err := o.f.OneContext(); err != nil {
		return err
	}
	cfg, client, err := o.f.ReadClient(true)
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
	if len(targets) != 1 || len(targets[0].Names) != 1 {
		return errors.New("refs takes one object: TYPE/NAME or TYPE NAME")
	}
	kinds := refs.NewKinds(resolver.Snapshot())
	rules := refs.DefaultRules()
	finder := &refs.Finder{Engine: &query.Engine{Lister: client}, Kinds: kinds, Extractor: refs.NewExtractor(rules, kinds),
		Rules: rules, Concurrency: o.concurrency, ChunkSize: o.chunkSize, AllNamespaces: o.allNamespaces}
	rep := query.NewReport("read", "type")
	t := targets[0]
	rows, err := finder.Find(ctx, t.Mapping, cfg.Namespace, t.Names[0], rep)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	if o.printer != nil {
		err = refs.PrintList(out, o.printer, rows)
	} else if len(rows) > 0 {
		err = refs.WriteTable(out, rows, o.noHeaders)
	}
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("failed to write output: %w", ferr)
	}
	if err != nil {
		return err
	}
	if len(rows) == 0 && o.printer == nil {
		fmt.Fprintln(o.f.Streams().ErrOut, "No references found.")
	}
	rep.Write(o.f.Streams().ErrOut)
	return rep.Err()
}
