package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// Run exports what was asked and prints the summary: from the context's
// cluster or from each cluster of a fleet, exported as the one cluster is
// (cli.EachCluster: one cluster is a fleet of one) and printed in context
// order (print.go).
func (o *exportOptions) Run(ctx context.Context) error {
	// As get's objects: pages stream through, and a lower GC target keeps
	// the peak RSS down (an export with real CRDs: 97 -> 86 MB).
	defer debug.SetGCPercent(debug.SetGCPercent(cli.ObjectsGCPercent))
	contexts, fleet, err := o.F.Fleet()
	if err != nil {
		return err
	}
	if fleet && (o.watch || o.commit) {
		return errors.New("--watch and --commit keep one tree in step with one cluster: give one --context")
	}
	p := o.newPrinter(fleet)
	err = cli.EachCluster(ctx, o.F, contexts, func(ctx context.Context, f cli.Factory) *clusterExport {
		return o.exportCluster(ctx, f, fleet)
	}, func(_ int, c *clusterExport) error { return p.print(c) })
	return p.close(err)
}

// export exports the cluster of o.F.
func (o *exportOptions) export(ctx context.Context) error {
	lister, opts, err := o.Prepare(ctx)
	if err != nil {
		return err
	}
	if o.Dir != "" {
		return o.runDir(ctx, lister, opts)
	}
	return o.runStream(ctx, lister, opts)
}

// runStream exports to stdout, type after type so that the order is stable.
func (o *exportOptions) runStream(ctx context.Context, lister export.Lister, opts export.Options) error {
	out := bufio.NewWriterSize(o.F.Streams().Out, 64<<10)
	sink := export.NewStreamSink(out, o.Format)
	opts.Sink = sink
	sum, err := o.runWithProgress(ctx, lister, opts)
	if err == nil {
		err = sink.Close(ctx)
	}
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("failed to write output: %w", ferr)
	}
	return o.finish(sum, err)
}

// runDir exports to --dir, --concurrency types at once, prunes and syncs.
func (o *exportOptions) runDir(ctx context.Context, lister export.Lister, opts export.Options) error {
	if o.commit {
		if err := o.checkCommit(ctx, opts.Types); err != nil {
			return err
		}
	}
	sink, err := export.NewDirSink(o.Dir, o.Format)
	if err != nil {
		return err
	}
	if stale := sink.StaleTemps(); len(stale) > 0 && !o.quiet {
		fmt.Fprintf(o.F.Streams().ErrOut, "Removed the temporary files an interrupted export left in %s: %s.\n", o.Dir, query.Names(stale, 3))
	}
	opts.Sink, opts.Concurrency, opts.Writers = sink, o.Concurrency, export.DefaultWriters
	sum, err := o.runWithProgress(ctx, lister, opts)
	if err == nil && o.prune {
		sum.Pruned, sum.Left, err = sink.Prune(sum.PruneScope(opts, o.AllTypes))
	}
	if rerr := sink.SaveRecord(); err == nil {
		err = rerr
	}
	if cerr := sink.Close(ctx); err == nil {
		err = cerr
	}
	if err := o.finish(sum, err); err != nil || !o.watch && !o.commit {
		return err
	}
	if o.commit {
		paths := append(sink.Paths(), sum.Pruned...)
		if err := o.gitCommit(ctx, paths, fmt.Sprintf("kdx export: %d objects\n", sum.Exported())); err != nil {
			return err
		}
	}
	if !o.watch {
		return nil
	}
	return o.watchTree(ctx, lister.(cli.ExportLister), opts, sink) // watch.go
}

// runWithProgress runs the export with a progress line when stderr is a terminal.
func (o *exportOptions) runWithProgress(ctx context.Context, lister export.Lister, opts export.Options) (*export.Summary, error) {
	if !o.quiet {
		opts.Progress = render.StartProgress(o.F.Streams().ErrOut, render.ProgressOptions{Verb: "exporting", Total: len(opts.Types), Objects: true})
		defer opts.Progress.Stop()
	}
	return export.Run(ctx, lister, opts)
}

// finish prints the summary and turns the outcome into the command's error.
func (o *exportOptions) finish(sum *export.Summary, err error) error {
	o.Where.Warn(o.F.Streams().ErrOut)
	if sum != nil {
		for _, w := range sum.Warnings(o.Terminating) {
			fmt.Fprintln(o.F.Streams().ErrOut, w)
		}
		// As kubectl apply --prune, one line per object removed, on stdout
		// (which --dir leaves empty otherwise).
		for _, f := range sum.Pruned {
			fmt.Fprintf(o.F.Streams().Out, "%s pruned\n", f)
		}
		if klog.V(1).Enabled() {
			for _, f := range sum.Left {
				fmt.Fprintf(o.F.Streams().ErrOut, "left %s: not written by kdx: %s\n", f.Path, f.Why)
			}
		}
	}
	if !o.quiet && sum != nil {
		if werr := sum.Write(o.F.Streams().ErrOut); werr != nil && err == nil {
			err = werr
		}
	}
	switch {
	case errors.Is(err, context.Canceled) && o.Dir != "":
		return errors.New("export interrupted: the files written are complete, none was left half-written")
	case errors.Is(err, context.Canceled):
		return errors.New("export interrupted")
	case err != nil:
		return err
	}
	// What could not be listed, as get reports it: grouped by cause for
	// every type, in the server's words for the types named; -q too.
	rep := sum.Report(!o.AllTypes)
	rep.Write(o.F.Streams().ErrOut)
	return rep.Err()
}
