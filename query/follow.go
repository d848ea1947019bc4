package query

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// FollowInterval is how often FollowTypes revalidates discovery: with
// ETags, a revalidation that finds nothing new is a few 304s.
const FollowInterval = 3 * time.Second

// FollowTypes keeps a running "every type" request current: every interval
// it calls types (a discovery revalidation and the selection of the
// request) and hands the types not seen before to added, until ctx ends.
// Types that went away need nothing: their reads end with NotFound. A
// failed revalidation is tried again at the next tick.
func FollowTypes(ctx context.Context, interval time.Duration, known []discovery.Target,
	types func(context.Context) ([]discovery.Target, error), added func([]discovery.Target)) {
	seen := map[schema.GroupResource]bool{}
	for _, t := range known {
		seen[t.GVR.GroupResource()] = true
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		all, err := types(ctx)
		if err != nil {
			continue
		}
		var fresh []discovery.Target
		for _, t := range all {
			if gr := t.GVR.GroupResource(); !seen[gr] {
				seen[gr] = true
				fresh = append(fresh, t)
			}
		}
		if len(fresh) > 0 {
			added(fresh)
		}
	}
}
