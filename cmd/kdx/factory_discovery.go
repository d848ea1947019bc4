package main

import (
	"context"
	"io"
	"sync"

	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/clientconfig"
)

// factoryDiscovery is what a factory built for discovery, once.
type factoryDiscovery struct {
	once     sync.Once // guards client and err
	client   *discovery.Client
	err      error
	rOnce    sync.Once // guards resolver and rErr
	resolver *discovery.Resolver
	rErr     error
	warnings onceWriter // stderr, each line once across all clients of the factory
}

// onceWriter writes each distinct line once; the discovery clients of one
// command share it so that a skipped group is reported once.
type onceWriter struct {
	mu   sync.Mutex // guards seen
	w    io.Writer
	seen map[string]bool
}

func (o *onceWriter) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[string(p)] {
		return len(p), nil
	}
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	o.seen[string(p)] = true
	return o.w.Write(p)
}

// discoveryState is the factory's discovery state.
func (f *factory) discoveryState() *factoryDiscovery { return &f.discovery }

// Discovery returns the discovery client of the current server, caching in
// CacheDir()/discovery and warning on stderr. Without options it is built
// once and shared; options (for --refresh, --cached) build a new one.
func (f *factory) Discovery(opts ...func(*discovery.Options)) (*discovery.Client, error) {
	if len(opts) == 0 {
		st := f.discoveryState()
		st.once.Do(func() { st.client, st.err = f.newDiscovery() })
		return st.client, st.err
	}
	return f.newDiscovery(opts...)
}

func (f *factory) newDiscovery(opts ...func(*discovery.Options)) (*discovery.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	o := discovery.Options{CacheDir: f.CacheDir(), Warnings: &f.discoveryState().warnings,
		WarnAllSkipped: klog.V(1).Enabled()} // -v: every skipped group, whatever the command
	for _, opt := range opts {
		opt(&o)
	}
	return discovery.NewClient(cfg.REST, o)
}

// Resolver returns the resolver of what the user types into resources,
// built once over the shared discovery client.
func (f *factory) Resolver(ctx context.Context) (*discovery.Resolver, error) {
	st := f.discoveryState()
	st.rOnce.Do(func() {
		c, err := f.Discovery()
		if err != nil {
			st.rErr = err
			return
		}
		st.resolver, st.rErr = c.Resolver(ctx)
		if st.rErr == nil {
			st.resolver.SetServedElsewhere(f.servedElsewhere)
		}
	})
	return st.resolver, st.rErr
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
		c.discovery.warnings.w = io.Discard
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
