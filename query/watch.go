package query

import (
	"context"
	"sync"
	"time"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// WatchRequest is what to watch of the targets: a namespace ("" for all
// namespaces or cluster-scoped types) and selectors.
type WatchRequest struct {
	Namespace                    string
	LabelSelector, FieldSelector string
	// Types, when set, revalidates discovery and selects every type again,
	// so that a watch of every type follows the types that appear (see
	// FollowTypes); nil: the targets are fixed.
	Types func(context.Context) ([]discovery.Target, error)
	// Where, when set, keeps the events of matching objects only (see
	// where_watch.go).
	Where *Where
	// Timeout, when positive, ends the watch after this long (Watch then
	// returns what the watch returns at the end of its context), counted
	// once Where is checked: the schemas that check reads are not cut short
	// by it, so a comparison that can never hold is its error even under a
	// short --timeout on a slow server.
	Timeout time.Duration
}

// Sources turns targets into watch sources: one per named object (a
// metadata.name field selector, as kubectl watches one object), else one
// per type.
func (r WatchRequest) Sources(targets []discovery.Target) []dynamicclient.WatchSource {
	var out []dynamicclient.WatchSource
	for _, t := range targets {
		src := dynamicclient.WatchSource{
			Mapping:       t.Mapping,
			LabelSelector: r.LabelSelector, FieldSelector: r.FieldSelector,
		}
		if t.Namespaced {
			src.Namespace = r.Namespace
		}
		if len(t.Names) == 0 {
			out = append(out, src)
			continue
		}
		for _, name := range t.Names {
			named := src
			named.FieldSelector = joinSelectors("metadata.name="+name, r.FieldSelector)
			out = append(out, named)
		}
	}
	return out
}

func joinSelectors(a, b string) string {
	if b == "" {
		return a
	}
	return a + "," + b
}

// Watch watches the sources of targets; with r.Types, it also watches each
// type that appears while it runs, from its first object, until the main
// watch ends (their failures reach opts.Notify). It returns the main watch's
// error once every watch it started has ended.
func (r WatchRequest) Watch(ctx context.Context, client *dynamicclient.Client, targets []discovery.Target,
	opts dynamicclient.WatchOptions, handle func(dynamicclient.WatchEvent) error) error {
	if err := r.Where.check(ctx, targets); err != nil {
		return err
	}
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	sources := r.Sources(targets)
	handle = r.Where.watch(ctx, sources, &opts, handle)
	if r.Types == nil {
		return client.Watch(ctx, sources, opts, handle)
	}
	fctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	later := opts
	later.WatchOnly = false // a new type's objects are all new
	later.Synced = nil
	wg.Add(1)
	go func() {
		defer wg.Done()
		FollowTypes(fctx, FollowInterval, targets, r.Types, func(added []discovery.Target) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				more, mopts := r.Sources(added), later
				r.Where.watch(fctx, more, &mopts, nil) // the selector and rows; handle filters already
				_ = client.Watch(fctx, more, mopts, handle)
			}()
		})
	}()
	return client.Watch(ctx, sources, opts, handle)
}
