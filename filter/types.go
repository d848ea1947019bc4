package filter

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
)

// comparison is `object.PATH OP LITERAL` (either way round) in an
// expression, where it is in the text, and the literal's type.
type comparison struct {
	path         []string
	literal      string // "string", "integer", "number" or "boolean", as OpenAPI names them
	line, column int
}

var comparisonOps = map[string]bool{
	operators.Equals: true, operators.NotEquals: true, operators.Less: true,
	operators.LessEquals: true, operators.Greater: true, operators.GreaterEquals: true,
}

// comparisonsOf walks a compiled expression for comparisons of a field
// with a literal.
func comparisonsOf(a *cel.Ast) []comparison {
	info := a.NativeRep().SourceInfo()
	var out []comparison
	var visit func(e celast.Expr)
	visit = func(e celast.Expr) {
		switch e.Kind() {
		case celast.CallKind:
			c := e.AsCall()
			if args := c.Args(); comparisonOps[c.FunctionName()] && len(args) == 2 {
				for _, pair := range [][2]celast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
					path, ok := objectPath(pair[0])
					if !ok || len(path) == 0 || pair[1].Kind() != celast.LiteralKind {
						continue
					}
					loc := info.GetStartLocation(pair[1].ID())
					out = append(out, comparison{path: path, literal: literalType(pair[1].AsLiteral().Value()),
						line: loc.Line(), column: loc.Column() + 1})
				}
			}
			if c.IsMemberFunction() {
				visit(c.Target())
			}
			for _, arg := range c.Args() {
				visit(arg)
			}
		case celast.SelectKind:
			visit(e.AsSelect().Operand())
		case celast.ListKind:
			for _, el := range e.AsList().Elements() {
				visit(el)
			}
		case celast.ComprehensionKind:
			c := e.AsComprehension()
			for _, sub := range []celast.Expr{c.IterRange(), c.AccuInit(), c.LoopCondition(), c.LoopStep(), c.Result()} {
				visit(sub)
			}
		}
	}
	visit(a.NativeRep().Expr())
	return out
}

// fieldOf is the path of the object's field that the whole expression a
// is (`object.spec.suspend`), or nil; has() is not a field but a bool.
func fieldOf(a *cel.Ast) []string {
	e := a.NativeRep().Expr()
	if e.Kind() == celast.SelectKind && e.AsSelect().IsTestOnly() {
		return nil
	}
	if path, ok := objectPath(e); ok {
		return path
	}
	return nil
}

// metadataType is the OpenAPI type of a field every object has, whatever
// its type (kind, apiVersion and ObjectMeta's), or "" when path is not
// one of them.
func metadataType(path []string) string {
	switch {
	case len(path) == 1 && (path[0] == "kind" || path[0] == "apiVersion"):
		return "string"
	case len(path) == 0 || path[0] != "metadata":
		return ""
	case len(path) == 1:
		return "object"
	case len(path) == 3 && (path[1] == "labels" || path[1] == "annotations"):
		return "string"
	case len(path) > 2:
		return ""
	}
	switch path[1] {
	case "name", "namespace", "generateName", "uid", "resourceVersion", "selfLink", "creationTimestamp", "deletionTimestamp":
		return "string"
	case "generation", "deletionGracePeriodSeconds":
		return "integer"
	case "labels", "annotations":
		return "object"
	case "ownerReferences", "finalizers", "managedFields":
		return "array"
	}
	return ""
}

// literalType is a literal's type as OpenAPI names it.
func literalType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64, uint64:
		return "integer"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return ""
}

// compatible reports whether a value of the schema's type can be compared
// with a literal of type literal.
func compatible(schema, literal string) bool {
	switch {
	case schema == "" || literal == "" || schema == literal:
		return true
	case (schema == "integer" || schema == "number") && (literal == "integer" || literal == "number"):
		return true
	}
	return false
}

// CheckTypes checks the comparisons of fields with literals, and an
// expression that is a field, against the schema of a type (named what, as "widgets.example.org"): typeOf is the
// OpenAPI type of a field path, "" when the schema does not say (or the
// field may hold several types). A comparison that can never hold, such as
// `object.spec.replicas > "3"` for an integer field, is a CompileError at
// the literal's column.
func (f *Filter) CheckTypes(what string, typeOf func(path []string) string) error {
	for _, e := range f.exprs {
		if e.field != nil {
			if t := typeOf(e.field); t != "" && t != "boolean" {
				return &CompileError{Expr: e.text, Detail: fmt.Sprintf("the expression is object.%s, of type %s in the schema of %s, not bool",
					strings.Join(e.field, "."), t, what)}
			}
		}
		for _, c := range e.comparisons {
			t := typeOf(c.path)
			if compatible(t, c.literal) {
				continue
			}
			caret := strings.Repeat(" ", max(c.column-1, 0)) + "^"
			lines := strings.Split(e.text, "\n")
			src := e.text
			if c.line >= 1 && c.line <= len(lines) {
				src = lines[c.line-1]
			}
			return &CompileError{Expr: e.text, Detail: fmt.Sprintf("ERROR: <input>:%d:%d: object.%s is of type %s in the schema of %s, not %s\n | %s\n | %s",
				c.line, c.column, strings.Join(c.path, "."), t, what, c.literal, src, caret)}
		}
	}
	return nil
}

// ComparesFields reports whether an expression compares a field other than
// metadata's with a literal, or is such a field: only then can a schema
// find a type mismatch.
func (f *Filter) ComparesFields() bool {
	for _, e := range f.exprs {
		if len(e.field) > 0 && e.field[0] != "metadata" {
			return true
		}
		for _, c := range e.comparisons {
			if c.path[0] != "metadata" {
				return true
			}
		}
	}
	return false
}
