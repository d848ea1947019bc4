package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// DefaultWorkers is the default number of concurrent create requests.
const DefaultWorkers = 32

// notServedRetries is how often a create answered NotFound is retried: the
// resource of a CRD that just became Established can take a moment to serve.
const notServedRetries = 20

// Seeder creates the objects of a Plan.
type Seeder struct {
	// Client creates the objects; give it a config without a client-side rate
	// limit (QPS < 0), or the limiter, not the server, sets the pace.
	Client dynamic.Interface
	// Workers bounds the concurrent requests; 0 means DefaultWorkers.
	Workers int
	// EstablishTimeout bounds the wait for the CRDs; 0 means two minutes.
	EstablishTimeout time.Duration
}

// item is one object to create and the resource it is created through.
type item struct {
	resource schema.GroupVersionResource
	obj      *unstructured.Unstructured
}

// Seed creates the namespaces and CRDs, waits until every CRD is
// Established, then creates the custom objects and ConfigMaps. Objects that
// exist already are counted, not changed. It stops at the first error.
func (s *Seeder) Seed(ctx context.Context, p Plan) (*Report, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	r := &Report{}
	err := s.createAll(ctx, []batch{
		{tally: &r.Namespaces, n: p.Namespaces, item: func(i int) item { return item{NamespaceResource, p.Namespace(i)} }},
		{tally: &r.CRDs, n: p.CRDs, item: func(i int) item { return item{CRDResource, p.CRD(i)} }},
	})
	if err != nil {
		return nil, err
	}
	if err := s.waitEstablished(ctx, p); err != nil {
		return nil, err
	}
	err = s.createAll(ctx, []batch{
		{tally: &r.CustomObjects, n: p.CustomObjects, item: func(i int) item {
			return item{p.CustomObjectType(i).Resource(), p.CustomObject(i)}
		}},
		{tally: &r.ConfigMaps, n: p.ConfigMaps, item: func(i int) item { return item{ConfigMapResource, p.ConfigMap(i)} }},
	})
	if err != nil {
		return nil, err
	}
	r.Duration = time.Since(start)
	return r, nil
}

// batch is n objects of one kind, generated on demand, counted in tally.
type batch struct {
	tally *Tally
	n     int
	item  func(i int) item
}

// createAll creates the objects of the batches with at most Workers requests
// in flight, generating each object only when a worker is free.
func (s *Seeder) createAll(ctx context.Context, batches []batch) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(s.workers())
	for _, b := range batches {
		for i := range b.n {
			if ctx.Err() != nil {
				break
			}
			g.Go(func() error { return s.create(ctx, b.item(i), b.tally) })
		}
	}
	return g.Wait()
}

// workers returns the worker limit.
func (s *Seeder) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return DefaultWorkers
}

// create creates it, counting it as created or existing.
func (s *Seeder) create(ctx context.Context, it item, tally *Tally) error {
	var ri dynamic.ResourceInterface = s.Client.Resource(it.resource)
	if ns := it.obj.GetNamespace(); ns != "" {
		ri = s.Client.Resource(it.resource).Namespace(ns)
	}
	err := retryNotServed(ctx, func() error {
		_, err := ri.Create(ctx, it.obj, metav1.CreateOptions{})
		return err
	})
	switch {
	case err == nil:
		tally.created.Add(1)
	case apierrors.IsAlreadyExists(err):
		tally.existed.Add(1)
	default:
		return fmt.Errorf("failed to create %s %s: %w", it.obj.GetKind(), objectKey(it.obj), err)
	}
	return nil
}

// retryNotServed calls create until it returns something other than
// NotFound, at most notServedRetries times, backing off a little.
func retryNotServed(ctx context.Context, create func() error) error {
	delay := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := create()
		if !apierrors.IsNotFound(err) || attempt == notServedRetries {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// objectKey returns namespace/name, or name for a cluster-scoped object.
func objectKey(obj *unstructured.Unstructured) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns + "/" + obj.GetName()
	}
	return obj.GetName()
}

// Tally counts the objects of one kind that Seed created or found.
type Tally struct {
	created, existed atomic.Int64
}

// Created returns how many objects Seed created.
func (t *Tally) Created() int64 { return t.created.Load() }

// Existed returns how many objects existed already.
func (t *Tally) Existed() int64 { return t.existed.Load() }
