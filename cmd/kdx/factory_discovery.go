package main

import (
	"context"
	"sync"

	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
)

// factoryCluster is the cluster of the factory's context, built once.
type factoryCluster struct {
	once    sync.Once // guards cluster and err
	cluster *cluster.Cluster
	err     error
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
	return c.Resolver(ctx)
}
