package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/manifest"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// fileFlags are -f and -R of the write verbs.
type fileFlags struct {
	filenames     []string
	recursive     bool
	allowRedacted bool
}

func (ff *fileFlags) addFlags(fs *pflag.FlagSet, what string) {
	fs.StringSliceVarP(&ff.filenames, "filename", "f", nil, "file, directory or - (stdin) with the objects to "+what+"; repeatable")
	fs.BoolVarP(&ff.recursive, "recursive", "R", false, "read directories given with -f recursively")
}

// addAllowRedacted adds --allow-redacted, which writes the Secrets
// export --redact-secrets redacted as they are (the verbs refuse them).
func (ff *fileFlags) addAllowRedacted(fs *pflag.FlagSet, verb string) {
	fs.BoolVar(&ff.allowRedacted, "allow-redacted", false, verb+" the Secrets that hold the REDACTED values of kdx export --redact-secrets as they are, instead of refusing them")
}

// read decodes the objects of the -f inputs, handling duplicate fields as
// dup says, with warnings on errOut.
func (ff *fileFlags) read(ctx context.Context, stdin io.Reader, errOut io.Writer, verb string, dup manifest.Duplicates) ([]manifest.Object, error) {
	warn := func(err error) { fmt.Fprintf(errOut, "Warning: %v\n", err) }
	objs, err := manifest.Read(ctx, manifest.Options{Filenames: ff.filenames, Recursive: ff.recursive, Stdin: stdin,
		Duplicates: dup, Warn: warn})
	if errors.Is(err, manifest.ErrNoObjects) {
		return nil, fmt.Errorf("no objects passed to %s", verb)
	}
	return objs, err
}

// writeFlags are the flags the write verbs share.
type writeFlags struct {
	dryRun       string
	output       string
	fieldManager string
	validate     string
	concurrency  int
}

func (wf *writeFlags) addFlags(fs *pflag.FlagSet, manager string) {
	fs.StringVar(&wf.dryRun, "dry-run", "none", `"server" sends the request to be checked, admitted and not stored; "none" writes`)
	fs.Lookup("dry-run").NoOptDefVal = "server"
	fs.StringVarP(&wf.output, "output", "o", "", writeOutputs.Usage("output format (of what the server returned)"))
	fs.StringVar(&wf.fieldManager, "field-manager", manager, "name of the manager of the written fields")
	fs.StringVar(&wf.validate, "validate", "strict", "unknown or duplicate fields: strict (refuse), warn, or ignore")
	addConcurrencyFlag(fs, &wf.concurrency)
}

// addConcurrencyFlag adds --concurrency, the requests in flight of a verb
// on several objects.
func addConcurrencyFlag(fs *pflag.FlagSet, v *int) {
	fs.IntVar(v, "concurrency", write.DefaultConcurrency, "number of requests in flight at once")
}

// checkConcurrency validates --concurrency.
func checkConcurrency(n int) error {
	if n < 1 {
		return fmt.Errorf("--concurrency must be at least 1, not %d", n)
	}
	return nil
}

// writeOutputs are the -o values of the write commands.
var writeOutputs = render.Outputs{"", "name", "json", "yaml"}

// options turns the flags into write.Options.
func (wf *writeFlags) options() (write.Options, error) {
	var o write.Options
	dryRun, err := parseDryRun(wf.dryRun)
	if err != nil {
		return o, err
	}
	if err := writeOutputs.Check(wf.output); err != nil {
		return o, err
	}
	v, err := validation(wf.validate)
	if err != nil {
		return o, err
	}
	if err := checkConcurrency(wf.concurrency); err != nil {
		return o, err
	}
	o.DryRun, o.FieldValidation, o.FieldManager, o.Concurrency = dryRun, v, wf.fieldManager, wf.concurrency
	o.MetadataOnly = wf.output == "" || wf.output == "name"
	if o.FieldManager == "" {
		return o, errors.New("--field-manager must not be empty")
	}
	return o, nil
}

// parseDryRun reads --dry-run: server or none; client is refused.
func parseDryRun(v string) (bool, error) {
	switch v {
	case "none", "false", "":
		return false, nil
	case "server":
		return true, nil
	case "client", "true":
		return false, errors.New(`--dry-run=client is not supported: a client-side dry run only guesses; use --dry-run=server, which runs validation and admission without storing`)
	}
	return false, fmt.Errorf(`invalid --dry-run value %q: use "server" or "none"`, v)
}

func validation(v string) (string, error) {
	switch strings.ToLower(v) {
	case "strict", "true":
		return "Strict", nil
	case "warn":
		return "Warn", nil
	case "ignore", "false":
		return "Ignore", nil
	}
	return "", fmt.Errorf(`invalid --validate value %q: use strict, warn or ignore`, v)
}

// writeEnv is what a write verb needs of the cluster.
type writeEnv struct {
	writer    *write.Writer
	resolver  *discovery.Resolver
	namespace string
	explicit  bool
	refresh   func(context.Context) (write.Mapper, error)
}

func newWriteEnv(ctx context.Context, f *factory, opts write.Options) (*writeEnv, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	client, err := write.NewClient(cfg.REST)
	if err != nil {
		return nil, err
	}
	resolver, err := f.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	refresh := func(ctx context.Context) (write.Mapper, error) {
		dc, err := f.Discovery(func(o *discovery.Options) { o.Refresh = true })
		if err != nil {
			return nil, err
		}
		r, err := dc.Resolver(ctx)
		if err != nil {
			return nil, err
		}
		return r.RESTMapper(ctx), nil
	}
	return &writeEnv{writer: &write.Writer{Client: client, Options: opts}, resolver: resolver,
		namespace: cfg.Namespace, explicit: cfg.ExplicitNamespace, refresh: refresh}, nil
}

// batch writes file objects with verb's mapping and namespace rules.
func (e *writeEnv) batch(ctx context.Context, verb string) *write.Batch {
	return &write.Batch{Writer: e.writer, Mapper: e.resolver.RESTMapper(ctx), Refresh: e.refresh,
		Namespace: e.namespace, EnforceNamespace: e.explicit, Verb: verb, Concurrency: e.writer.Options.Concurrency}
}

// reporter prints results as they come, in input order, and the failures at
// the end.
type reporter struct {
	out, errOut io.Writer
	output      string
	// vanished, when set, says whether a type is no longer served (see
	// Resolver.StillServed), its mapping read from a discovery cache
	// written before its CRD was deleted: a 404 of such a type is then an
	// unknown type, said once per type the user named, or for objects of
	// -f (fromFiles) the kind no mapping matches, for each object as
	// kubectl says it.
	vanished  func(context.Context, schema.GroupVersionResource) bool
	fromFiles bool
	objects   []unstructured.Unstructured
	failures  []write.Result
	count     int
}

func (r *reporter) emit(res write.Result) {
	r.count++
	for _, w := range res.Warnings {
		fmt.Fprintf(r.errOut, "Warning: %s\n", w)
	}
	switch {
	case res.Err != nil:
		r.failures = append(r.failures, res)
	case res.Action == write.ActionDeletedNotPresent:
	case r.output == "name":
		fmt.Fprintln(r.out, res.Task.Ref.KindName())
	case r.output == "json" || r.output == "yaml":
		if res.Object != nil {
			r.objects = append(r.objects, *res.Object)
		}
	default:
		fmt.Fprintln(r.out, write.Line(res))
	}
}

// finish prints the collected objects and the failures; the error makes
// the exit code 1 when anything failed.
func (r *reporter) finish(ctx context.Context) error {
	if err := r.printObjects(); err != nil {
		return err
	}
	interrupted := 0
	gone := map[schema.GroupVersionResource]bool{}
	redacted, failures := write.SplitRedacted(r.failures)
	if redacted != "" {
		fmt.Fprintf(r.errOut, "error: %s\n", redacted)
	}
	for _, f := range failures {
		gvr := f.Task.Ref.Mapping.GVR
		switch {
		case errors.Is(f.Err, context.Canceled):
			interrupted++
		case apierrors.IsNotFound(f.Err) && r.vanished != nil && (gone[gvr] || r.vanished(ctx, gvr)):
			said := gone[gvr]
			gone[gvr] = true
			switch gvk := f.Task.Ref.GVK; {
			case r.fromFiles:
				f.Err = &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}}
				fmt.Fprintf(r.errOut, "error: %s\n", write.Explain(f))
			case !said:
				fmt.Fprintf(r.errOut, "error: %s\n", query.VanishedError(f.Task.Ref.Mapping))
			}
		default:
			fmt.Fprintf(r.errOut, "error: %s\n", write.Explain(f))
		}
	}
	if interrupted > 0 {
		fmt.Fprintf(r.errOut, "error: interrupted: %d of %d objects were not written (or their results not read)\n", interrupted, r.count)
	}
	if len(r.failures) == 0 {
		return nil
	}
	return &cliutil.ExitError{Code: 1}
}

func (r *reporter) printObjects() error {
	if len(r.objects) == 0 {
		return nil
	}
	p, err := render.NewPrinter(r.output, render.Options{})
	if err != nil {
		return err
	}
	if len(r.objects) == 1 {
		return p.PrintObj(&r.objects[0], r.out)
	}
	list := &unstructured.UnstructuredList{Object: map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}}}
	list.Items = r.objects
	return p.PrintObj(list, r.out)
}

// fileWrite is what create, apply, replace and delete -f share: the
// objects of -f and the write flags.
type fileWrite struct {
	f     *factory
	files fileFlags
	flags writeFlags
	// opts and objs are set by complete.
	opts write.Options
	objs []manifest.Object
}

// complete reads the input and turns the flags into options.
func (fw *fileWrite) complete(ctx context.Context, verb string) error {
	opts, err := fw.flags.options()
	if err != nil {
		return err
	}
	fw.opts = opts
	dup := map[string]manifest.Duplicates{"Strict": manifest.DuplicatesRefuse, "Warn": manifest.DuplicatesWarn}[opts.FieldValidation]
	fw.objs, err = fw.files.read(ctx, fw.f.streams.In, fw.f.streams.ErrOut, verb, dup)
	return err
}

// run writes every object with the operation op picks from the writer.
func (fw *fileWrite) run(ctx context.Context, verb string, op func(*write.Writer) write.Op, reverse bool) error {
	env, err := newWriteEnv(ctx, fw.f, fw.opts)
	if err != nil {
		return err
	}
	b := env.batch(ctx, verb)
	b.Reverse = reverse
	b.AllowRedacted = fw.files.allowRedacted || verb == "delete" // a delete reads names only
	b.Warn = func(msg string) { fmt.Fprintf(fw.f.streams.ErrOut, "Warning: %s\n", msg) }
	rep := &reporter{out: fw.f.streams.Out, errOut: fw.f.streams.ErrOut, output: fw.flags.output, vanished: typeGone(env.resolver), fromFiles: true}
	b.Run(ctx, fw.objs, op(env.writer), rep.emit)
	return rep.finish(ctx)
}

// validSubresource checks --subresource.
func validSubresource(s string) error {
	switch s {
	case "", "status", "scale":
		return nil
	}
	return fmt.Errorf(`--subresource must be "status" or "scale", not %q`, s)
}
