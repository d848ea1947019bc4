package diff

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/manifest"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// diffFileFlags are the flags of `kdx diff -f`.
type diffFileFlags struct {
	files          cli.FileFlags
	fieldManager   string
	forceConflicts bool
	prune          bool
}

// fileDiff is one object's difference: live and merged (what apply would
// make of it), both cleaned with export's rules; nil where there is none.
type fileDiff struct {
	path         string
	live, merged []byte
}

// runFile is `kdx diff -f`: a server-side dry-run apply of every object of
// the input (concurrently, as apply is), each result compared with the
// live object; with --prune, the live objects of the input's types and
// namespaces that it lacks are shown as deletions.
func (o *diffOptions) runFile(ctx context.Context) error {
	f := o.export.F
	objs, err := o.file.files.Read(ctx, f.Streams().In, f.Streams().ErrOut, "diff", manifest.DuplicatesRefuse)
	if err != nil {
		return err
	}
	opts := write.Options{DryRun: true, FieldValidation: "Strict", FieldManager: o.file.fieldManager,
		ForceConflicts: o.file.forceConflicts, Concurrency: o.export.Concurrency}
	env, err := cli.NewWriteEnv(ctx, f, opts)
	if err != nil {
		return err
	}
	b := env.Batch(ctx, "diff")
	b.AllowRedacted = o.file.files.AllowRedacted
	b.Warn = func(msg string) { fmt.Fprintf(f.Streams().ErrOut, "Warning: %s\n", msg) }
	cleaner := export.NewCleaner(export.CleanOptions{KeepStatus: o.export.KeepStatus})
	var mu sync.Mutex // guards diffs: the ops run concurrently
	diffs := map[string]fileDiff{}
	_, client, err := f.ReadClient(false)
	if err != nil {
		return err
	}
	lives := liveObjects(client, env.Writer, objs, env.Namespace)
	op := func(ctx context.Context, t write.Task) write.Result {
		live, err := lives.Read(ctx, t.Ref.Mapping, t.Ref.Namespace, t.Ref.Name)
		if err != nil {
			return write.Result{Task: t, Verb: "diff", Err: err}
		}
		r := env.Writer.Apply(ctx, t)
		r.Verb = "diff" // its errors say what was run: "failed to diff ...", not apply
		if r.Err != nil || r.Object == nil {
			return r
		}
		d := o.fileDiff(t.Ref, live, r.Object, cleaner)
		mu.Lock()
		diffs[refKey(t.Ref)] = d
		mu.Unlock()
		return r
	}
	out := bufio.NewWriterSize(f.Streams().Out, 64<<10)
	defer out.Flush()
	printer := &driftPrinter{o: o, out: out, color: o.paint}
	var failures []write.Result
	var refs []write.Ref
	seen := map[string]bool{}
	changed := 0
	b.Run(ctx, objs, op, func(r write.Result) {
		for _, w := range r.Warnings {
			fmt.Fprintf(f.Streams().ErrOut, "Warning: %s\n", w)
		}
		if r.Err != nil {
			failures = append(failures, r)
			return
		}
		key := refKey(r.Task.Ref)
		seen[key] = true
		refs = append(refs, r.Task.Ref)
		mu.Lock()
		d, ok := diffs[key]
		delete(diffs, key)
		mu.Unlock()
		if ok && printer.printFile(d) {
			changed++
		}
	})
	if o.file.prune && ctx.Err() == nil {
		n, err := o.pruned(ctx, f, refs, seen, cleaner, printer)
		if err != nil {
			failures = append(failures, write.Result{Verb: "diff --prune", Err: err})
		}
		changed += n
	}
	printer.totals(false)
	if err := out.Flush(); err != nil {
		return fmt.Errorf("failed to write output: %w", err)
	}
	redacted, others := write.SplitRedacted(failures)
	if redacted != "" {
		fmt.Fprintf(f.Streams().ErrOut, "error: %s\n", redacted)
	}
	interrupted := false
	for _, r := range others {
		switch {
		case errors.Is(r.Err, context.Canceled):
			interrupted = true // said once, below
		case r.Task.Ref.Name == "":
			fmt.Fprintf(f.Streams().ErrOut, "error: %s\n", cliutil.Message(r.Err))
		default:
			fmt.Fprintf(f.Streams().ErrOut, "error: %s\n", write.Explain(r))
		}
	}
	switch {
	case interrupted:
		return context.Canceled // error: interrupted
	case len(failures) > 0:
		return &cliutil.ExitError{Code: cliutil.ToolFailure}
	case changed > 0:
		return diffFound
	}
	return nil
}

// refKey names an object of a write.
func refKey(r write.Ref) string { return r.GVR.String() + "/" + r.Namespace + "/" + r.Name }

// fileDiff cleans live and merged as export does and encodes them; Secret
// values are masked unless --show-secrets.
func (o *diffOptions) fileDiff(ref write.Ref, live, merged *unstructured.Unstructured, c *export.Cleaner) fileDiff {
	d := fileDiff{path: export.RelPath(ref.Namespace, ref.GVK.Group, ref.GVK.Kind, ref.Name, "yaml")}
	var l, m *unstructured.Unstructured
	if live != nil {
		l = live.DeepCopy()
		c.Clean(l)
	}
	m = merged.DeepCopy()
	c.Clean(m)
	if render.IsSecret(m.Object) && !o.showSecrets {
		var lo map[string]any
		if l != nil {
			lo = l.Object
		}
		render.MaskSecrets(lo, m.Object)
	}
	if l != nil {
		d.live, _ = render.MarshalYAML(l.Object)
	}
	d.merged, _ = render.MarshalYAML(m.Object)
	return d
}

// printFile prints one object's diff (live/... to merged/...); it reports
// whether there was a difference.
func (p *driftPrinter) printFile(d fileDiff) bool {
	if string(d.live) == string(d.merged) {
		return false
	}
	from, to, drift := "live/"+d.path, "merged/"+d.path, export.DriftChanged
	if d.live == nil {
		from, drift = "/dev/null", export.DriftNew // apply would create it
	}
	if d.merged == nil {
		to, drift = "/dev/null", export.DriftGone // apply --prune would delete it
	}
	text, _ := unifiedDiff(d.live, d.merged, from, to)
	p.write(drift, d.path, text)
	return true
}

// pruned shows the live objects of the input's types and namespaces (the
// refs written) that the input lacks, as deletions, and returns how many.
func (o *diffOptions) pruned(ctx context.Context, f cli.Factory, refs []write.Ref, seen map[string]bool, c *export.Cleaner, p *driftPrinter) (int, error) {
	_, client, err := f.ReadClient(false)
	if err != nil {
		return 0, err
	}
	scopes := map[string]write.Ref{}
	for _, r := range refs {
		r.Name = ""
		scopes[r.GVR.String()+" "+r.Namespace] = r
	}
	keys := make([]string, 0, len(scopes))
	for k := range scopes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := 0
	for _, k := range keys {
		ref := scopes[k]
		err := client.ListPages(ctx, ref.Mapping, ref.Namespace, metav1.ListOptions{Limit: 500}, func(list *unstructured.UnstructuredList) error {
			for i := range list.Items {
				item := &list.Items[i]
				r := ref
				r.Name = item.GetName()
				if seen[refKey(r)] || c.Skip(item, false) != nil {
					continue
				}
				d := o.fileDiff(r, item, item, c)
				d.merged = nil
				if p.printFile(d) {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("failed to list %s for --prune: %w", ref.GVR.GroupResource(), err)
		}
	}
	return n, nil
}

// errNoFiles is diff without what to compare.
var errNoFiles = errors.New("diff needs --dir (an export tree) or -f (files to apply)")

// liveObjects reads the live objects diff -f compares with: one list of a
// kind's collection in a namespace when the input has many of its objects,
// else one get per object (an object without a namespace is in namespace).
func liveObjects(client *dynamicclient.Client, w *write.Writer, objs []manifest.Object, namespace string) *query.NamedReader {
	counts := map[query.NamedKey]int{}
	for _, o := range objs {
		ns := o.Object.GetNamespace()
		if ns == "" {
			ns = namespace
		}
		counts[query.NamedKey{GroupKind: o.Object.GroupVersionKind().GroupKind(), Namespace: ns}]++
	}
	r := &query.NamedReader{List: client.ListPages, Get: func(ctx context.Context, m discovery.Mapping, namespace, name string) (*unstructured.Unstructured, error) {
		resp, err := w.Client.Get(ctx, write.Ref{Mapping: m, Namespace: namespace, Name: name}, "")
		if resp.Code == 404 {
			return nil, nil
		}
		return resp.Object, err
	}}
	r.Want(counts)
	return r
}
