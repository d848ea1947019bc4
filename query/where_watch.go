package query

import (
	"context"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"

	"github.com/kdxproject/kdx/dynamicclient"
)

// watchKey names an object across the watches of one run.
type watchKey struct{ apiVersion, kind, namespace, name string }

// watchEvents wraps handle so that it sees the events of matching objects
// only, as a server-side selector would send them: an object that starts
// to match is ADDED, one that stops matching is DELETED (with its new
// state), and the deletion of an object never shown is not an event.
// shown holds the keys of the objects shown and not deleted since: the
// matches, not every object watched.
func (w *Where) watchEvents(handle func(dynamicclient.WatchEvent) error) func(dynamicclient.WatchEvent) error {
	var mu sync.Mutex // guards shown
	shown := map[watchKey]bool{}
	return func(ev dynamicclient.WatchEvent) error {
		if ev.Type == dynamicclient.Synced { // no object: the first lists are in
			return handle(ev)
		}
		o := ev.Object
		k := watchKey{o.GetAPIVersion(), o.GetKind(), o.GetNamespace(), o.GetName()}
		mu.Lock()
		was := shown[k]
		match := ev.Type != watch.Deleted && w.Filter.Match(o.Object)
		switch {
		case match && !was:
			ev.Type = watch.Added
			shown[k] = true
		case !match && was:
			ev.Type = watch.Deleted
			delete(shown, k)
		}
		mu.Unlock()
		if !match && !was {
			return nil
		}
		return handle(ev)
	}
}

// watch is what a watch of sources needs for the filter: the filter's
// field selector pushed to the server where it can be, table rows with
// whole objects when the filter reads more than metadata, and the events
// of matching objects only.
func (w *Where) watch(ctx context.Context, sources []dynamicclient.WatchSource, opts *dynamicclient.WatchOptions,
	handle func(dynamicclient.WatchEvent) error) func(dynamicclient.WatchEvent) error {
	if w == nil {
		return handle
	}
	for i := range sources {
		t := discovery.Target{Mapping: sources[i].Mapping}
		sources[i].FieldSelector = w.fieldSelector(ctx, t, sources[i].FieldSelector)
	}
	if opts.Table && !w.Filter.MetadataOnly() {
		opts.IncludeObject = metav1.IncludeObject
	}
	return w.watchEvents(handle)
}
