package get

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// tables prints the targets as tables, one per type, as kubectl does: page
// by page when the types are read one at a time, else each type once it
// and every type before it are read.
func (r *getRun) tables(ctx context.Context, eng *query.Engine, req query.Request, out *bufio.Writer) error {
	tp, ok := r.o.printer.(*render.TablePrinter)
	if !ok {
		return fmt.Errorf("internal error: table output without a table printer")
	}
	req.Read = r.readKind()
	printerFor := func(withKind bool) func(t discovery.Target) render.Printer {
		return func(t discovery.Target) render.Printer {
			return tp.ForType(t.GVK.GroupKind(), r.o.allNamespaces && t.Namespaced, withKind)
		}
	}
	var written bool
	var err error
	switch {
	case r.o.AllTypes:
		written, err = r.bufferedTables(ctx, eng, req, printerFor(true), out)
	case len(req.Targets) > 1:
		written, err = r.collectedTables(ctx, eng, req, printerFor, out)
	default:
		written, err = r.streamTables(ctx, eng, req, printerFor(false), out)
	}
	if err == nil && !written {
		r.noResources(req.Targets)
	}
	return err
}

// streamTables prints each page as it arrives, into one table writer.
func (r *getRun) streamTables(ctx context.Context, eng *query.Engine, req query.Request, printer func(discovery.Target) render.Printer, out *bufio.Writer) (bool, error) {
	tw := render.NewTableWriter(out)
	open := func(t discovery.Target) query.Sink {
		p := printer(t)
		startErr := tw.StartType(r.o.NoHeaders)
		return query.SinkFunc(func(obj runtime.Object) error {
			if startErr != nil {
				return startErr
			}
			if err := p.PrintObj(obj, tw.Writer()); err != nil {
				return err
			}
			return out.Flush()
		})
	}
	err := eng.Each(ctx, req, r.report, open, func(discovery.Target, query.Sink) error { return nil })
	if ferr := tw.Flush(); err == nil {
		err = ferr
	}
	return tw.Written(), err
}

// collectedTables reads several named types first, then prints them, as
// kubectl does: rows are named kind/name only when what was read spans
// more than one kind (a type that failed, or whose named objects were all
// missing, does not count).
func (r *getRun) collectedTables(ctx context.Context, eng *query.Engine, req query.Request, printerFor func(bool) func(discovery.Target) render.Printer, out *bufio.Writer) (bool, error) {
	type read struct {
		t     discovery.Target
		pages []runtime.Object
	}
	var reads []read
	kinds := map[schema.GroupKind]bool{}
	open := func(discovery.Target) query.Sink { return &render.Pages{} }
	done := func(t discovery.Target, s query.Sink) error {
		if pages := s.(*render.Pages).List; len(pages) > 0 {
			reads = append(reads, read{t, pages})
			kinds[t.GVK.GroupKind()] = true
		}
		return nil
	}
	if err := eng.Each(ctx, req, r.report, open, done); err != nil {
		return false, err
	}
	printer := printerFor(len(kinds) > 1)
	tw := render.NewTableWriter(out)
	for _, rd := range reads {
		if err := tw.StartType(r.o.NoHeaders); err != nil {
			return false, err
		}
		p := printer(rd.t)
		for _, obj := range rd.pages {
			if err := p.PrintObj(obj, tw.Writer()); err != nil {
				return false, err
			}
		}
	}
	err := tw.Flush()
	return tw.Written(), err
}

// bufferedTables renders each type into its own buffer while several are
// read, and writes the buffers in order, a blank line between types as
// kubectl separates them.
func (r *getRun) bufferedTables(ctx context.Context, eng *query.Engine, req query.Request, printer func(discovery.Target) render.Printer, out *bufio.Writer) (bool, error) {
	written := false
	open := func(t discovery.Target) query.Sink {
		return render.NewTableBuffer(printer(t), r.o.NoHeaders)
	}
	done := func(_ discovery.Target, s query.Sink) error {
		r.progress.TypeDone()
		b := s.(*render.TableBuffer)
		if err := b.Close(); err != nil {
			return err
		}
		if b.Empty() {
			return nil
		}
		if written && !r.o.NoHeaders {
			out.WriteByte('\n')
		}
		written = true
		if _, err := b.WriteTo(out); err != nil {
			return err
		}
		return out.Flush()
	}
	return written, eng.Each(ctx, req, r.report, open, done)
}

// objects prints the targets' objects with a streaming printer: one List
// (or one object) for everything, as kubectl does.
func (r *getRun) objects(ctx context.Context, eng *query.Engine, req query.Request, out *bufio.Writer) error {
	req.Read = r.readKind()
	single := len(req.Targets) == 1 && len(req.Targets[0].Names) == 1 && !r.o.AllTypes
	s := r.newStream(out, single)
	var err error
	if req.Concurrency <= 1 {
		open := func(discovery.Target) query.Sink {
			return query.SinkFunc(func(obj runtime.Object) error { return s.Add(render.Items(obj)) })
		}
		err = eng.Each(ctx, req, r.report, open, func(discovery.Target, query.Sink) error { r.progress.TypeDone(); return nil })
	} else {
		open := func(discovery.Target) query.Sink { return &render.Collector{} }
		done := func(_ discovery.Target, c query.Sink) error {
			r.progress.TypeDone()
			return s.Add(c.(*render.Collector).Items)
		}
		err = eng.Each(ctx, req, r.report, open, done)
	}
	if err != nil {
		return err
	}
	return s.Close()
}

// newStream is the output stream of object formats: sorted first when
// --sort-by is set; nothing at all when nothing was found and either
// --ignore-not-found is set or the named objects could not be read (kubectl
// prints only the errors then).
func (r *getRun) newStream(out io.Writer, single bool) render.Stream {
	skipEmpty := func() bool { return r.o.ignoreNotFound || r.report.Len() > 0 }
	s := render.LazyStream(func() render.Stream { return render.NewStream(r.o.printer, out, single) }, skipEmpty)
	if r.o.sortBy != "" {
		return render.SortedStream(s, r.o.sortBy)
	}
	return s
}
