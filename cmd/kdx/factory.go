package main

import (
	"sync"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/clientconfig"
)

// factory holds the global flags and builds, once, what commands need to
// reach the cluster. Commands read it in Complete, never in flag parsing.
type factory struct {
	streams genericiooptions.IOStreams
	flags   *clientconfig.Flags
	opts    clientconfig.Options
	fleet   fleetFlags

	cluster factoryCluster // the cluster of the context, built once

	once sync.Once // guards cfg and err
	cfg  *clientconfig.Config
	err  error
}

func newFactory(streams genericiooptions.IOStreams) *factory {
	return &factory{streams: streams, flags: clientconfig.NewFlags(), opts: clientconfig.Options{QPS: -1, Burst: 300}}
}

// AddFlags adds the global flags: kubectl's connection flags and --qps/--burst.
func (f *factory) AddFlags(fs *pflag.FlagSet) {
	f.flags.AddFlags(fs)
	f.fleet.AddFlags(fs)
	fs.Float32Var(&f.opts.QPS, "qps", f.opts.QPS, "client-side requests per second; negative (the default) leaves pacing to the server's priority and fairness")
	fs.IntVar(&f.opts.Burst, "burst", f.opts.Burst, "client-side burst, used when --qps is positive")
}

// Config loads the client configuration once.
func (f *factory) Config() (*clientconfig.Config, error) {
	f.once.Do(func() {
		if f.err = f.oneContext(); f.err != nil {
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
func (f *factory) CacheDir() string {
	return f.flags.CacheDir
}

// quietUnnamed is cfg for reading types the user did not name (every type):
// a server's deprecation warning for one of them (v1 Endpoints) is
// something the user can do nothing about, shown only with -v.
func quietUnnamed(cfg *rest.Config) *rest.Config {
	if klog.V(1).Enabled() {
		return cfg
	}
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NoWarnings{}
	return cfg
}

// readClient is the configuration and dynamic client of a read: with
// allTypes (types the user did not name), server deprecation warnings are
// quiet (see quietUnnamed); warnings go to f's stderr.
func (f *factory) readClient(allTypes bool) (*clientconfig.Config, *dynamicclient.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, nil, err
	}
	restCfg := cfg.REST
	if allTypes {
		restCfg = quietUnnamed(restCfg)
	}
	client, err := dynamicclient.New(restCfg, dynamicclient.WithWarnings(f.streams.ErrOut))
	return cfg, client, err
}
