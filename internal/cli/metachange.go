package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/manifest"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/write"
)

// MetaOptions are the flags and inputs of kdx label and kdx annotate,
// which change one map of metadata with kubectl's syntax: KEY=VALUE sets,
// KEY- removes. The two commands share this type and differ in the field.
type MetaOptions struct {
	f               Factory
	field           write.MetaField
	flags           WriteFlags
	overwrite       bool
	list            bool
	all             bool
	allNamespaces   bool
	labelSelector   string
	fieldSelector   string
	resourceVersion string
	where           WhereFlags
	files           FileFlags

	// Set by Complete.
	resources []string
	change    write.MetaChange
	opts      write.Options
	objs      []manifest.Object // read from -f
}

// NewMetaOptions are the options of kdx label (field write.Labels) or kdx
// annotate (write.Annotations).
func NewMetaOptions(f Factory, field write.MetaField) *MetaOptions {
	return &MetaOptions{f: f, field: field, change: write.MetaChange{Field: field}}
}

// AddFlags adds the flags of label or annotate (the field says which).
func (o *MetaOptions) AddFlags(fs *pflag.FlagSet) {
	o.flags.AddFlags(fs, "kdx-"+o.change.Verb())
	o.files.AddFlags(fs, o.change.Verb())
	what := string(o.field)
	fs.BoolVar(&o.overwrite, "overwrite", false, "change "+what+" that have another value (without it, such a change is refused)")
	fs.BoolVar(&o.list, "list", false, "print the "+what+" of the objects (KEY=VALUE lines) and change nothing")
	fs.BoolVar(&o.all, "all", false, "every object of the types given, in the namespace")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "with -l, --field-selector, --where or --all, in every namespace")
	fs.StringVarP(&o.labelSelector, "selector", "l", "", "the objects matching this label selector")
	fs.StringVar(&o.fieldSelector, "field-selector", "", "the objects matching this field selector")
	fs.StringVar(&o.resourceVersion, "resource-version", "", "change the object only if it is at this resourceVersion (one object only)")
	verbed := write.ActionAnnotated
	if o.field == write.Labels {
		verbed = write.ActionLabeled
	}
	o.where.AddFlags(fs, verbed+" (listed first, as with -l)")
}

// Complete splits the arguments into resources and changes and turns the
// flags into options.
func (o *MetaOptions) Complete(cmd *cobra.Command, args []string) error {
	resources, pairs, err := write.SplitPairs(args, o.field)
	if err != nil {
		return err
	}
	o.resources = resources
	if o.change, err = write.ParseMetaChange(o.field, pairs); err != nil {
		return err
	}
	o.change.Overwrite, o.change.ResourceVersion, o.change.List = o.overwrite, o.resourceVersion, o.list
	if o.list && cmd.Flags().Changed("output") {
		return errors.New("--list and --output may not be specified together")
	}
	if o.opts, err = o.flags.Options(); err != nil {
		return err
	}
	if err := o.where.Complete(); err != nil {
		return err
	}
	if len(o.files.Filenames) > 0 {
		o.objs, err = o.files.Read(cmd.Context(), o.f.Streams().In, o.f.Streams().ErrOut, o.change.Verb(), manifest.DuplicatesIgnore)
	}
	return err
}

// Validate checks that objects and changes are given, as kubectl does.
func (o *MetaOptions) Validate() error {
	switch {
	case o.all && o.labelSelector != "":
		return errors.New("cannot set --all and --selector at the same time")
	case o.all && o.fieldSelector != "":
		return errors.New("cannot set --all and --field-selector at the same time")
	case o.all && o.where.On():
		return errors.New("cannot set --all and --where at the same time")
	case len(o.files.Filenames) > 0 && len(o.resources) > 0:
		return errors.New("give either -f or resource arguments, not both")
	case len(o.files.Filenames) > 0 && o.bySelector():
		return errors.New("-l, --field-selector, --where and --all select objects by type: they do not go with -f")
	case len(o.resources) == 0 && len(o.files.Filenames) == 0:
		return errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>")
	case o.list && !o.change.Empty():
		return fmt.Errorf("--list prints the %s and changes nothing: give it no KEY=VALUE or KEY-", o.field)
	case o.change.Empty() && !o.list:
		return fmt.Errorf("at least one %s update is required", o.field.Singular())
	case o.allNamespaces && !o.bySelector():
		return errors.New("--all-namespaces (-A) needs -l, --field-selector, --where or --all")
	}
	return nil
}

// bySelector says that the objects are listed by type: -l,
// --field-selector, --where or --all.
func (o *MetaOptions) bySelector() bool {
	return o.labelSelector != "" || o.fieldSelector != "" || o.where.On() || o.all
}

// Run changes every object named, selected or read from -f, in order,
// concurrently.
func (o *MetaOptions) Run(ctx context.Context) error {
	env, err := NewWriteEnv(ctx, o.f, o.opts)
	if err != nil {
		return err
	}
	op := func(ctx context.Context, t write.Task) write.Result { return env.Writer.Meta(ctx, t, o.change) }
	if len(o.objs) > 0 {
		// One object read, as kubectl's rule.
		one := len(o.objs) == 1
		if o.resourceVersion != "" && !one {
			return errors.New("--resource-version may only be used with a single resource")
		}
		b := env.Batch(ctx, o.change.Verb())
		b.AllowRedacted = true // names only are read
		b.Warn = func(msg string) { fmt.Fprintf(o.f.Streams().ErrOut, "Warning: %s\n", msg) }
		rep := &Reporter{Out: o.f.Streams().Out, ErrOut: o.f.Streams().ErrOut, Output: o.flags.Output, Vanished: TypeGone(env.Resolver), FromFiles: true}
		b.Run(ctx, o.objs, op, o.emit(rep, one))
		return rep.Finish(ctx)
	}
	targets, err := env.Resolver.ResolveArgs(ctx, o.resources)
	if err != nil {
		return err
	}
	listed := query.NewReport("list", "type")
	listed.Itemize = true
	var tasks []write.Task
	if o.bySelector() {
		tasks, err = o.selected(ctx, env, targets, listed)
		o.where.Warn(o.f.Streams().ErrOut)
	} else {
		tasks, err = write.NamedTasks(targets, env.Namespace)
	}
	if err != nil {
		return err
	}
	// One object named, as kubectl's rule (a selector that matches one
	// object is not one object).
	one := !o.bySelector() && len(tasks) == 1
	if o.resourceVersion != "" && !one {
		return errors.New("--resource-version may only be used with a single resource")
	}
	if len(tasks) == 0 && listed.Len() == 0 {
		fmt.Fprintln(o.f.Streams().ErrOut, "No resources found")
		return nil
	}
	rep := &Reporter{Out: o.f.Streams().Out, ErrOut: o.f.Streams().ErrOut, Output: o.flags.Output, Vanished: TypeGone(env.Resolver)}
	write.RunOrdered(ctx, tasks, o.opts.Concurrency, op, o.emit(rep, one))
	err = rep.Finish(ctx)
	listed.Write(o.f.Streams().ErrOut)
	if lerr := listed.Err(); err == nil {
		err = lerr
	}
	return err
}

// emit prints one result: the keys with --list, else kubectl's lines
// (`label "KEY" not found.` before the line of a label change).
func (o *MetaOptions) emit(rep *Reporter, one bool) func(write.Result) {
	return func(r write.Result) {
		switch {
		case r.Err != nil:
		case o.list:
			o.printList(r, one)
			return
		case o.flags.Output == "" || o.flags.Output == "name":
			for _, k := range r.Missing {
				fmt.Fprintf(o.f.Streams().Out, "label %q not found.\n", k)
			}
		}
		rep.Emit(r)
	}
}

// printList prints the keys of one object as kubectl's --list does: bare
// KEY=VALUE lines for one object named, else a heading per object and the
// lines indented (kubectl's heading is Kind.group/name, "ConfigMap./a" in
// the core group); kdx sorts the keys.
func (o *MetaOptions) printList(r write.Result, one bool) {
	indent := ""
	if !one {
		indent = " "
		gvk := r.Task.Ref.GVK
		fmt.Fprintf(o.f.Streams().Out, "Listing %s for %s.%s/%s:\n", o.field, gvk.Kind, gvk.Group, r.Task.Ref.Name)
	}
	for _, l := range write.MetaOf(r.Object, o.field) {
		fmt.Fprintln(o.f.Streams().Out, indent+l)
	}
}

// selected lists the objects of the targets that -l, --field-selector,
// --where or --all select.
func (o *MetaOptions) selected(ctx context.Context, env *WriteEnv, targets []discovery.Target, listed *query.Report) ([]write.Task, error) {
	for _, t := range targets {
		if len(t.Names) > 0 {
			return nil, errors.New("names cannot be given together with -l, --field-selector, --where or --all")
		}
	}
	cfg, err := o.f.Config()
	if err != nil {
		return nil, err
	}
	lister, err := dynamicclient.New(cfg.REST, dynamicclient.WithWarnings(o.f.Streams().ErrOut))
	if err != nil {
		return nil, err
	}
	req := query.Request{
		Targets: targets, LabelSelector: o.labelSelector, FieldSelector: o.fieldSelector,
		ChunkSize: metaListChunk, Read: query.Metadata, Concurrency: 1,
		Where:    o.where.Request(lister),
		Vanished: Vanished(env.Resolver), ReportVanished: true,
	}
	if !o.allNamespaces {
		req.Namespace = env.Namespace
	}
	return write.SelectedTasks(ctx, &query.Engine{Lister: lister}, req, listed)
}

// metaListChunk is the page size of the lists of -l and --all.
const metaListChunk = 500

// Factory and WithFactory run the verb once per context of a list (FleetWriter).
func (o *MetaOptions) Factory() Factory { return o.f }
func (o *MetaOptions) WithFactory(f Factory) Runner {
	c := *o
	c.f = f
	return &c
}
