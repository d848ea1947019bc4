package write

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/manifest"
)

// DefaultEstablishTimeout is how long a batch waits for a CustomResourceDefinition
// to be Established before its objects fail.
const DefaultEstablishTimeout = 10 * time.Second

// Mapper maps kinds to resources; every meta.RESTMapper is one.
type Mapper interface {
	// RESTMapping is the resource of a kind in the first of versions served.
	RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error)
	// RESTMappings are the resources of a kind in every served version.
	RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error)
}

// Batch writes the objects of an input: Namespaces first, then
// CustomResourceDefinitions, then the rest concurrently (the reverse for
// deletes); objects of a kind whose CRD is not Established yet wait for it.
// Results are emitted in input order.
type Batch struct {
	// Writer runs the requests.
	Writer *Writer
	// Mapper maps each object's kind to its resource.
	Mapper Mapper
	// Refresh, when set, returns a mapper over discovery fetched now; the
	// batch calls it when a kind is missing while its CRD exists.
	Refresh func(ctx context.Context) (Mapper, error)
	// Namespace is given to namespaced objects without one.
	Namespace string
	// EnforceNamespace makes an object in another namespace an error (-n given).
	EnforceNamespace bool
	// Concurrency bounds the requests in flight (0: DefaultConcurrency).
	Concurrency int
	// EstablishTimeout bounds the wait for a CRD (0: DefaultEstablishTimeout).
	EstablishTimeout time.Duration
	// Verb names the operation in messages about objects that could not be
	// mapped: "apply", "create", ...
	Verb string
	// Reverse runs the phases backwards, for deletes.
	Reverse bool
	// Warn, when set, is told of inputs that name an object more than once
	// (their writes run in input order, so the last one wins).
	Warn func(msg string)
	// AllowRedacted writes the Secrets that hold the values kdx export
	// --redact-secrets wrote in place of their own; without it they fail
	// with a *RedactedError before any request (see SplitRedacted). A
	// delete, which reads names only, sets it.
	AllowRedacted bool

	mu        sync.Mutex // guards the fields below
	mappings  map[schema.GroupVersionKind]mappingResult
	inputCRDs map[schema.GroupKind]string // kinds the input defines -> CRD name
	crds      *crdFinder
}

type mappingResult struct {
	mapping *meta.RESTMapping
	err     error
}

// The phases of a batch.
const (
	phaseNamespaces = iota
	phaseCRDs
	phaseRest
	phaseCount
)

// Run writes objs with op and emits each result in input order.
func (b *Batch) Run(ctx context.Context, objs []manifest.Object, op Op, emit func(Result)) {
	b.init(objs)
	out := &inputOrder{emit: emit, results: make([]*Result, len(objs))}
	byPhase := make([][]int, phaseCount)
	for i, o := range objs {
		p := phaseOf(o.Object)
		byPhase[p] = append(byPhase[p], i)
	}
	for k := range phaseCount {
		p := k
		if b.Reverse {
			p = phaseCount - 1 - k
		}
		jobs := make([]job, 0, len(byPhase[p]))
		for _, i := range byPhase[p] {
			jobs = append(jobs, b.job(ctx, i, objs[i]))
		}
		b.warnTwice(jobs)
		runJobs(ctx, jobs, b.Concurrency, op, out.done)
	}
}

// inputOrder hands the results of the phases, which run one after the
// other, to emit in input order: each waits for the results of the objects
// before it in the input. It runs on one goroutine at a time.
type inputOrder struct {
	emit    func(Result)
	results []*Result // by input position, until emitted
	next    int       // the input position of the next result to emit
}

// done records the result of input position i and emits every result
// now in order.
func (o *inputOrder) done(i int, r Result) {
	o.results[i] = &r
	for o.next < len(o.results) && o.results[o.next] != nil {
		if o.emit != nil {
			o.emit(*o.results[o.next])
		}
		o.results[o.next] = nil
		o.next++
	}
}

func (b *Batch) init(objs []manifest.Object) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mappings = map[schema.GroupVersionKind]mappingResult{}
	b.inputCRDs = map[schema.GroupKind]string{}
	for _, o := range objs {
		if isCRD(o.Object) {
			group, _, _ := unstructured.NestedString(o.Object.Object, "spec", "group")
			kind, _, _ := unstructured.NestedString(o.Object.Object, "spec", "names", "kind")
			b.inputCRDs[schema.GroupKind{Group: group, Kind: kind}] = o.Object.GetName()
		}
	}
	b.crds = &crdFinder{client: b.Writer.Client, input: b.inputCRDs}
}

func phaseOf(obj *unstructured.Unstructured) int {
	switch {
	case obj.GetKind() == "Namespace" && obj.GetAPIVersion() == "v1":
		return phaseNamespaces
	case isCRD(obj):
		return phaseCRDs
	}
	return phaseRest
}

func isCRD(obj *unstructured.Unstructured) bool {
	gvk := obj.GroupVersionKind()
	return gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition"
}

// job maps one object to a task, or to its failure.
func (b *Batch) job(ctx context.Context, i int, o manifest.Object) job {
	t, err := b.task(ctx, o)
	if err == nil && !b.AllowRedacted {
		err = redacted(o.Object)
	}
	j := job{index: i, task: t}
	if err != nil {
		j.failed = &Result{Task: t, Verb: b.Verb, Err: err, DryRun: b.Writer.Options.DryRun}
	}
	return j
}

// task maps o and settles its namespace.
func (b *Batch) task(ctx context.Context, o manifest.Object) (Task, error) {
	obj := o.Object
	gvk := obj.GroupVersionKind()
	t := Task{Ref: Ref{Mapping: discovery.Mapping{GVK: gvk}, Name: obj.GetName(), Namespace: obj.GetNamespace()}, Object: obj, Source: o.Source.String()}
	m, err := b.mapping(ctx, gvk)
	if err != nil {
		return t, err
	}
	t.Ref.GVR, t.Ref.GVK = m.Resource, m.GroupVersionKind
	t.Ref.Namespaced = m.Scope.Name() == meta.RESTScopeNameNamespace
	if !t.Ref.Namespaced {
		t.Ref.Namespace = ""
		obj.SetNamespace("")
		return t, nil
	}
	ns, err := b.namespaceFor(obj.GetNamespace())
	if err != nil {
		return t, err
	}
	t.Ref.Namespace = ns
	obj.SetNamespace(ns)
	return t, nil
}

// namespaceFor is kubectl's rule: the object's namespace unless -n says
// another, which is an error.
func (b *Batch) namespaceFor(objNS string) (string, error) {
	switch {
	case objNS == "":
		return b.Namespace, nil
	case b.EnforceNamespace && objNS != b.Namespace:
		return "", fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", objNS, b.Namespace, objNS)
	}
	return objNS, nil
}

// mapping maps gvk once per batch, waiting for a CRD when its kind is missing.
func (b *Batch) mapping(ctx context.Context, gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.mappings[gvk]; ok {
		return r.mapping, r.err
	}
	m, err := b.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		m, err = b.awaitKind(ctx, gvk)
	}
	b.mappings[gvk] = mappingResult{mapping: m, err: err}
	return m, err
}
