package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/discovery"
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
// without --where. The field types a comparison is checked against (before
// any request) are the CRDs' schemas read through l and, for every other
// type (built-in, aggregated), the server's OpenAPI v3 documents through
// f's cluster, cached as explain caches them; a type with neither runs
// unchecked.
func (w *WhereFlags) Request(l query.Lister, f Factory) *query.Where {
	if w == nil || w.Filter == nil {
		return nil
	}
	crds := query.CRDSchemas(l)
	schemas := func(ctx context.Context, targets []discovery.Target) (map[string]func([]string) string, error) {
		out, err := crds(ctx, targets)
		if err != nil {
			out = map[string]func([]string) string{}
		}
		var rest []discovery.Target
		for _, t := range targets {
			if _, ok := out[t.QualifiedName()]; !ok {
				rest = append(rest, t)
			}
		}
		if len(rest) == 0 || f == nil {
			return out, nil
		}
		c, cerr := f.Cluster()
		if cerr != nil {
			return out, nil
		}
		api, aerr := c.OpenAPI()
		if aerr != nil {
			return out, nil
		}
		more, _ := api.WhereSchemas(ctx, rest)
		for k, v := range more {
			out[k] = v
		}
		return out, nil
	}
	return &query.Where{Filter: w.Filter, SelectableFields: query.CRDSelectableFields(l), Schemas: schemas}
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
