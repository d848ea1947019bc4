package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// watchPlan resolves the watch of one cluster with its factory: the
// request and the targets (none: nothing to watch there, and no error).
type watchPlan func(ctx context.Context, f cli.Factory) (watchRequest, []discovery.Target, error)

// fleetWatch is the watch of one cluster of a fleet.
type fleetWatch struct {
	req     watchRequest
	targets []discovery.Target
	client  *dynamicclient.Client
	timeout time.Duration
}

// runFleetWatch watches several clusters in one stream: each cluster is
// resolved with its own discovery (--cluster-concurrency at a time, in
// context order), then every cluster is watched at once, each resuming on
// its own after a lost connection or a restart, its events printed as they
// come, naming their context (a CONTEXT column, a "context" field, or
// -n NS --context=CONTEXT after a name). What a cluster cannot do is a line
// naming its context; the others are watched, and the exit code is 1.
func runFleetWatch(ctx context.Context, f cli.Factory, contexts []string, plan watchPlan) error {
	errOut := &lockedWriter{w: f.Streams().ErrOut}
	clusters, ok, failed, err := cli.EachContext(ctx, f, contexts, errOut, func(ctx context.Context, cf cli.Factory) (*fleetWatch, error) {
		req, targets, err := plan(ctx, cf)
		if err != nil || len(targets) == 0 {
			return nil, err
		}
		fw := &fleetWatch{req: req, targets: targets}
		fw.client, fw.timeout, err = watchClient(cf, req)
		return fw, err
	})
	if err != nil {
		return err
	}
	var req *watchRequest
	multi, namespaced := false, false
	for i, c := range clusters {
		if ok[i] && c != nil {
			req = &c.req
			multi = multi || len(c.targets) > 1
			namespaced = namespaced || anyNamespaced(c.targets)
		}
	}
	if req == nil {
		return fleetResult(failed, nil)
	}
	shared := *req
	shared.out = f.Streams().Out // a cluster's own Out is discarded (forCluster)
	stream := newWatchStream(shared, multi, namespaced, true)
	// Every cluster is watched at once, through the one cli.Runner; a cluster's
	// failure is written once it and the clusters before it have ended.
	err = query.Ordered(ctx, len(contexts), len(contexts), func(ctx context.Context, i int) error {
		if !ok[i] || clusters[i] == nil {
			return nil
		}
		return clusters[i].watch(ctx, stream, contexts[i], errOut)
	}, func(i int, err error) error {
		var ee *cliutil.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee) && ee.Err == nil:
			failed = true // reported as it happened
		default:
			failed = true
			cli.ContextError(errOut, contexts[i], cliutil.Message(err))
		}
		return nil
	})
	if ferr := stream.flush(); err == nil {
		err = ferr
	}
	if ctx.Err() != nil && (err == nil || errors.Is(err, ctx.Err())) {
		return &cliutil.ExitError{Code: interruptedExitCode}
	}
	return fleetResult(failed, err)
}

// watch runs the cluster's watch until its timeout or ctx ends; what it
// says on stderr names the context.
func (c *fleetWatch) watch(ctx context.Context, stream *watchStream, name string, errOut io.Writer) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req := c.req
	req.errOut = &contextLines{w: errOut, context: name}
	return watchTargets(ctx, c.client, req, c.targets, stream, name)
}

// fleetResult is a fleet command's outcome: err, else exit 1 when a
// cluster failed (its line was written).
func fleetResult(failed bool, err error) error {
	if err == nil && failed {
		return &cliutil.ExitError{Code: 1}
	}
	return err
}

// validateFleetWatch rejects the formats a watch of several clusters cannot
// print naming each event's context.
func validateFleetWatch(p render.Printer, output string) error {
	switch p.(type) {
	case *render.TablePrinter, *render.ListPrinter, *render.NamePrinter:
		return nil
	}
	return fmt.Errorf("-o %s is not supported when watching several contexts: use a table, json, yaml, jsonl or name (they say which context each event is from)", output)
}

// lockedWriter serializes the writes of several clusters to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// contextLines writes what one cluster of a fleet says while it is watched
// as it comes, each line naming the context (as cli.ClusterLog.Replay does).
type contextLines struct {
	w       io.Writer
	context string
}

func (c *contextLines) Write(p []byte) (int, error) {
	l := &cli.ClusterLog{}
	l.Write(p)
	l.Replay(c.w, c.context)
	return len(p), nil
}
