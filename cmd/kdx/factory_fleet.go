package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/clientconfig"
	"github.com/kdxproject/kdx/query"
)

// defaultClusterConcurrency is how many clusters a fleet command reads at once.
const defaultClusterConcurrency = 8

// fleetFlags are --all-contexts and --cluster-concurrency; --context itself
// is kubectl's flag, which kdx lets name several contexts.
type fleetFlags struct {
	allContexts        bool
	clusterConcurrency int
	// literal says that the context is one cluster of a fleet, named
	// exactly (a name with ',', '*' or '[' is not matched again).
	literal bool
	// members are the contexts of the fleet the command runs against
	// (several), for a cluster to say which others serve a type it lacks.
	members []string
}

func (ff *fleetFlags) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&ff.allContexts, "all-contexts", ff.allContexts, "run the command against every context of the kubeconfig (reads only)")
	fs.IntVar(&ff.clusterConcurrency, "cluster-concurrency", defaultClusterConcurrency, "with several contexts, how many clusters are read at the same time")
}

// Contexts are the contexts --context and --all-contexts name, in the order
// given; nil for one context named as kubectl names it (or the current
// one), which is loaded, and checked, as before. An unknown name in a list
// or a glob that matches nothing is an error here, before any request.
func (f *factory) Contexts() ([]string, error) {
	if f.fleet.literal || !f.fleet.allContexts && !clientconfig.IsFleet(f.flags.Context) {
		return nil, nil
	}
	return clientconfig.SelectContexts(f.flags, f.fleet.allContexts)
}

// Fleet reports whether the command runs against several contexts: then
// Contexts has more than one. One context (even from a glob) is not a
// fleet: it runs exactly as with --context NAME.
func (f *factory) Fleet() ([]string, bool, error) {
	names, err := f.Contexts()
	if err != nil {
		return nil, false, err
	}
	if len(names) == 1 {
		f.flags.Context = names[0]
	}
	if len(names) > 1 {
		f.fleet.members = names
	}
	return names, len(names) > 1, nil
}

// withStreams is f with other streams (a cluster of a fleet whose output
// is held until the clusters before it are printed).
func (f *factory) withStreams(streams genericiooptions.IOStreams) *factory {
	c := f.ForContext(f.flags.Context)
	c.streams = streams
	return c
}

// ForContext is a factory for one context of a fleet, with its own
// configuration, discovery cache and resolver; every other flag is shared.
func (f *factory) ForContext(name string) *factory {
	return &factory{streams: f.streams, flags: f.flags.ForContext(name), opts: f.opts,
		fleet: fleetFlags{clusterConcurrency: f.fleet.clusterConcurrency, literal: true, members: f.fleet.members}}
}

// oneContext checks, for a command that runs against one cluster, that
// --context and --all-contexts name one context (a glob that matches one
// is fine, and used).
func (f *factory) oneContext() error {
	names, fleet, err := f.Fleet()
	if err != nil || !fleet {
		return err
	}
	return fmt.Errorf("%d contexts given (%s): this command runs against one context (several work with %s, and with %s given a list)",
		len(names), query.Names(names, 5), strings.Join(fleetReads, ", "), strings.Join(fleetWrites, ", "))
}

// fleetReads are the commands that read several contexts (a list, globs,
// --all-contexts), fleetWrites those that write to an explicit list of
// contexts; every other command that reaches a cluster refuses a fleet
// (oneContext), naming them. A test runs every command to keep them true.
var (
	fleetReads  = []string{"get", "watch", "grep", "export", "api-resources", "api-versions", "version"}
	fleetWrites = []string{"apply", "create", "replace", "patch", "delete", "label", "annotate"}
)
