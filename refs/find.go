package refs

import (
	"context"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// Direction says which way a row's link goes.
type Direction string

const (
	// Uses: the object named refers to the row's object.
	Uses Direction = "uses"
	// UsedBy: the row's object refers to the object named.
	UsedBy Direction = "used by"
)

// Status is what became of a row's object.
type Status string

const (
	// Found: the object exists.
	Found Status = ""
	// Missing: the object named does not exist, or a selector selects nothing.
	Missing Status = "missing"
	// Unknown: the object could not be read (forbidden, or its type is not served).
	Unknown Status = "unknown"
)

// Row is one link of the object named.
type Row struct {
	Direction Direction `json:"direction"`
	Object    Object    `json:"object"`
	Field     string    `json:"field"`
	Rule      string    `json:"rule"`
	Selector  string    `json:"selector,omitempty"`
	Status    Status    `json:"status,omitempty"`
}

// Finder finds the links of one object through the read engine.
type Finder struct {
	Engine    *query.Engine
	Kinds     *Kinds
	Extractor *Extractor
	// Rules are the rules Extractor was made of: "used by" reads the kinds
	// of the rules that can point at the object.
	Rules []Rule
	// Concurrency and ChunkSize are the engine's.
	Concurrency int
	ChunkSize   int64
	// AllNamespaces reads namespaced sources of every namespace for "used
	// by"; else the object's namespace only (and cluster-scoped sources).
	AllNamespaces bool
}

// Find gets the object and returns its links: what it uses, in the
// rules' order, then what uses it, by object. What could not be read goes to rep.
func (f *Finder) Find(ctx context.Context, m discovery.Mapping, ns, name string, rep *query.Report) ([]Row, error) {
	obj, err := f.Engine.Lister.Get(ctx, m, ns, name, "")
	if err != nil {
		return nil, err
	}
	uses, err := f.uses(ctx, obj, rep)
	if err != nil {
		return nil, err
	}
	usedBy, err := f.usedBy(ctx, obj, rep)
	return slices.Concat(uses, usedBy), err
}

// uses resolves the links of obj to rows, reading each target.
func (f *Finder) uses(ctx context.Context, obj *unstructured.Unstructured, rep *query.Report) ([]Row, error) {
	links := f.Extractor.Links(obj.Object, obj.GroupVersionKind().GroupKind())
	var out []Row
	err := query.Ordered(ctx, len(links), f.Concurrency, func(ctx context.Context, i int) []Row {
		return f.resolve(ctx, links[i], rep)
	}, func(_ int, rows []Row) error {
		out = append(out, rows...)
		return nil
	})
	return out, err
}

// resolve reads the target of l: the named object, or what l's selector selects.
func (f *Finder) resolve(ctx context.Context, l Link, rep *query.Report) []Row {
	row := Row{Direction: Uses, Object: l.To, Field: l.Field, Rule: l.Rule}
	m, ok := f.Kinds.Mapping(l.To.GroupKind())
	if !ok {
		row.Status = Unknown
		return []Row{row}
	}
	if l.Selector == nil {
		_, err := f.Engine.Lister.Get(ctx, m, l.To.Namespace, l.To.Name, "")
		switch {
		case apierrors.IsNotFound(err):
			row.Status = Missing
		case err != nil:
			row.Status = Unknown
			rep.Add(m.QualifiedName(), err)
		}
		return []Row{row}
	}
	row.Selector = l.Selector.String()
	var out []Row
	opts := metav1.ListOptions{LabelSelector: row.Selector, Limit: f.ChunkSize}
	err := f.Engine.Lister.MetadataPages(ctx, m, l.To.Namespace, opts, func(list *metav1.PartialObjectMetadataList) error {
		for _, item := range list.Items {
			r := row
			r.Object.Name, r.Object.Namespace = item.Name, item.Namespace
			out = append(out, r)
		}
		return nil
	})
	switch {
	case err != nil:
		row.Status = Unknown
		rep.Add(m.QualifiedName(), err)
		return []Row{row}
	case len(out) == 0:
		row.Status = Missing
		return []Row{row}
	}
	return out
}

// usedBy reads every type that can point at obj, concurrently, and returns
// the links to obj, by object.
func (f *Finder) usedBy(ctx context.Context, obj *unstructured.Unstructured, rep *query.Report) ([]Row, error) {
	target := Object{Group: obj.GroupVersionKind().Group, Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()}
	sources, err := f.sources(ctx, target.GroupKind(), rep)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, req := range f.requests(target, sources) {
		open := func(t discovery.Target) query.Sink {
			return &matchSink{f: f, from: t.GVK.GroupKind(), target: target, labels: obj.GetLabels()}
		}
		done := func(_ discovery.Target, s query.Sink) error {
			out = append(out, s.(*matchSink).rows...)
			return nil
		}
		if err := f.Engine.Each(ctx, req, rep, open, done); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b Row) int {
		return strings.Compare(a.Object.Namespace+"\x00"+a.Object.String(), b.Object.Namespace+"\x00"+b.Object.String())
	})
	return out, nil
}

// source is a type whose objects may point at the target, and whether
// only a label of theirs can (then its metadata is enough).
type source struct {
	m     discovery.Mapping
	label string // the label key of a Label rule, when all its rules are
}

// sources are the served types that can point at kind to: the kinds of the
// rules that can, and the CRDs whose schemas can by convention.
func (f *Finder) sources(ctx context.Context, to schema.GroupKind, rep *query.Report) ([]source, error) {
	byGK := map[schema.GroupKind]*source{}
	var order []schema.GroupKind
	add := func(from schema.GroupKind, label string) {
		m, ok := f.Kinds.Mapping(from)
		if !ok || !m.Resource.Supports("list") {
			return
		}
		if s, ok := byGK[from]; ok {
			if s.label != label {
				s.label = ""
			}
			return
		}
		byGK[from] = &source{m: m, label: label}
		order = append(order, from)
	}
	for _, r := range f.Rules {
		if !r.CanTarget(to) {
			continue
		}
		for _, from := range r.From {
			label := ""
			if r.Shape == Label {
				label = r.Path[len(r.Path)-1]
			}
			add(from, label)
		}
	}
	crds, err := f.crdSources(ctx, to, rep)
	for _, g := range crds {
		add(g, "")
	}
	out := make([]source, len(order))
	for i, g := range order {
		out[i] = *byGK[g]
	}
	return out, err
}

// crdSources are the kinds of the CRDs whose schemas can point at kind to.
func (f *Finder) crdSources(ctx context.Context, to schema.GroupKind, rep *query.Report) ([]schema.GroupKind, error) {
	m, ok := f.Kinds.Mapping(schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"})
	if !ok {
		return nil, nil
	}
	var out []schema.GroupKind
	sink := query.SinkFunc(func(page runtime.Object) error {
		for _, crd := range render.Items(page) {
			g, _ := lookupString(crd.Object, "spec", "group")
			kind, _ := lookupString(crd.Object, "spec", "names", "kind")
			if f.Extractor.CRDTargets(crd.Object).CanTarget(to) {
				out = append(out, schema.GroupKind{Group: g, Kind: kind})
			}
		}
		return nil
	})
	req := query.Request{Targets: []discovery.Target{{Mapping: m}}, ChunkSize: f.ChunkSize, Concurrency: 1}
	err := f.Engine.Each(ctx, req, rep, func(discovery.Target) query.Sink { return sink }, func(discovery.Target, query.Sink) error { return nil })
	return out, err
}

// requests read the sources: whole objects, and metadata-only lists of the
// sources that point by a label, selected by it on the server.
func (f *Finder) requests(target Object, sources []source) []query.Request {
	ns := target.Namespace
	if f.AllNamespaces {
		ns = ""
	}
	objects := query.Request{Namespace: ns, ChunkSize: f.ChunkSize, Concurrency: f.Concurrency, Read: query.Objects}
	var out []query.Request
	for _, s := range sources {
		if s.label != "" {
			sel := labels.Set{s.label: target.Name}.String()
			out = append(out, query.Request{Targets: []discovery.Target{{Mapping: s.m}}, Namespace: ns, LabelSelector: sel,
				ChunkSize: f.ChunkSize, Concurrency: 1, Read: query.Metadata})
			continue
		}
		objects.Targets = append(objects.Targets, discovery.Target{Mapping: s.m})
	}
	if len(objects.Targets) > 0 {
		out = append([]query.Request{objects}, out...)
	}
	return out
}

// matchSink keeps the links of each object read that point at target.
type matchSink struct {
	f      *Finder
	from   schema.GroupKind // the kind read
	target Object
	labels labels.Set
	rows   []Row
}

func (s *matchSink) Page(page runtime.Object) error {
	for _, item := range items(page) {
		from := Object{Group: s.from.Group, Kind: s.from.Kind, Namespace: item.GetNamespace(), Name: item.GetName()}
		for _, l := range s.f.Extractor.Links(item.Object, s.from) {
			if s.points(l) {
				row := Row{Direction: UsedBy, Object: from, Field: l.Field, Rule: l.Rule}
				if l.Selector != nil {
					row.Selector = l.Selector.String()
				}
				s.rows = append(s.rows, row)
			}
		}
	}
	return nil
}

// points says whether l points at the sink's target.
func (s *matchSink) points(l Link) bool {
	t := s.target
	if l.To.GroupKind() != t.GroupKind() || l.To.Namespace != t.Namespace {
		return false
	}
	if l.Selector != nil {
		return l.Selector.Matches(s.labels)
	}
	return l.To.Name == t.Name
}

// items are the objects of a page; of a metadata list, with their labels
// (the links metadata holds).
func items(page runtime.Object) []unstructured.Unstructured {
	l, ok := page.(*metav1.PartialObjectMetadataList)
	if !ok {
		return render.Items(page)
	}
	out := make([]unstructured.Unstructured, len(l.Items))
	for i := range l.Items {
		it := &l.Items[i]
		md := map[string]any{"name": it.Name, "namespace": it.Namespace}
		if len(it.Labels) > 0 {
			lm := make(map[string]any, len(it.Labels))
			for k, v := range it.Labels {
				lm[k] = v
			}
			md["labels"] = lm
		}
		out[i].Object = map[string]any{"metadata": md}
	}
	return out
}
