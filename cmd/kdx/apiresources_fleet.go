package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// surfaceRead is what api-resources read of one cluster of a fleet.
type surfaceRead struct {
	surface discovery.Surface
	snap    *discovery.Snapshot
	err     error         // the cluster could not be read
	report  *query.Report // the types that could not be counted
	log     clusterLog    // the cluster's warnings
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
	reads := make([]*surfaceRead, len(contexts))
	err := query.Ordered(ctx, len(contexts), o.f.fleet.clusterConcurrency, func(ctx context.Context, i int) *surfaceRead {
		return o.readSurface(ctx, contexts[i])
	}, func(i int, s *surfaceRead) error {
		reads[i] = s
		return nil
	})
	if err != nil {
		return err
	}
	errOut := o.f.streams.ErrOut
	var ok []discovery.Surface
	failed := false
	for _, s := range reads {
		s.log.replay(errOut, s.surface.Context)
		if s.err != nil {
			failed = true
			fmt.Fprintf(errOut, "error: context %q: %s\n", s.surface.Context, oneLine(cliutil.Message(s.err)))
			continue
		}
		ok = append(ok, s.surface)
	}
	out := bufio.NewWriter(o.f.streams.Out)
	switch o.output {
	case "json", "yaml":
		format := render.FormatJSON
		if o.output == "yaml" {
			format = render.FormatYAML
		}
		docs := contextDocs{out: out, format: format}
		for _, s := range reads {
			if s.err != nil {
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
			docs.add(s.surface.Context, b.Bytes())
		}
		docs.close()
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
	for _, s := range reads {
		if s.report != nil {
			for _, l := range s.report.Lines() {
				fmt.Fprintf(errOut, "error: context %q: %s\n", s.surface.Context, oneLine(l))
			}
			failed = failed || s.report.Len() > 0
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// readSurface reads one cluster: discovery, the filter and, with --count, the counts.
func (o *apiResourcesOptions) readSurface(ctx context.Context, name string) *surfaceRead {
	s := &surfaceRead{surface: discovery.Surface{Context: name}}
	co := *o
	co.f = o.f.forCluster(name, &s.log)
	snap, err := co.snapshot(ctx)
	if err != nil {
		s.err = err
		return s
	}
	if o.strict && len(snap.Failures) > 0 {
		s.err = strictError(snap.Failures)
		return s
	}
	s.snap = snap
	s.surface.Resources = snap.Select(o.filter, o.sortBy)
	if !o.count {
		return s
	}
	counts, err := co.countObjects(ctx, s.surface.Resources)
	if err != nil {
		s.err = err
		return s
	}
	s.surface.Counts = counts
	s.report = query.NewReport("count", "type")
	for i, c := range counts {
		if c.Err != nil {
			s.report.Add(s.surface.Resources[i].QualifiedName(), c.Err)
		}
	}
	if f := s.report.Fatal(); f != nil {
		s.err, s.report = f.Err, nil
	}
	return s
}
