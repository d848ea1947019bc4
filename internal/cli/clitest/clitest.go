// Package clitest is a fake cli.Factory for the unit tests of commands:
// buffers for streams and, when a test gives one, a fake API server (an
// httptest server on loopback) for the cluster.
package clitest

import (
	"bytes"
	"context"
	"errors"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/clientconfig"
)

// ErrNoServer is what a Factory without Server answers when a command
// reaches for the cluster.
var ErrNoServer = errors.New("clitest: no server")

// Factory is a cli.Factory over buffers and an optional fake server.
type Factory struct {
	In          *bytes.Buffer
	Out, ErrOut *bytes.Buffer
	// Server is the URL of the fake API server; "" makes every call that
	// needs the cluster fail with ErrNoServer.
	Server string
	// Namespace is the namespace of the context ("default" when empty);
	// ExplicitNamespace says -n gave it.
	Namespace         string
	ExplicitNamespace bool
	// Context is the context's name; ContextList, when it has several,
	// makes the factory a fleet of those contexts (each served by Server).
	Context     string
	ContextList []string
	// Servers are the servers of the contexts of ContextList that Server
	// does not serve (a context's own objects, or a cluster that is down).
	Servers map[string]string
	// Cache is the cache directory ("" caches nothing).
	Cache string
	// Kubeconfig are the contexts AllContexts lists; when empty, those of
	// ContextList (or Context), each its own cluster, the first current.
	Kubeconfig []clientconfig.ContextInfo

	streams *genericiooptions.IOStreams
	cluster *cluster.Cluster
}

var _ cli.Factory = (*Factory)(nil)

// New is a Factory with empty buffers and no server.
func New() *Factory {
	return &Factory{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
}

// Streams are the buffers (or the streams WithStreams gave).
func (f *Factory) Streams() genericiooptions.IOStreams {
	if f.streams != nil {
		return *f.streams
	}
	return genericiooptions.IOStreams{In: f.In, Out: f.Out, ErrOut: f.ErrOut}
}

// Config is the configuration of Server.
func (f *Factory) Config() (*clientconfig.Config, error) {
	if err := f.OneContext(); err != nil {
		return nil, err
	}
	if f.Server == "" {
		return nil, ErrNoServer
	}
	ns := f.Namespace
	if ns == "" {
		ns = "default"
	}
	return &clientconfig.Config{REST: &rest.Config{Host: f.Server}, Namespace: ns, ExplicitNamespace: f.ExplicitNamespace, Context: f.Context}, nil
}

// Cluster is the cluster of Server, built once.
func (f *Factory) Cluster() (*cluster.Cluster, error) {
	if f.cluster != nil {
		return f.cluster, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	f.cluster = cluster.New(cfg.Context, cfg.REST, cfg.Namespace, cluster.Options{CacheDir: f.Cache, Warnings: f.Streams().ErrOut})
	return f.cluster, nil
}

// Discovery is the cluster's discovery client (a new one with options).
func (f *Factory) Discovery(opts ...func(*discovery.Options)) (*discovery.Client, error) {
	c, err := f.Cluster()
	if err != nil {
		return nil, err
	}
	if len(opts) == 0 {
		return c.Discovery()
	}
	return c.NewDiscovery(opts...)
}

// Resolver is the cluster's resolver.
func (f *Factory) Resolver(ctx context.Context) (*discovery.Resolver, error) {
	c, err := f.Cluster()
	if err != nil {
		return nil, err
	}
	return c.Resolver(ctx)
}

// ReadClient is the configuration and a dynamic client of Server.
func (f *Factory) ReadClient(bool) (*clientconfig.Config, *dynamicclient.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, nil, err
	}
	client, err := dynamicclient.New(cfg.REST, dynamicclient.WithWarnings(f.Streams().ErrOut))
	return cfg, client, err
}

// CacheDir is Cache.
func (f *Factory) CacheDir() string { return f.Cache }

// Contexts is ContextList when it names several.
func (f *Factory) Contexts() ([]string, error) {
	if len(f.ContextList) < 2 {
		return nil, nil
	}
	return f.ContextList, nil
}

// Fleet is Contexts, and whether there are several.
func (f *Factory) Fleet() ([]string, bool, error) {
	names, err := f.Contexts()
	return names, len(names) > 1, err
}

// WriteContexts is Fleet.
func (f *Factory) WriteContexts() ([]string, bool, error) { return f.Fleet() }

// OneContext refuses a fleet as the real factory does.
func (f *Factory) OneContext() error {
	if len(f.ContextList) > 1 {
		return errors.New("this command runs against one context")
	}
	return nil
}

// ContextName is Context.
func (f *Factory) ContextName() string { return f.Context }

// ClusterConcurrency is 2.
func (f *Factory) ClusterConcurrency() int { return 2 }

// ForContext is a copy of f for the context name, on the same server.
func (f *Factory) ForContext(name string) cli.Factory {
	c := *f
	c.Context, c.ContextList, c.cluster = name, nil, nil
	if url, ok := f.Servers[name]; ok {
		c.Server = url
	}
	return &c
}

// AllContexts is Kubeconfig, or ContextList's (Context's) contexts.
func (f *Factory) AllContexts() ([]clientconfig.ContextInfo, error) {
	if len(f.Kubeconfig) > 0 {
		return f.Kubeconfig, nil
	}
	names := f.ContextList
	if len(names) == 0 && f.Context != "" {
		names = []string{f.Context}
	}
	out := make([]clientconfig.ContextInfo, len(names))
	for i, name := range names {
		out[i] = clientconfig.ContextInfo{Name: name, Cluster: name, User: name, Current: i == 0}
	}
	return out, nil
}

// WithStreams is a copy of f writing to streams.
func (f *Factory) WithStreams(streams genericiooptions.IOStreams) cli.Factory {
	c := *f
	c.streams, c.cluster = &streams, nil
	return &c
}
