package export

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
	results, _, _, err := cli.EachContext(ctx, o.F, contexts, o.F.Streams().ErrOut, func(ctx context.Context, f cli.Factory) (*result, error) {
		r := &result{}
		co := *o
		co.F = f.WithStreams(genericiooptions.IOStreams{In: o.F.Streams().In, Out: &r.out, ErrOut: &r.log})
		if o.Dir != "" {
			co.Dir = filepath.Join(o.Dir, export.SafeName(f.ContextName()))
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
		if o.Dir == "" {
			if r.out.Len() > 0 || r.err == nil {
				stream.Add(contexts[i], r.out.Bytes())
			}
			r.log.Replay(o.F.Streams().ErrOut, contexts[i])
		} else {
			if !o.quiet {
				fmt.Fprintf(o.F.Streams().ErrOut, "Context %s (%s):\n", contexts[i], filepath.Join(o.Dir, export.SafeName(contexts[i])))
			}
			o.F.Streams().Out.Write(r.out.Bytes())
			o.F.Streams().ErrOut.Write(r.log.Bytes())
		}
		var exit *cliutil.ExitError
		switch {
		case errors.As(r.err, &exit):
			failed = true
		case r.err != nil:
			failed = true
			cli.ContextError(o.F.Streams().ErrOut, contexts[i], cliutil.Message(r.err))
		}
	}
	if o.Dir == "" {
		stream.Close()
		if err := stream.Out.Flush(); err != nil {
			return fmt.Errorf("failed to write output: %w", err)
		}
	}
	return cli.FleetResult(failed, nil)
}

// fleetStream is the one stream of an export of several contexts to
// stdout, in the shapes of get's: json, a mapping of context to the List
// the context alone exports; jsonl, {"context": ..., "object": ...} per
// line; yaml, one document per object, {context: ..., object: ...}.
func (o *exportOptions) fleetStream() *render.ContextDocs {
	format := map[export.Format]render.Format{export.FormatYAML: render.FormatYAML, export.FormatJSON: render.FormatJSON, export.FormatJSONL: render.FormatJSONL}[o.Format]
	return &render.ContextDocs{Out: bufio.NewWriterSize(o.F.Streams().Out, 64<<10), Format: format, YAMLDocs: true,
		EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List"}`}
}
