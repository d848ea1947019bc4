package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
)

// eachContext runs read for each context with that context's factory,
// --cluster-concurrency at a time, and returns the results and errors in
// context order. A context whose read failed is written to errOut as one
// line naming it; failed says whether any did.
func eachContext[T any](ctx context.Context, f *factory, contexts []string, errOut io.Writer, read func(context.Context, *factory) (T, error)) (results []T, ok []bool, failed bool, err error) {
	results, ok = make([]T, len(contexts)), make([]bool, len(contexts))
	type res struct {
		v   T
		err error
		log *clusterLog
	}
	err = query.Ordered(ctx, len(contexts), f.fleet.clusterConcurrency, func(ctx context.Context, i int) res {
		log := &clusterLog{}
		v, err := read(ctx, f.forCluster(contexts[i], log))
		return res{v, err, log}
	}, func(i int, r res) error {
		r.log.replay(errOut, contexts[i])
		if r.err != nil {
			failed = true
			contextError(errOut, contexts[i], cliutil.Message(r.err))
			return nil
		}
		results[i], ok[i] = r.v, true
		return nil
	})
	return results, ok, failed, err
}

// clusterLog holds what one cluster of a fleet writes to stderr while it is
// read (warnings), to be written in context order, naming the context.
type clusterLog struct {
	mu  sync.Mutex // the cluster's reads may warn from several goroutines
	buf bytes.Buffer
}

func (l *clusterLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// replay writes the log to w, each line naming the context:
// `Warning: context "a": ...`, `error: context "a": ...`.
func (l *clusterLog) replay(w io.Writer, context string) {
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

// forCluster is the factory of one cluster of a fleet, its stderr held in log.
func (f *factory) forCluster(name string, log *clusterLog) *factory {
	return f.ForContext(name).withStreams(genericiooptions.IOStreams{In: f.streams.In, Out: io.Discard, ErrOut: log})
}

// contextError writes what failed in one context of a fleet as the one
// line a fleet command gives it: `error: context "a": <first line of msg>`.
// An empty msg (an error already reported) writes nothing.
func contextError(w io.Writer, context, msg string) {
	if msg == "" {
		return
	}
	fmt.Fprintf(w, "error: context %q: %s\n", context, oneLine(msg))
}
