package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/filter"
	"github.com/kdxproject/kdx/query"
)

// WhereFlags is --where of get, watch, export and delete: CEL expressions
// on each object, all of which must hold (see package filter).
type WhereFlags struct {
	Exprs []string

	// Set by complete.
	Filter *filter.Filter
}

// AddFlags adds --where.
func (w *WhereFlags) AddFlags(fs *pflag.FlagSet, verb string) {
	fs.StringArrayVar(&w.Exprs, "where", w.Exprs, "CEL expression on each object, bound as 'object' (repeatable, all must hold); only the objects it is true for are "+verb+
		", e.g. --where 'object.spec.replicas > 1' or --where 'timestamp(object.status.notAfter) < now + duration(\"168h\")'")
}

// Complete compiles the expressions, once, before any request.
func (w *WhereFlags) Complete() error {
	if len(w.Exprs) == 0 {
		return nil
	}
	var err error
	w.Filter, err = filter.Compile(w.Exprs, time.Now())
	return err
}

// On reports whether --where was given.
func (w *WhereFlags) On() bool { return w.Filter != nil }

// Request is the engine's Where for one cluster read through l: nil
// without --where.
func (w *WhereFlags) Request(l query.Lister) *query.Where {
	if w == nil || w.Filter == nil {
		return nil
	}
	return &query.Where{Filter: w.Filter, SelectableFields: query.CRDSelectableFields(l), Schemas: query.CRDSchemas(l)}
}

// Warn writes the one warning about the objects the filter could not be
// evaluated on, if any.
func (w *WhereFlags) Warn(errOut io.Writer) {
	if w == nil {
		return
	}
	if s := w.Filter.Warning(); s != "" {
		fmt.Fprint(errOut, s)
	}
}
