package cluster

import (
	"context"
	"io"
	"sync"

	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/explain"
	"github.com/kdxproject/kdx/query"
)

// Options configure how a Cluster reaches its server.
type Options struct {
	// CacheDir is the root of kdx's caches (discovery is cached in
	// CacheDir/discovery/<host_port>); "" caches nothing on disk.
	CacheDir string
	// Warnings receives the cluster's warnings: discovery's (a skipped API
	// group, a stale cache) each distinct line once, the dynamic client's
	// as they come; nil discards them.
	Warnings io.Writer
	// WarnAllSkipped warns of every skipped API group whenever discovery is
	// read (-v), not only where an answer may be incomplete because of it.
	WarnAllSkipped bool
}

// Cluster is what one kubeconfig context gives. Its parts are built on
// first use, once; it is safe for concurrent use.
type Cluster struct {
	// Name is the context's name ("" for a configuration without one).
	Name string
	// REST is the client configuration of every request.
	REST *rest.Config
	// Namespace is the context's namespace ("default" when it sets none).
	Namespace string

	opts     Options
	out      io.Writer   // Options.Warnings, or io.Discard
	warnings *onceWriter // out, each line once (discovery)

	discOnce sync.Once
	disc     *discovery.Client
	discErr  error

	resOnce  sync.Once
	resolver *discovery.Resolver
	resErr   error

	dynOnce sync.Once
	dyn     *dynamicclient.Client
	dynErr  error

	openAPIOnce sync.Once
	openAPI     *explain.Client
	openAPIErr  error
}

// New is the cluster of context name, reached with cfg.
func New(name string, cfg *rest.Config, namespace string, opts Options) *Cluster {
	if namespace == "" {
		namespace = "default"
	}
	w := opts.Warnings
	if w == nil {
		w = io.Discard
	}
	return &Cluster{Name: name, REST: cfg, Namespace: namespace, opts: opts, out: w, warnings: &onceWriter{w: w}}
}

// Warnings is where the cluster's discovery warnings go, each distinct
// line once.
func (c *Cluster) Warnings() io.Writer { return c.warnings }

// Discovery is the cluster's discovery client, caching under
// Options.CacheDir; built once.
func (c *Cluster) Discovery() (*discovery.Client, error) {
	c.discOnce.Do(func() { c.disc, c.discErr = c.NewDiscovery() })
	return c.disc, c.discErr
}

// NewDiscovery is a discovery client of its own (for --refresh or
// --cached), with the cluster's cache and warnings, changed by opts.
func (c *Cluster) NewDiscovery(opts ...func(*discovery.Options)) (*discovery.Client, error) {
	o := discovery.Options{CacheDir: c.opts.CacheDir, Warnings: c.warnings, WarnAllSkipped: c.opts.WarnAllSkipped}
	for _, opt := range opts {
		opt(&o)
	}
	return discovery.NewClient(c.REST, o)
}

// Resolver resolves what a user types into the cluster's resources, over
// the shared discovery client; built once.
func (c *Cluster) Resolver(ctx context.Context) (*discovery.Resolver, error) {
	c.resOnce.Do(func() {
		d, err := c.Discovery()
		if err != nil {
			c.resErr = err
			return
		}
		c.resolver, c.resErr = d.Resolver(ctx)
	})
	return c.resolver, c.resErr
}

// Client is the cluster's dynamic client; built once.
func (c *Cluster) Client() (*dynamicclient.Client, error) {
	c.dynOnce.Do(func() { c.dyn, c.dynErr = dynamicclient.New(c.REST, dynamicclient.WithWarnings(c.out)) })
	return c.dyn, c.dynErr
}

// Engine is the read engine over the cluster's dynamic client.
func (c *Cluster) Engine() (*query.Engine, error) {
	client, err := c.Client()
	if err != nil {
		return nil, err
	}
	return &query.Engine{Lister: client}, nil
}

// Snapshot is what the cluster serves, from discovery (its cache
// revalidated as discovery.Client.Snapshot says).
func (c *Cluster) Snapshot(ctx context.Context) (*discovery.Snapshot, error) {
	d, err := c.Discovery()
	if err != nil {
		return nil, err
	}
	return d.Snapshot(ctx)
}

// Each reads req from the cluster through its engine: see query.Engine.Each.
func (c *Cluster) Each(ctx context.Context, req query.Request, rep *query.Report, open func(discovery.Target) query.Sink, done func(discovery.Target, query.Sink) error) error {
	eng, err := c.Engine()
	if err != nil {
		return err
	}
	return eng.Each(ctx, req, rep, open, done)
}

// onceWriter writes each distinct line once: the clients of one cluster
// share it, so that a skipped group is reported once.
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
