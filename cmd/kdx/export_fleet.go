package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
)

// runFleet exports each context into DIR/<context> (the name made safe as
// a file name by export.SafeName, as object names are), --cluster-concurrency clusters at a time; each cluster's
// summary and pruned files are printed in context order, under a line
// naming it. A cluster that fails is one error line; the others are
// exported in full, and the exit code is 1. Without --dir, the clusters'
// objects are one stream in context order (fleetStream).
func (o *exportOptions) runFleet(ctx context.Context, contexts []string) error {
	if o.watch || o.commit {
		return errors.New("--watch and --commit keep one tree in step with one cluster: give one --context")
	}
	type result struct {
		out bytes.Buffer
		log cli.ClusterLog // the cluster's stderr, written naming it
		err error
	}
	results, _, _, err := cli.EachContext(ctx, o.f, contexts, o.f.Streams().ErrOut, func(ctx context.Context, f cli.Factory) (*result, error) {
		r := &result{}
		co := *o
		co.f = f.WithStreams(genericiooptions.IOStreams{In: o.f.Streams().In, Out: &r.out, ErrOut: &r.log})
		if o.dir != "" {
			co.dir = filepath.Join(o.dir, export.SafeName(f.ContextName()))
		}
		r.err = co.Run(ctx)
		return r, nil
	})
	if err != nil {
		return err
	}
	failed := false
	stream := o.fleetStream()
	for i, r := range results {
		if o.dir == "" {
			if r.out.Len() > 0 || r.err == nil {
				stream.Add(contexts[i], r.out.Bytes())
			}
			r.log.Replay(o.f.Streams().ErrOut, contexts[i])
		} else {
			if !o.quiet {
				fmt.Fprintf(o.f.Streams().ErrOut, "Context %s (%s):\n", contexts[i], filepath.Join(o.dir, export.SafeName(contexts[i])))
			}
			o.f.Streams().Out.Write(r.out.Bytes())
			o.f.Streams().ErrOut.Write(r.log.Bytes())
		}
		var exit *cliutil.ExitError
		switch {
		case errors.As(r.err, &exit):
			failed = true
		case r.err != nil:
			failed = true
			cli.ContextError(o.f.Streams().ErrOut, contexts[i], cliutil.Message(r.err))
		}
	}
	if o.dir == "" {
		stream.Close()
		if err := stream.Out.Flush(); err != nil {
			return fmt.Errorf("failed to write output: %w", err)
		}
	}
	return fleetResult(failed, nil)
}

// fleetStream is the one stream of an export of several contexts to
// stdout, in the shapes of get's: json, a mapping of context to the List
// the context alone exports; jsonl, {"context": ..., "object": ...} per
// line; yaml, one document per object, {context: ..., object: ...}.
func (o *exportOptions) fleetStream() *render.ContextDocs {
	format := map[export.Format]render.Format{export.FormatYAML: render.FormatYAML, export.FormatJSON: render.FormatJSON, export.FormatJSONL: render.FormatJSONL}[o.format]
	return &render.ContextDocs{Out: bufio.NewWriterSize(o.f.Streams().Out, 64<<10), Format: format, YAMLDocs: true,
		EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List"}`}
}
