package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

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
func (f *DefaultFactory) Contexts() ([]string, error) {
	if f.fleet.literal || !f.fleet.allContexts && !clientconfig.IsFleet(f.flags.Context) {
		return nil, nil
	}
	f.flags.Preload() // read once for the selection and every cluster of the fleet
	return clientconfig.SelectContexts(f.flags, f.fleet.allContexts)
}

// Fleet reports whether the command runs against several contexts: then
// Contexts has more than one. One context (even from a glob) is not a
// fleet: it runs exactly as with --context NAME.
func (f *DefaultFactory) Fleet() ([]string, bool, error) {
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

// ContextName is --context as given (after Fleet, the one context a glob
// matched), or the context of a fleet's member.
func (f *DefaultFactory) ContextName() string { return f.flags.Context }

// ClusterConcurrency is --cluster-concurrency.
func (f *DefaultFactory) ClusterConcurrency() int { return f.fleet.clusterConcurrency }

// WithStreams is f with other streams (a cluster of a fleet whose output
// is held until the clusters before it are printed).
func (f *DefaultFactory) WithStreams(streams genericiooptions.IOStreams) Factory {
	c := f.forContext(f.flags.Context)
	c.streams = streams
	return c
}

// ForContext is a factory for one context of a fleet, with its own
// configuration, discovery cache and resolver; every other flag is shared.
func (f *DefaultFactory) ForContext(name string) Factory { return f.forContext(name) }

func (f *DefaultFactory) forContext(name string) *DefaultFactory {
	return &DefaultFactory{streams: f.streams, flags: f.flags.ForContext(name), opts: f.opts,
		fleet: fleetFlags{clusterConcurrency: f.fleet.clusterConcurrency, literal: true, members: f.fleet.members}}
}

// OneContext checks, for a command that runs against one cluster, that
// --context and --all-contexts name one context (a glob that matches one
// is fine, and used).
func (f *DefaultFactory) OneContext() error {
	names, fleet, err := f.Fleet()
	if err != nil || !fleet {
		return err
	}
	return fmt.Errorf("%d contexts given (%s): this command runs against one context (several work with %s, and with %s given a list)",
		len(names), query.Names(names, 5), strings.Join(FleetReads, ", "), strings.Join(FleetWrites, ", "))
}

// FleetReads are the commands that read several contexts (a list, globs,
// --all-contexts), FleetWrites those that write to an explicit list of
// contexts; every other command that reaches a cluster refuses a fleet
// (OneContext), naming them. A test runs every command to keep them true.
var (
	FleetReads  = []string{"get", "watch", "grep", "export", "api-resources", "api-versions", "version", "wait", "ui"}
	FleetWrites = []string{"apply", "create", "replace", "patch", "delete", "label", "annotate"}
)

// WriteContexts are the contexts of a write: an explicit list only (no
// globs, no --all-contexts: a write must name where it goes). fleet says
// whether there are several.
func (f *DefaultFactory) WriteContexts() ([]string, bool, error) {
	if f.fleet.allContexts {
		return nil, false, errors.New("--all-contexts is for reads: a write names its contexts (--context a,b)")
	}
	if strings.ContainsAny(f.flags.Context, "*?[") {
		return nil, false, fmt.Errorf("--context %q: globs are for reads; a write names its contexts (--context a,b)", f.flags.Context)
	}
	if !strings.Contains(f.flags.Context, ",") {
		return nil, false, nil
	}
	names, err := clientconfig.SelectContexts(f.flags, false)
	if err != nil {
		return nil, false, err
	}
	if len(names) == 1 {
		f.flags.Context = names[0]
	}
	return names, len(names) > 1, nil
}

// ClusterLog holds what one cluster of a fleet writes to stderr while it is
// read (warnings), to be written in context order, naming the context.
type ClusterLog struct {
	mu  sync.Mutex // the cluster's reads may warn from several goroutines
	buf bytes.Buffer
}

func (l *ClusterLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Replay writes the log to w, each line naming the context:
// `Warning: context "a": ...`, `error: context "a": ...`.
func (l *ClusterLog) Replay(w io.Writer, context string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.SplitAfter(l.buf.String(), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		if rest, ok := strings.CutPrefix(line, "Warning: "); ok {
			fmt.Fprintf(w, "Warning: context %q: %s", context, rest)
		} else if rest, ok := strings.CutPrefix(line, "error: "); ok {
			fmt.Fprintf(w, "error: context %q: %s", context, rest)
		} else {
			fmt.Fprintf(w, "context %q: %s", context, line)
		}
	}
	l.buf.Reset()
}

// ForCluster is the factory of one cluster of a fleet, its stderr held in log.
func ForCluster(f Factory, name string, log *ClusterLog) Factory {
	return f.ForContext(name).WithStreams(genericiooptions.IOStreams{In: f.Streams().In, Out: io.Discard, ErrOut: log})
}

// ContextError writes what failed in one context of a fleet as the one
// line a fleet command gives it: `error: context "a": <first line of msg>`.
// An empty msg (an error already reported) writes nothing.
func ContextError(w io.Writer, context, msg string) {
	if msg == "" {
		return
	}
	fmt.Fprintf(w, "error: context %q: %s\n", context, OneLine(msg))
}

// OneLine is the first line of msg.
func OneLine(msg string) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return msg[:i]
	}
	return msg
}

// Bytes is what the log holds.
func (l *ClusterLog) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Bytes()
}
