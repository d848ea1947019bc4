package filter

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"k8s.io/apimachinery/pkg/fields"
)

// reads is what one expression reads of the object.
type reads struct {
	// paths are the field paths read from `object` (["metadata", "name"]);
	// an empty path is the whole object, read as a value.
	paths [][]string
	// equal is set when the whole expression is `object.PATH == LITERAL`
	// (either way round): a candidate for a server-side field selector.
	equal *equality
}

// equality is `object.PATH == value`, value a string, an int or a bool.
type equality struct {
	path  string // "metadata.name", "spec.color"
	value string // as a field selector writes it
}

// readsOf walks a compiled expression.
func readsOf(a *cel.Ast) reads {
	e := a.NativeRep().Expr()
	var r reads
	walk(e, &r.paths)
	r.equal = equalityOf(e)
	return r
}

// walk collects the paths read from `object` under e.
func walk(e celast.Expr, paths *[][]string) {
	if path, ok := objectPath(e); ok {
		*paths = append(*paths, path)
		return
	}
	switch e.Kind() {
	case celast.SelectKind:
		walk(e.AsSelect().Operand(), paths)
	case celast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() {
			walk(c.Target(), paths)
		}
		for _, arg := range c.Args() {
			walk(arg, paths)
		}
	case celast.ListKind:
		for _, el := range e.AsList().Elements() {
			walk(el, paths)
		}
	case celast.MapKind:
		for _, en := range e.AsMap().Entries() {
			walk(en.AsMapEntry().Key(), paths)
			walk(en.AsMapEntry().Value(), paths)
		}
	case celast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			walk(f.AsStructField().Value(), paths)
		}
	case celast.ComprehensionKind:
		c := e.AsComprehension()
		for _, sub := range []celast.Expr{c.IterRange(), c.AccuInit(), c.LoopCondition(), c.LoopStep(), c.Result()} {
			walk(sub, paths)
		}
	}
}

// objectPath is the path of a chain of field selections on `object`
// (object.metadata.name: ["metadata", "name"]; object alone: []).
func objectPath(e celast.Expr) ([]string, bool) {
	var rev []string
	for e.Kind() == celast.SelectKind {
		rev = append(rev, e.AsSelect().FieldName())
		e = e.AsSelect().Operand()
	}
	if e.Kind() != celast.IdentKind || e.AsIdent() != "object" {
		return nil, false
	}
	path := make([]string, len(rev))
	for i, f := range rev {
		path[len(rev)-1-i] = f
	}
	return path, true
}

// equalityOf is e as `object.PATH == LITERAL`, or nil.
func equalityOf(e celast.Expr) *equality {
	if e.Kind() != celast.CallKind || e.AsCall().FunctionName() != operators.Equals {
		return nil
	}
	args := e.AsCall().Args()
	for _, pair := range [][2]celast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
		path, ok := objectPath(pair[0])
		if !ok || len(path) == 0 || pair[1].Kind() != celast.LiteralKind {
			continue
		}
		switch v := pair[1].AsLiteral().Value().(type) {
		case string:
			return &equality{path: strings.Join(path, "."), value: v}
		case int64, bool:
			return &equality{path: strings.Join(path, "."), value: fmt.Sprint(v)}
		}
	}
	return nil
}

// MetadataOnly reports whether the expressions read nothing of the object
// but its metadata, kind and apiVersion: a metadata-only list
// (PartialObjectMetadata) is then enough to evaluate them.
func (f *Filter) MetadataOnly() bool {
	for _, e := range f.exprs {
		for _, p := range e.reads.paths {
			if len(p) == 0 || (p[0] != "metadata" && p[0] != "kind" && p[0] != "apiVersion") {
				return false
			}
		}
	}
	return true
}

// Fields are the top-level fields of the object the expressions read,
// sorted ("" for the whole object), for -v logs.
func (f *Filter) Fields() []string {
	seen := map[string]bool{}
	for _, e := range f.exprs {
		for _, p := range e.reads.paths {
			if len(p) == 0 {
				seen[""] = true
			} else {
				seen[p[0]] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FieldSelector is the server-side field selector that the expressions
// which are a plain equality on a selectable field amount to
// ("metadata.name=web,spec.color=blue"), or "". selectable says which
// paths the server selects on for the type ("metadata.name",
// "spec.color"). The expressions are still evaluated on what the server
// returns, so a selector is only ever an optimization.
func (f *Filter) FieldSelector(selectable func(path string) bool) string {
	var terms []string
	for _, e := range f.exprs {
		if eq := e.reads.equal; eq != nil && selectable(eq.path) {
			terms = append(terms, eq.path+"="+fields.EscapeValue(eq.value))
		}
	}
	return strings.Join(terms, ",")
}

// Reads reports whether the expressions may read the field at path
// (["metadata", "managedFields"]): they read it, a field under it, or a
// value that holds it (object.metadata, or the object itself).
func (f *Filter) Reads(path ...string) bool {
	for _, e := range f.exprs {
		for _, p := range e.reads.paths {
			n := min(len(p), len(path))
			if slices.Equal(p[:n], path[:n]) {
				return true
			}
		}
	}
	return false
}

// Paths are the field paths of the object the expressions read, each
// once, in the order they appear (["status", "phase"]); the whole object,
// read as a value, is left out. kdx wait shows their values when an
// object did not become ready.
func (f *Filter) Paths() [][]string {
	var out [][]string
	for _, e := range f.exprs {
		for _, p := range e.reads.paths {
			if len(p) == 0 || slices.ContainsFunc(out, func(q []string) bool { return slices.Equal(p, q) }) {
				continue
			}
			out = append(out, p)
		}
	}
	return out
}
