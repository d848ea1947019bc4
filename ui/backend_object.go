package ui

import (
	"bytes"
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/explain"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/refs"
	"github.com/kdxproject/kdx/relate"
	"github.com/kdxproject/kdx/search"
)

// ObjectBackend is what the views of one object and of every object read:
// each through the library package of the command that answers the same
// question (describe, tree, refs, explain, get --all-types, grep).
type ObjectBackend interface {
	// Events are obj's events, as `kdx describe` reads them.
	Events(ctx context.Context, obj *unstructured.Unstructured) ([]describe.Event, error)
	// Tree is what obj (of t) owns, or with up its owners, as `kdx tree`
	// reads it; a cluster-scoped object's namespaced descendants are
	// looked for in namespace ("" for all).
	Tree(ctx context.Context, t discovery.Target, obj *unstructured.Unstructured, up bool, namespace string) (*relate.Node, error)
	// Refs are what obj (of t) uses and what uses it, as `kdx refs` finds
	// them (users in its namespace, or with allNamespaces in all).
	Refs(ctx context.Context, t discovery.Target, obj *unstructured.Unstructured, allNamespaces bool) ([]refs.Row, error)
	// Explain is the schema of a field of gvk (path as `kdx explain`
	// takes it after the type: spec.containers[0].image; "" for the
	// type), as kdx explain prints it.
	Explain(ctx context.Context, gvk schema.GroupVersionKind, path string) (string, error)
	// AllTypes are the types `kdx get --all-types` lists: every listable
	// type, with allNamespaces the cluster-scoped ones too.
	AllTypes(ctx context.Context, allNamespaces bool) ([]discovery.Target, error)
	// Grep searches the objects of targets in namespace ("" for all) as
	// `kdx grep` does: match is called for each match, from the reading
	// goroutines (the matches of one target from one goroutine, in the
	// order read); done(i) once target i and every target before it are
	// read, in target order, on one goroutine (when kdx grep prints the
	// matches of a type).
	Grep(ctx context.Context, m *search.Matcher, targets []discovery.Target, namespace string, match func(GrepMatch), done func(target int)) error
}

// GrepMatch is one match of a search.
type GrepMatch struct {
	// Target is the index of the target the object is of.
	Target int
	Object *unstructured.Unstructured // its name, namespace and kind only
	Match  search.Match
	Secret bool
}

func (b *clusterBackend) Events(ctx context.Context, obj *unstructured.Unstructured) ([]describe.Event, error) {
	client, err := b.c.Client()
	if err != nil {
		return nil, err
	}
	resolver, err := b.c.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	report := query.NewReport("list", "type")
	g := &describe.Gatherer{Lister: client, Resolver: resolver, ShowEvents: true, Report: report}
	return g.Events(ctx, obj), report.Err()
}

func (b *clusterBackend) Tree(ctx context.Context, t discovery.Target, obj *unstructured.Unstructured, up bool, namespace string) (*relate.Node, error) {
	client, resolver, err := b.readers(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := resolver.Revalidated(ctx)
	if err != nil {
		return nil, err
	}
	if t.Namespaced {
		namespace = obj.GetNamespace()
	}
	r := &relate.Reader{Lister: client, Snapshot: snap, Vanished: vanished(resolver), Namespace: namespace, Up: up, Concurrency: query.DefaultConcurrency}
	tree, err := r.Tree(ctx, obj, t.Mapping)
	if err != nil {
		return nil, err
	}
	var errs []error
	if len(r.Forbidden) > 0 {
		errs = append(errs, errors.New("you may not list "+query.Names(r.Forbidden, 3)+": owners of those types are [unknown]"))
	}
	return tree, errors.Join(append(errs, r.Lists.Err(), r.Reads.Err())...)
}

func (b *clusterBackend) Refs(ctx context.Context, t discovery.Target, obj *unstructured.Unstructured, allNamespaces bool) ([]refs.Row, error) {
	client, resolver, err := b.readers(ctx)
	if err != nil {
		return nil, err
	}
	kinds := refs.NewKinds(resolver.Snapshot())
	rules := refs.DefaultRules()
	finder := &refs.Finder{Engine: &query.Engine{Lister: client}, Kinds: kinds, Extractor: refs.NewExtractor(rules, kinds),
		Rules: rules, Concurrency: query.DefaultConcurrency, ChunkSize: 500, AllNamespaces: allNamespaces}
	rep := query.NewReport("read", "type")
	rows, err := finder.Find(ctx, t.Mapping, obj.GetNamespace(), obj.GetName(), rep)
	if err != nil {
		return nil, err
	}
	return rows, rep.Err()
}

func (b *clusterBackend) Explain(ctx context.Context, gvk schema.GroupVersionKind, path string) (string, error) {
	steps, err := explain.ParsePath(path)
	if err != nil {
		return "", err
	}
	client, err := b.c.OpenAPI()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := explain.Explain(ctx, &buf, client, gvk, steps, explain.Options{}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func (b *clusterBackend) AllTypes(ctx context.Context, allNamespaces bool) ([]discovery.Target, error) {
	resolver, err := b.c.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	if b.f.AllTypes == nil {
		return nil, errors.New("this explorer cannot list every type")
	}
	return b.f.AllTypes(ctx, resolver, allNamespaces)
}

func (b *clusterBackend) Grep(ctx context.Context, m *search.Matcher, targets []discovery.Target, namespace string, match func(GrepMatch), done func(target int)) error {
	client, resolver, err := b.readers(ctx)
	if err != nil {
		return err
	}
	req := query.Request{Targets: targets, Namespace: namespace, LabelSelector: b.f.LabelSelector, ChunkSize: 500,
		Concurrency: query.DefaultConcurrency, Read: query.Objects, Vanished: vanished(resolver)}
	index := map[string]int{}
	for i, t := range targets {
		index[t.QualifiedName()] = i
	}
	rep := query.NewReport("list", "type")
	eng := &query.Engine{Lister: client}
	open := func(t discovery.Target) query.Sink {
		i := index[t.QualifiedName()]
		return &search.Sink{Matcher: m, Match: func(item *unstructured.Unstructured, secret bool, sm search.Match) {
			obj := &unstructured.Unstructured{}
			obj.SetGroupVersionKind(item.GroupVersionKind())
			obj.SetNamespace(item.GetNamespace())
			obj.SetName(item.GetName())
			if secret && !sm.Key {
				sm.Value, sm.Start, sm.End = "", 0, 0 // never kept: the view does not show it
			}
			match(GrepMatch{Target: i, Object: obj, Match: sm, Secret: secret})
		}}
	}
	next := 0 // Each calls read in target order
	read := func(discovery.Target, query.Sink) error {
		done(next)
		next++
		return nil
	}
	if err := eng.Each(ctx, req, rep, open, read); err != nil {
		return err
	}
	return rep.Err()
}

// readers are the cluster's client and resolver.
func (b *clusterBackend) readers(ctx context.Context) (*dynamicclient.Client, *discovery.Resolver, error) {
	client, err := b.c.Client()
	if err != nil {
		return nil, nil, err
	}
	resolver, err := b.c.Resolver(ctx)
	return client, resolver, err
}

// vanished is the engine's Request.Vanished: a type no longer served, as
// revalidated discovery tells, is left out quietly (cli.Vanished's rule).
func vanished(resolver *discovery.Resolver) func(context.Context, discovery.Target) bool {
	return func(ctx context.Context, t discovery.Target) bool { return !resolver.StillServed(ctx, t.GVR) }
}
