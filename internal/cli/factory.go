package cli

import (
	"context"
	"io"
	"sync"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/clientconfig"
)

// Factory is what a command gets from the global flags: its streams, and
// the cluster, or clusters, the flags name. Commands read it in Complete
// or Run, never while flags are parsed.
type Factory interface {
	// Streams are the command's stdin, stdout and stderr.
	Streams() genericiooptions.IOStreams
	// Config is the client configuration of the one context the command
	// runs against (an error when the flags name several: see OneContext).
	Config() (*clientconfig.Config, error)
	// Cluster is that context's cluster: discovery (cached in CacheDir),
	// resolver, dynamic client and engine, its warnings on stderr.
	Cluster() (*cluster.Cluster, error)
	// Discovery is the cluster's discovery client; with options (--refresh,
	// --cached) a new one.
	Discovery(opts ...func(*discovery.Options)) (*discovery.Client, error)
	// Resolver resolves what the user types into resources.
	Resolver(ctx context.Context) (*discovery.Resolver, error)
	// ReadClient is the configuration and dynamic client of a read; with
	// allTypes (types the user did not name) server deprecation warnings
	// are shown only with -v.
	ReadClient(allTypes bool) (*clientconfig.Config, *dynamicclient.Client, error)
	// CacheDir is the root of kdx's caches.
	CacheDir() string

	// Contexts are the contexts --context and --all-contexts name when
	// they name a list, a glob or all; nil for one context.
	Contexts() ([]string, error)
	// Fleet is Contexts, and whether there are several (one context from a
	// glob runs as --context NAME).
	Fleet() ([]string, bool, error)
	// WriteContexts are the contexts of a write: an explicit list only.
	WriteContexts() ([]string, bool, error)
	// OneContext refuses a fleet, for a command that runs against one context.
	OneContext() error
	// ContextName is --context as given, or the context of a fleet's member.
	ContextName() string
	// ClusterConcurrency is how many clusters of a fleet are read at once.
	ClusterConcurrency() int
	// ForContext is the factory of one context of a fleet, with its own
	// configuration, discovery cache and resolver.
	ForContext(name string) Factory
	// AllContexts are every context of the kubeconfig, in its order (the
	// explorer's :ctx lists them).
	AllContexts() ([]clientconfig.ContextInfo, error)
	// WithStreams is the factory with other streams (a cluster of a fleet
	// whose output is held until those before it are printed).
	WithStreams(streams genericiooptions.IOStreams) Factory
}

// DefaultFactory is the Factory of kdx: the global flags (kubectl's
// connection flags, --qps, --burst, the fleet flags) and what they give,
// each built once.
type DefaultFactory struct {
	streams genericiooptions.IOStreams
	flags   *clientconfig.Flags
	opts    clientconfig.Options
	fleet   fleetFlags

	cluster factoryCluster // the cluster of the context, built once

	once sync.Once // guards cfg and err
	cfg  *clientconfig.Config
	err  error
}

var _ Factory = (*DefaultFactory)(nil)

// NewFactory is the factory of a command line; add its flags with AddFlags.
func NewFactory(streams genericiooptions.IOStreams) *DefaultFactory {
	return &DefaultFactory{streams: streams, flags: clientconfig.NewFlags(), opts: clientconfig.Options{QPS: -1, Burst: 300}}
}

// AddFlags adds the global flags: kubectl's connection flags, --qps/--burst
// and the fleet flags.
func (f *DefaultFactory) AddFlags(fs *pflag.FlagSet) {
	f.flags.AddFlags(fs)
	f.fleet.AddFlags(fs)
	fs.Float32Var(&f.opts.QPS, "qps", f.opts.QPS, "client-side requests per second; negative (the default) leaves pacing to the server's priority and fairness")
	fs.IntVar(&f.opts.Burst, "burst", f.opts.Burst, "client-side burst, used when --qps is positive")
}

// Streams are the command's streams.
func (f *DefaultFactory) Streams() genericiooptions.IOStreams { return f.streams }

// AllContexts are every context of the kubeconfig.
func (f *DefaultFactory) AllContexts() ([]clientconfig.ContextInfo, error) {
	return clientconfig.ListContexts(f.flags)
}

// KubeconfigFlags are the connection flags (for completing them).
func (f *DefaultFactory) KubeconfigFlags() *clientconfig.Flags { return f.flags }

// Config loads the client configuration once.
func (f *DefaultFactory) Config() (*clientconfig.Config, error) {
	f.once.Do(func() {
		if f.err = f.OneContext(); f.err != nil {
			return
		}
		f.cfg, f.err = clientconfig.Load(f.flags, f.opts)
		if f.err == nil {
			f.cfg.REST.WarningHandler = rest.NewWarningWriter(f.streams.ErrOut, rest.WarningWriterOptions{Deduplicate: true})
		}
	})
	return f.cfg, f.err
}

// CacheDir is the root of kdx's caches: --cache-dir when given, else
// ${XDG_CACHE_HOME:-~/.cache}/kdx. Discovery lives in CacheDir()/discovery/<host_port>.
func (f *DefaultFactory) CacheDir() string {
	return f.flags.CacheDir
}

// QuietUnnamed is cfg for reading types the user did not name (every type):
// a server's deprecation warning for one of them (v1 Endpoints) is
// something the user can do nothing about, shown only with -v.
func QuietUnnamed(cfg *rest.Config) *rest.Config {
	if klog.V(1).Enabled() {
		return cfg
	}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NoWarnings{}
	return cfg
}

// ReadClient is the configuration and dynamic client of a read: with
// allTypes (types the user did not name), server deprecation warnings are
// quiet (see QuietUnnamed); warnings go to f's stderr.
func (f *DefaultFactory) ReadClient(allTypes bool) (*clientconfig.Config, *dynamicclient.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, nil, err
	}
	restCfg := cfg.REST
	if allTypes {
		restCfg = QuietUnnamed(restCfg)
	}
	client, err := dynamicclient.New(restCfg, dynamicclient.WithWarnings(f.streams.ErrOut))
	return cfg, client, err
}

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
func (f *DefaultFactory) Cluster() (*cluster.Cluster, error) {
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
func (f *DefaultFactory) Discovery(opts ...func(*discovery.Options)) (*discovery.Client, error) {
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
func (f *DefaultFactory) Resolver(ctx context.Context) (*discovery.Resolver, error) {
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
func (f *DefaultFactory) servedElsewhere(ctx context.Context, typ string) []string {
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
		c := f.forContext(name)
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
