package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/filter"
	"github.com/kdxproject/kdx/query"
)

// whereFlags is --where of get, watch, export and delete: CEL expressions
// on each object, all of which must hold (see package filter).
type whereFlags struct {
	exprs []string

	// Set by complete.
	filter *filter.Filter
}

// AddFlags adds --where.
func (w *whereFlags) AddFlags(fs *pflag.FlagSet, verb string) {
	fs.StringArrayVar(&w.exprs, "where", w.exprs, "CEL expression on each object, bound as 'object' (repeatable, all must hold); only the objects it is true for are "+verb+
		", e.g. --where 'object.spec.replicas > 1' or --where 'timestamp(object.status.notAfter) < now + duration(\"168h\")'")
}

// complete compiles the expressions, once, before any request.
func (w *whereFlags) complete() error {
	if len(w.exprs) == 0 {
		return nil
	}
	var err error
	w.filter, err = filter.Compile(w.exprs, time.Now())
	return err
}

// on reports whether --where was given.
func (w *whereFlags) on() bool { return w.filter != nil }

// request is the engine's Where for one cluster read through l: nil
// without --where.
func (w *whereFlags) request(l query.Lister) *query.Where {
	if w == nil || w.filter == nil {
		return nil
	}
	return &query.Where{Filter: w.filter, SelectableFields: query.CRDSelectableFields(l), Schemas: query.CRDSchemas(l)}
}

// warn writes the one warning about the objects the filter could not be
// evaluated on, if any.
func (w *whereFlags) warn(errOut io.Writer) {
	if w == nil {
		return
	}
	if s := w.filter.Warning(); s != "" {
		fmt.Fprint(errOut, s)
	}
}
