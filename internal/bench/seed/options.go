package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/bench"
)

// Options are the flags of seed.
type Options struct {
	// Plan is what to create.
	Plan bench.Plan
	// Workers bounds the concurrent requests.
	Workers int
	// Kubeconfig overrides KUBECONFIG when set.
	Kubeconfig string
	// Manifest, when set, is a file ("-" for stdout) that receives the objects
	// as multi-document YAML instead of the server.
	Manifest string

	// config is the client config, set by Complete.
	config *rest.Config
	// Out receives the report.
	Out io.Writer
}

// NewOptions returns the default options, reporting to out.
func NewOptions(out io.Writer) *Options {
	return &Options{Plan: bench.DefaultPlan(), Workers: bench.DefaultWorkers, Out: out}
}

// AddFlags registers the flags.
func (o *Options) AddFlags(flags *pflag.FlagSet) {
	flags.IntVar(&o.Plan.Namespaces, "namespaces", o.Plan.Namespaces, "number of namespaces")
	flags.IntVar(&o.Plan.CRDs, "crds", o.Plan.CRDs, "number of CustomResourceDefinitions (every 5th cluster-scoped)")
	flags.IntVar(&o.Plan.CustomObjects, "custom-objects", o.Plan.CustomObjects, "number of custom objects, spread over the CRDs and namespaces")
	flags.IntVar(&o.Plan.ConfigMaps, "configmaps", o.Plan.ConfigMaps, "number of ConfigMaps, spread over the namespaces")
	flags.IntVar(&o.Plan.ConfigMapSize, "configmap-size", o.Plan.ConfigMapSize, "data bytes per ConfigMap")
	flags.IntVar(&o.Workers, "workers", o.Workers, "concurrent create requests")
	flags.StringVar(&o.Plan.NamePrefix, "name-prefix", o.Plan.NamePrefix, "prefix of the ConfigMap and custom object names")
	flags.StringVar(&o.Manifest, "manifest", o.Manifest, "write the objects as multi-document YAML to this file (- for stdout) instead of creating them")
	flags.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)")
}

// Complete loads the client config, with client-side rate limiting off,
// unless the objects go to a manifest.
func (o *Options) Complete() error {
	if o.Manifest != "" {
		return nil
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

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.Workers < 1 {
		return fmt.Errorf("--workers must be at least 1")
	}
	return o.Plan.Validate()
}

// Run seeds the server and prints the report, or writes the manifest.
func (o *Options) Run(ctx context.Context) error {
	if o.Manifest != "" {
		return o.writeManifest()
	}
	client, err := dynamic.NewForConfig(o.config)
	if err != nil {
		return fmt.Errorf("failed to create client: %w", err)
	}
	fmt.Fprintf(o.Out, "seeding %s: %d namespaces, %d CRDs, %d custom objects, %d ConfigMaps of %d bytes\n",
		o.config.Host, o.Plan.Namespaces, o.Plan.CRDs, o.Plan.CustomObjects, o.Plan.ConfigMaps, o.Plan.ConfigMapSize)
	seeder := &bench.Seeder{Client: client, Workers: o.Workers}
	report, err := seeder.Seed(ctx, o.Plan)
	if err != nil {
		return err
	}
	return report.Print(o.Out)
}

// writeManifest writes the plan's objects to the Manifest file.
func (o *Options) writeManifest() error {
	if o.Manifest == "-" {
		return bench.WriteManifest(o.Out, o.Plan)
	}
	f, err := os.Create(o.Manifest)
	if err != nil {
		return fmt.Errorf("failed to create --manifest file: %w", err)
	}
	if err := bench.WriteManifest(f, o.Plan); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("failed to write --manifest file: %w", err)
	}
	return nil
}
