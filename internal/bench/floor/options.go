package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

	// config is the client config, set by Complete.
	config *rest.Config
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
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.Kubeconfig
	config, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return fmt.Errorf("failed to load kubeconfig: %w", err)
	}
	config.QPS = -1
	o.config = config
	return nil
}

// Run sends the requests of the mode and prints a summary.
func (o *Options) Run(ctx context.Context) error {
	client, err := rest.HTTPClientFor(o.config)
	if err != nil {
		return fmt.Errorf("failed to create HTTP client: %w", err)
	}
	f := &fetcher{client: client, host: o.config.Host, chunkSize: o.ChunkSize}
	start := time.Now()
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
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "floor %s: %s in %.3fs\n", o.Mode, stats, time.Since(start).Seconds())
	return nil
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
