package main

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// listAll discovers the listable resources (preferred versions, as
// `kubectl api-resources --verbs=list` shows them) and fetches each one's
// PartialObjectMetadataList pages, Concurrency resources at a time. A failed
// resource is counted, not fatal.
func (o *Options) listAll(ctx context.Context, f *fetcher) (Stats, error) {
	return o.listAllAs(ctx, f, acceptMetadata)
}

// listAllAs is listAll with another Accept header.
func (o *Options) listAllAs(ctx context.Context, f *fetcher, accept string) (Stats, error) {
	paths, err := o.listablePaths()
	if err != nil {
		return Stats{}, err
	}
	var mu sync.Mutex // guards total
	total := Stats{Requests: 1}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Concurrency)
	for _, path := range paths {
		g.Go(func() error {
			s, err := f.list(ctx, path, accept)
			mu.Lock()
			defer mu.Unlock()
			total.Resources++
			total.Requests += s.Requests
			total.Bytes += s.Bytes
			if err != nil {
				total.Failed++
			}
			return nil
		})
	}
	err = g.Wait()
	return total, err
}

// listablePaths returns the list path of every resource with the list verb.
func (o *Options) listablePaths() ([]string, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(o.config)
	if err != nil {
		return nil, fmt.Errorf("failed to create discovery client: %w", err)
	}
	lists, err := discovery.ServerPreferredResources(dc)
	if err != nil && len(lists) == 0 {
		return nil, fmt.Errorf("failed to discover resources: %w", err)
	}
	lists = discovery.FilteredBy(discovery.SupportsAllVerbs{Verbs: []string{"list"}}, lists)
	var paths []string
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			return nil, fmt.Errorf("failed to parse group version %q: %w", list.GroupVersion, err)
		}
		for _, r := range list.APIResources {
			paths = append(paths, listPath(gv, r.Name))
		}
	}
	return paths, nil
}

// listPath returns the cluster-wide list path of resource in gv.
func listPath(gv schema.GroupVersion, resource string) string {
	if gv.Group == "" {
		return "/api/" + gv.Version + "/" + resource
	}
	return "/apis/" + gv.Group + "/" + gv.Version + "/" + resource
}
