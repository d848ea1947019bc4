package cli

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

// FileFlags are -f and -R of the write verbs.
type FileFlags struct {
	Filenames     []string
	Recursive     bool
	AllowRedacted bool
}

func (ff *FileFlags) AddFlags(fs *pflag.FlagSet, what string) {
	fs.StringSliceVarP(&ff.Filenames, "filename", "f", nil, "file, directory or - (stdin) with the objects to "+what+"; repeatable")
	fs.BoolVarP(&ff.Recursive, "recursive", "R", false, "read directories given with -f recursively")
}

// AddAllowRedacted adds --allow-redacted, which writes the Secrets
// export --redact-secrets redacted as they are (the verbs refuse them).
func (ff *FileFlags) AddAllowRedacted(fs *pflag.FlagSet, verb string) {
	fs.BoolVar(&ff.AllowRedacted, "allow-redacted", false, verb+" the Secrets that hold the REDACTED values of kdx export --redact-secrets as they are, instead of refusing them")
}

// Read decodes the objects of the -f inputs, handling duplicate fields as
// dup says, with warnings on errOut.
func (ff *FileFlags) Read(ctx context.Context, stdin io.Reader, errOut io.Writer, verb string, dup manifest.Duplicates) ([]manifest.Object, error) {
	warn := func(err error) { fmt.Fprintf(errOut, "Warning: %v\n", err) }
	objs, err := manifest.Read(ctx, manifest.Options{Filenames: ff.Filenames, Recursive: ff.Recursive, Stdin: stdin,
		Duplicates: dup, Warn: warn})
	if errors.Is(err, manifest.ErrNoObjects) {
		return nil, fmt.Errorf("no objects passed to %s", verb)
	}
	return objs, err
}

// WriteFlags are the flags the write verbs share.
type WriteFlags struct {
	DryRun       string
	Output       string
	FieldManager string
	Validate     string
	Concurrency  int
}

func (wf *WriteFlags) AddFlags(fs *pflag.FlagSet, manager string) {
	fs.StringVar(&wf.DryRun, "dry-run", "none", `"server" sends the request to be checked, admitted and not stored; "none" writes`)
	fs.Lookup("dry-run").NoOptDefVal = "server"
	fs.StringVarP(&wf.Output, "output", "o", "", WriteOutputs.Usage("output format (of what the server returned)"))
	fs.StringVar(&wf.FieldManager, "field-manager", manager, "name of the manager of the written fields")
	fs.StringVar(&wf.Validate, "validate", "strict", "unknown or duplicate fields: strict (refuse), warn, or ignore")
	AddConcurrencyFlag(fs, &wf.Concurrency)
}

// AddConcurrencyFlag adds --concurrency, the requests in flight of a verb
// on several objects.
func AddConcurrencyFlag(fs *pflag.FlagSet, v *int) {
	fs.IntVar(v, "concurrency", write.DefaultConcurrency, "number of requests in flight at once")
}

// CheckConcurrency validates --concurrency.
func CheckConcurrency(n int) error {
	if n < 1 {
		return fmt.Errorf("--concurrency must be at least 1, not %d", n)
	}
	return nil
}

// WriteOutputs are the -o values of the write commands.
var WriteOutputs = render.Outputs{"", "name", "json", "yaml"}

// Options turns the flags into write.Options.
func (wf *WriteFlags) Options() (write.Options, error) {
	var o write.Options
	dryRun, err := ParseDryRun(wf.DryRun)
	if err != nil {
		return o, err
	}
	if err := WriteOutputs.Check(wf.Output); err != nil {
		return o, err
	}
	v, err := validation(wf.Validate)
	if err != nil {
		return o, err
	}
	if err := CheckConcurrency(wf.Concurrency); err != nil {
		return o, err
	}
	o.DryRun, o.FieldValidation, o.FieldManager, o.Concurrency = dryRun, v, wf.FieldManager, wf.Concurrency
	o.MetadataOnly = wf.Output == "" || wf.Output == "name"
	if o.FieldManager == "" {
		return o, errors.New("--field-manager must not be empty")
	}
	return o, nil
}

// ParseDryRun reads --dry-run: server or none; client is refused.
func ParseDryRun(v string) (bool, error) {
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

// WriteEnv is what a write verb needs of the cluster.
type WriteEnv struct {
	Writer    *write.Writer
	Resolver  *discovery.Resolver
	Namespace string
	Explicit  bool
	Refresh   func(context.Context) (write.Mapper, error)
}

func NewWriteEnv(ctx context.Context, f Factory, opts write.Options) (*WriteEnv, error) {
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
	return &WriteEnv{Writer: &write.Writer{Client: client, Options: opts}, Resolver: resolver,
		Namespace: cfg.Namespace, Explicit: cfg.ExplicitNamespace, Refresh: refresh}, nil
}

// Batch writes file objects with verb's mapping and namespace rules.
func (e *WriteEnv) Batch(ctx context.Context, verb string) *write.Batch {
	return &write.Batch{Writer: e.Writer, Mapper: e.Resolver.RESTMapper(ctx), Refresh: e.Refresh,
		Namespace: e.Namespace, EnforceNamespace: e.Explicit, Verb: verb, Concurrency: e.Writer.Options.Concurrency}
}

// Reporter prints results as they come, in input order, and the failures at
// the end.
type Reporter struct {
	Out, ErrOut io.Writer
	Output      string
	// vanished, when set, says whether a type is no longer served (see
	// Resolver.StillServed), its mapping read from a discovery cache
	// written before its CRD was deleted: a 404 of such a type is then an
	// unknown type, said once per type the user named, or for objects of
	// -f (fromFiles) the kind no mapping matches, for each object as
	// kubectl says it.
	Vanished  func(context.Context, schema.GroupVersionResource) bool
	FromFiles bool
	objects   []unstructured.Unstructured
	failures  []write.Result
	count     int
}

func (r *Reporter) Emit(res write.Result) {
	r.count++
	for _, w := range res.Warnings {
		fmt.Fprintf(r.ErrOut, "Warning: %s\n", w)
	}
	switch {
	case res.Err != nil:
		r.failures = append(r.failures, res)
	case res.Action == write.ActionDeletedNotPresent:
	case r.Output == "name":
		fmt.Fprintln(r.Out, res.Task.Ref.KindName())
	case r.Output == "json" || r.Output == "yaml":
		if res.Object != nil {
			r.objects = append(r.objects, *res.Object)
		}
	default:
		fmt.Fprintln(r.Out, write.Line(res))
	}
}

// Finish prints the collected objects and the failures; the error makes
// the exit code 1 when anything failed.
func (r *Reporter) Finish(ctx context.Context) error {
	if err := r.printObjects(); err != nil {
		return err
	}
	interrupted := 0
	gone := map[schema.GroupVersionResource]bool{}
	redacted, failures := write.SplitRedacted(r.failures)
	if redacted != "" {
		fmt.Fprintf(r.ErrOut, "error: %s\n", redacted)
	}
	for _, f := range failures {
		gvr := f.Task.Ref.Mapping.GVR
		switch {
		case errors.Is(f.Err, context.Canceled):
			interrupted++
		case apierrors.IsNotFound(f.Err) && r.Vanished != nil && (gone[gvr] || r.Vanished(ctx, gvr)):
			said := gone[gvr]
			gone[gvr] = true
			switch gvk := f.Task.Ref.GVK; {
			case r.FromFiles:
				f.Err = &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}}
				fmt.Fprintf(r.ErrOut, "error: %s\n", write.Explain(f))
			case !said:
				fmt.Fprintf(r.ErrOut, "error: %s\n", query.VanishedError(f.Task.Ref.Mapping))
			}
		default:
			fmt.Fprintf(r.ErrOut, "error: %s\n", write.Explain(f))
		}
	}
	if interrupted > 0 {
		fmt.Fprintf(r.ErrOut, "error: interrupted: %d of %d objects were not written (or their results not read)\n", interrupted, r.count)
	}
	if len(r.failures) == 0 {
		return nil
	}
	return &cliutil.ExitError{Code: 1}
}

func (r *Reporter) printObjects() error {
	if len(r.objects) == 0 {
		return nil
	}
	p, err := render.NewPrinter(r.Output, render.Options{})
	if err != nil {
		return err
	}
	if len(r.objects) == 1 {
		return p.PrintObj(&r.objects[0], r.Out)
	}
	list := &unstructured.UnstructuredList{Object: map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}}}
	list.Items = r.objects
	return p.PrintObj(list, r.Out)
}

// FileWrite is what create, apply, replace and delete -f share: the
// objects of -f and the write flags.
type FileWrite struct {
	F     Factory
	Files FileFlags
	Flags WriteFlags
	// opts and objs are set by complete.
	Opts write.Options
	Objs []manifest.Object
}

// CompleteFiles reads the input and turns the flags into options.
func (fw *FileWrite) CompleteFiles(ctx context.Context, verb string) error {
	opts, err := fw.Flags.Options()
	if err != nil {
		return err
	}
	fw.Opts = opts
	dup := map[string]manifest.Duplicates{"Strict": manifest.DuplicatesRefuse, "Warn": manifest.DuplicatesWarn}[opts.FieldValidation]
	fw.Objs, err = fw.Files.Read(ctx, fw.F.Streams().In, fw.F.Streams().ErrOut, verb, dup)
	return err
}

// RunFiles writes every object with the operation op picks from the writer.
func (fw *FileWrite) RunFiles(ctx context.Context, verb string, op func(*write.Writer) write.Op, reverse bool) error {
	env, err := NewWriteEnv(ctx, fw.F, fw.Opts)
	if err != nil {
		return err
	}
	b := env.Batch(ctx, verb)
	b.Reverse = reverse
	b.AllowRedacted = fw.Files.AllowRedacted || verb == "delete" // a delete reads names only
	b.Warn = func(msg string) { fmt.Fprintf(fw.F.Streams().ErrOut, "Warning: %s\n", msg) }
	rep := &Reporter{Out: fw.F.Streams().Out, ErrOut: fw.F.Streams().ErrOut, Output: fw.Flags.Output, Vanished: TypeGone(env.Resolver), FromFiles: true}
	b.Run(ctx, fw.Objs, op(env.Writer), rep.Emit)
	return rep.Finish(ctx)
}

// ValidSubresource checks --subresource.
func ValidSubresource(s string) error {
	switch s {
	case "", "status", "scale":
		return nil
	}
	return fmt.Errorf(`--subresource must be "status" or "scale", not %q`, s)
}
