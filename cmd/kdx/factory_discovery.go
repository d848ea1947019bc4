package main

import (
	"context"
	"io"
	"sync"

	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/clientconfig"
)

// factoryCluster is the cluster of the factory's context, built once.
type factoryCluster struct {
	once    sync.Once // guards cluster and err
	cluster *cluster.Cluster
	err     error
	// elsewhere sets, once, the resolver's answer for a type this cluster
	// does not serve (the other contexts that do).
	elsewhere sync.Once
}

// Cluster is the cluster of the factory's context: its discovery client
// (caching in CacheDir()/discovery, warning on stderr once per line),
// resolver, dynamic client and engine.
func (f *factory) Cluster() (*cluster.Cluster, error) {
	st := &f.cluster
	st.once.Do(func() {
		cfg, err := f.Config()
		if err != nil {
			st.err = err
			return
		}
		st.cluster = cluster.New(cfg.Context, cfg.REST, cfg.Namespace, cluster.Options{CacheDir: f.CacheDir(),
			Warnings: f.streams.ErrOut, WarnAllSkipped: klog.V(1).Enabled()}) // -v: every skipped group, whatever the command
	})
	return st.cluster, st.err
}

// Discovery returns the discovery client of the current server. Without
// options it is built once and shared; options (for --refresh, --cached)
// build a new one.
func (f *factory) Discovery(opts ...func(*discovery.Options)) (*discovery.Client, error) {
	c, err := f.Cluster()
	if err != nil {
		return nil, err
	}
	if len(opts) == 0 {
		return c.Discovery()
	}
	return c.NewDiscovery(opts...)
}

// Resolver returns the resolver of what the user types into resources,
// built once over the shared discovery client.
func (f *factory) Resolver(ctx context.Context) (*discovery.Resolver, error) {
	c, err := f.Cluster()
	if err != nil {
		return nil, err
	}
	r, err := c.Resolver(ctx)
	if err == nil {
		f.cluster.elsewhere.Do(func() { r.SetServedElsewhere(f.servedElsewhere) })
	}
	return r, err
}

// servedElsewhere names the other contexts that serve typ, a type the
// current cluster does not have: for a cluster of a fleet, the fleet's
// other contexts, through their discovery as the fleet reads them; for one
// context, every other context of the kubeconfig, from its discovery cache
// alone (no request to a cluster the user did not name).
func (f *factory) servedElsewhere(ctx context.Context, typ string) []string {
	others, cachedOnly := f.fleet.members, false
	if len(others) == 0 {
		all, err := clientconfig.SelectContexts(f.flags.ForContext(""), true)
		if err != nil {
			return nil
		}
		others, cachedOnly = all, true
	}
	current := f.flags.Context
	if current == "" {
		raw, err := f.flags.ToRawKubeConfigLoader().RawConfig()
		if err != nil {
			return nil
		}
		current = raw.CurrentContext
	}
	var served []string
	for _, name := range others {
		if name == current {
			continue
		}
		c := f.ForContext(name)
		c.streams.ErrOut = io.Discard
		dc, err := c.Discovery(func(o *discovery.Options) { o.CachedOnly = cachedOnly })
		if err != nil {
			continue
		}
		// the client's own resolver: it asks no one else in turn
		if r, err := dc.Resolver(ctx); err == nil {
			if _, err := r.Resolve(ctx, typ); err == nil {
				served = append(served, name)
			}
		}
	}
	return served
}
