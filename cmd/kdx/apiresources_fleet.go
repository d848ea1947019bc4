package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// surfaceRead is what api-resources read of one cluster of a fleet.
type surfaceRead struct {
	surface discovery.Surface
	snap    *discovery.Snapshot
	report  *query.Report // the types that could not be counted
}

// runFleet prints the API surface of several clusters side by side (see
// discovery.PrintFleetTable); -o json|yaml is one mapping of context name
// to what api-resources prints for that context alone, -o name the names
// served by any of them. A cluster that cannot be read is one error line,
// and the exit code is 1.
func (o *apiResourcesOptions) runFleet(ctx context.Context, contexts []string) error {
	if o.output == "wide" {
		return errors.New("-o wide is not supported with several contexts: each context has its own column")
	}
	errOut := o.f.Streams().ErrOut
	reads, read, failed, err := cli.EachContext(ctx, o.f, contexts, errOut, o.readSurface)
	if err != nil {
		return err
	}
	var ok []discovery.Surface
	for i, s := range reads {
		if read[i] {
			ok = append(ok, s.surface)
		}
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	switch o.output {
	case "json", "yaml":
		format := render.FormatJSON
		if o.output == "yaml" {
			format = render.FormatYAML
		}
		docs := render.ContextDocs{Out: out, Format: format}
		for i, s := range reads {
			if !read[i] {
				continue
			}
			var b bytes.Buffer
			list := discovery.NewResourceList(s.surface.Resources, s.surface.Counts, s.snap.Failures)
			if format == render.FormatJSON {
				err = render.JSON(&b, list)
			} else {
				err = render.YAML(&b, list)
			}
			if err != nil {
				return err
			}
			docs.Add(s.surface.Context, b.Bytes())
		}
		docs.Close()
	case "name":
		seen := map[string]bool{}
		var names []discovery.APIResource
		for _, s := range ok {
			for _, r := range s.Resources {
				if !seen[r.QualifiedName()] {
					seen[r.QualifiedName()] = true
					names = append(names, r)
				}
			}
		}
		err = discovery.PrintNames(out, names)
	default:
		if len(ok) > 0 {
			err = discovery.PrintFleetTable(out, ok, o.sortBy, o.noHeaders)
		}
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	for i, s := range reads {
		if read[i] && s.report != nil {
			for _, l := range s.report.Lines() {
				cli.ContextError(errOut, s.surface.Context, l)
			}
			failed = failed || s.report.Len() > 0
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// readSurface reads one cluster through its factory f: discovery, the
// filter and, with --count, the counts.
func (o *apiResourcesOptions) readSurface(ctx context.Context, f cli.Factory) (*surfaceRead, error) {
	s := &surfaceRead{surface: discovery.Surface{Context: f.ContextName()}}
	co := *o
	co.f = f
	snap, err := co.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if o.strict && len(snap.Failures) > 0 {
		return nil, strictError(snap.Failures)
	}
	s.snap = snap
	s.surface.Resources = snap.Select(o.filter, o.sortBy)
	if !o.count {
		return s, nil
	}
	counts, err := co.countObjects(ctx, s.surface.Resources)
	if err != nil {
		return nil, err
	}
	s.surface.Counts = counts
	s.report = query.NewReport("count", "type")
	for i, c := range counts {
		if c.Err != nil {
			s.report.Add(s.surface.Resources[i].QualifiedName(), c.Err)
		}
	}
	if f := s.report.Fatal(); f != nil {
		return nil, f.Err
	}
	return s, nil
}
