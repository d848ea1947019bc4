package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Accept headers of the three modes, as kubectl sends them.
const (
	acceptTable    = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
	acceptJSON     = "application/json"
	acceptMetadata = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
)

// Options are the flags and arguments of floor.
type Options struct {
	// Kubeconfig overrides KUBECONFIG when set.
	Kubeconfig string
	// ChunkSize is the limit of each list request; 0 asks for everything at once.
	ChunkSize int
	// Concurrency bounds the resources listed at once in metadata mode, and
	// the apply requests in flight in apply mode.
	Concurrency int
	// Mode is table, json, metadata, count or apply.
	Mode string
	// Path is the list path of the table and json modes.
	Path string
	// File is the manifest of apply mode.
	File string
	// Contexts, when set, runs the mode against each of these kubeconfig
	// contexts at once (one HTTP client each), as kdx reads a fleet; the
	// summary adds them up.
	Contexts []string

	// config is the client config, set by Complete; others are those of
	// the other --contexts.
	config *rest.Config
	others []*rest.Config
	// Out receives the summary line.
	Out io.Writer
}

// NewOptions returns the defaults, reporting to out.
func NewOptions(out io.Writer) *Options {
	return &Options{ChunkSize: 500, Concurrency: 16, Path: "/api/v1/configmaps", Out: out}
}

// AddFlags registers the flags.
func (o *Options) AddFlags(flags *pflag.FlagSet) {
	flags.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)")
	flags.IntVar(&o.ChunkSize, "chunk-size", o.ChunkSize, "objects per list request (0: no paging)")
	flags.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "resources listed at once in metadata mode, requests in flight in apply mode")
	flags.StringSliceVar(&o.Contexts, "contexts", o.Contexts, "run against each of these contexts at once (a fleet's floor)")
}

// Complete reads the mode and path (or file) and loads the client config.
func (o *Options) Complete(args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("usage: floor [flags] table|json [PATH] | metadata | count | apply FILE | kubectl-tree UID")
	}
	o.Mode = args[0]
	switch {
	case o.Mode == "apply" && len(args) == 2:
		o.File = args[1]
	case o.Mode == "apply":
		return fmt.Errorf("apply mode needs a manifest file: floor [flags] apply FILE")
	case o.Mode == "kubectl-tree" && len(args) == 2:
		o.Path = args[1] // the root's uid
	case o.Mode == "kubectl-tree":
		return fmt.Errorf("kubectl-tree mode needs the root's uid: floor [flags] kubectl-tree UID")
	case o.Mode != "table" && o.Mode != "json" && o.Mode != "metadata" && o.Mode != "count" && o.Mode != "kubectl-tree":
		return fmt.Errorf("unknown mode %q: want table, json, metadata, count or apply", o.Mode)
	case len(args) == 2:
		o.Path = args[1]
	}
	if o.Concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, got %d", o.Concurrency)
	}
	configs, err := loadConfigs(o.Kubeconfig, o.Contexts)
	if err != nil {
		return err
	}
	o.config, o.others = configs[0], configs[1:]
	return nil
}

// loadConfigs loads the client config of each context (the current one when
// none is named). kubeconfig may be a list of files, as KUBECONFIG is.
func loadConfigs(kubeconfig string, contexts []string) ([]*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.Precedence = filepath.SplitList(kubeconfig)
	}
	if len(contexts) == 0 {
		contexts = []string{""}
	}
	configs := make([]*rest.Config, 0, len(contexts))
	for _, name := range contexts {
		config, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: name}).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("failed to load kubeconfig: %w", err)
		}
		config.QPS = -1
		configs = append(configs, config)
	}
	return configs, nil
}

// Run sends the requests of the mode, to every context at once when there
// are several, and prints a summary.
func (o *Options) Run(ctx context.Context) error {
	start := time.Now()
	configs := append([]*rest.Config{o.config}, o.others...)
	results := make([]Stats, len(configs))
	errs := make([]error, len(configs))
	var wg sync.WaitGroup
	for i, config := range configs {
		one := *o
		one.config, one.others = config, nil
		wg.Go(func() { results[i], errs[i] = one.runOne(ctx) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var stats Stats
	for _, s := range results {
		stats.Resources += s.Resources
		stats.Requests += s.Requests
		stats.Bytes += s.Bytes
		stats.Failed += s.Failed
	}
	fmt.Fprintf(o.Out, "floor %s: %s in %.3fs\n", o.Mode, stats, time.Since(start).Seconds())
	return nil
}

// runOne sends the requests of the mode to o.config.
func (o *Options) runOne(ctx context.Context) (Stats, error) {
	client, err := rest.HTTPClientFor(o.config)
	if err != nil {
		return Stats{}, fmt.Errorf("failed to create HTTP client: %w", err)
	}
	f := &fetcher{client: client, host: o.config.Host, chunkSize: o.ChunkSize}
	var stats Stats
	switch o.Mode {
	case "table":
		stats, err = f.list(ctx, o.Path, acceptTable)
	case "json":
		stats, err = f.list(ctx, o.Path, acceptJSON)
	case "apply":
		stats, err = o.applyFile(ctx, f)
	case "kubectl-tree":
		stats, err = o.kubectlTree(ctx, f, o.Path)
	case "count":
		// What api-resources --count asks: one metadata page of limit=1 per
		// listable type (its remainingItemCount is the count).
		f.chunkSize, f.firstPageOnly = 1, true
		stats, err = o.listAll(ctx, f)
	default:
		stats, err = o.listAll(ctx, f)
	}
	return stats, err
}

// fetcher sends list and apply requests over one HTTP client.
type fetcher struct {
	client    *http.Client
	host      string
	chunkSize int
	// firstPageOnly stops each list after its first page (count mode).
	firstPageOnly bool
	// decode, when set, decodes each whole page and returns its continue
	// token (kubectl-tree mode); else nothing but the token is decoded.
	decode func([]byte) (string, error)
}
