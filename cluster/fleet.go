package cluster

import (
	"context"
	"fmt"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/clientconfig"
	"github.com/kdxproject/kdx/internal/version"
	"github.com/kdxproject/kdx/query"
)

// DefaultConcurrency is how many clusters a Fleet reads at once.
const DefaultConcurrency = 8

// Fleet is clusters in order. One cluster is a fleet of one.
type Fleet struct {
	Clusters []*Cluster
	// Concurrency bounds the clusters read at once; below 1 means
	// DefaultConcurrency.
	Concurrency int
}

// Names are the clusters' names, in order.
func (f *Fleet) Names() []string {
	names := make([]string, len(f.Clusters))
	for i, c := range f.Clusters {
		names[i] = c.Name
	}
	return names
}

// Result is what reading one cluster of a fleet came to: a value, or the
// cluster's failure.
type Result[T any] struct {
	Cluster *Cluster
	Value   T
	Err     error
}

// Each reads every cluster of f with read, f.Concurrency at a time, and
// calls emit with each result in the fleet's order, on one goroutine, as
// soon as the cluster and those before it are read. A cluster's failure is
// its Result's Err and does not stop the others; an error of emit, or the
// end of ctx, stops everything and is returned.
func Each[T any](ctx context.Context, f *Fleet, read func(context.Context, *Cluster) (T, error), emit func(Result[T]) error) error {
	limit := f.Concurrency
	if limit < 1 {
		limit = DefaultConcurrency
	}
	return query.Ordered(ctx, len(f.Clusters), limit, func(ctx context.Context, i int) Result[T] {
		v, err := read(ctx, f.Clusters[i])
		return Result[T]{Cluster: f.Clusters[i], Value: v, Err: err}
	}, func(_ int, r Result[T]) error { return emit(r) })
}

// Load is the fleet of the named contexts of a kubeconfig (a file, or a
// list of files as KUBECONFIG is; "" for KUBECONFIG, then ~/.kube/config),
// in the order named; no names is the current context. Nothing is asked of
// any server.
func Load(kubeconfig string, contexts []string, opts Options) (*Fleet, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.Precedence = filepath.SplitList(kubeconfig)
	}
	raw, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig is not valid: %w", err)
	}
	if len(contexts) == 0 {
		contexts = []string{raw.CurrentContext}
	}
	f := &Fleet{}
	for _, name := range contexts {
		if _, ok := raw.Contexts[name]; !ok {
			return nil, fmt.Errorf("context %q not found in kubeconfig", name)
		}
		loader := clientcmd.NewNonInteractiveClientConfig(*raw, name, &clientcmd.ConfigOverrides{}, rules)
		cfg, err := loader.ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("context %q: invalid client configuration: %w", name, err)
		}
		ns, _, err := loader.Namespace()
		if err != nil {
			return nil, fmt.Errorf("context %q: %w", name, err)
		}
		cfg.QPS = -1 // as kdx: pacing is left to the server's priority and fairness
		cfg.UserAgent = version.UserAgent()
		cfg.Wrap(clientconfig.Innermost) // credentials go to this server only; traces end with their request
		f.Clusters = append(f.Clusters, New(name, cfg, ns, opts))
	}
	return f, nil
}
