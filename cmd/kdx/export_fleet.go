package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// runFleet exports each context into DIR/<context> (the name made safe as
// a file name by export.SafeName, as object names are), --cluster-concurrency clusters at a time; each cluster's
// summary and pruned files are printed in context order, under a line
// naming it. A cluster that fails is one error line; the others are
// exported in full, and the exit code is 1.
func (o *exportOptions) runFleet(ctx context.Context, contexts []string) error {
	if o.dir == "" {
		return errors.New("export over several contexts needs --dir: each context is written to DIR/<context>")
	}
	type result struct {
		out, errOut bytes.Buffer
		err         error
	}
	results, _, _, err := eachContext(ctx, o.f, contexts, o.f.streams.ErrOut, func(ctx context.Context, f *factory) (*result, error) {
		r := &result{}
		co := *o
		co.f = f.withStreams(genericiooptions.IOStreams{In: o.f.streams.In, Out: &r.out, ErrOut: &r.errOut})
		co.dir = filepath.Join(o.dir, export.SafeName(f.flags.Context))
		r.err = co.Run(ctx)
		return r, nil
	})
	if err != nil {
		return err
	}
	failed := false
	for i, r := range results {
		if !o.quiet {
			fmt.Fprintf(o.f.streams.ErrOut, "Context %s (%s):\n", contexts[i], filepath.Join(o.dir, export.SafeName(contexts[i])))
		}
		o.f.streams.Out.Write(r.out.Bytes())
		o.f.streams.ErrOut.Write(r.errOut.Bytes())
		var exit *cliutil.ExitError
		switch {
		case errors.As(r.err, &exit):
			failed = true
		case r.err != nil:
			failed = true
			contextError(o.f.streams.ErrOut, contexts[i], cliutil.Message(r.err))
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}
