package filter

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
)

// Filter is a conjunction of compiled CEL expressions: an object matches
// when every one of them is true. It is safe for concurrent use.
type Filter struct {
	exprs []expr
	now   time.Time

	mu     sync.Mutex // guards failed and first
	failed int        // objects whose evaluation failed
	first  error      // the first of those failures
}

// expr is one compiled expression.
type expr struct {
	text        string
	prog        cel.Program
	reads       reads
	comparisons []comparison // fields compared with literals (CheckTypes)
	// field is the path of the object's field the expression is, when it
	// is one (object.spec.suspend): a bool only where the field is one.
	field []string
}

// Compile compiles each expression, all of which must hold; now is the
// value of the `now` variable for the whole run. A syntax or type error
// names the expression, the line and column, and shows cel-go's caret
// lines.
func Compile(exprs []string, now time.Time) (*Filter, error) {
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("failed to set up CEL: %w", err)
	}
	f := &Filter{now: now}
	for _, text := range exprs {
		e, err := compile(env, text)
		if err != nil {
			return nil, err
		}
		f.exprs = append(f.exprs, e)
	}
	return f, nil
}

// newEnv is the CEL environment of --where.
func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("object", cel.DynType),
		cel.Variable("now", cel.TimestampType),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		cel.DefaultUTCTimeZone(true),
		ext.Strings(),
		ext.Lists(),
		ext.Sets(),
		regexLibrary(),
		quantityLibrary(),
	)
}

func compile(env *cel.Env, text string) (expr, error) {
	if strings.TrimSpace(text) == "" {
		return expr{}, errors.New("invalid --where: the expression is empty")
	}
	ast, iss := env.Compile(text)
	if iss.Err() != nil {
		return expr{}, &CompileError{Expr: text, Detail: iss.Err().Error()}
	}
	if t := ast.OutputType(); !t.IsAssignableType(cel.BoolType) {
		return expr{}, &CompileError{Expr: text, Detail: fmt.Sprintf("the expression is of type %s, not bool", t)}
	}
	field := fieldOf(ast)
	if t := metadataType(field); t != "" && t != "boolean" {
		// every object has these fields, of these types: `object.metadata.name`
		// is never a bool, whatever the type read
		return expr{}, &CompileError{Expr: text, Detail: fmt.Sprintf("the expression is object.%s, of type %s, not bool", strings.Join(field, "."), t)}
	}
	prog, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return expr{}, &CompileError{Expr: text, Detail: err.Error()}
	}
	return expr{text: text, prog: prog, reads: readsOf(ast), comparisons: comparisonsOf(ast), field: field}, nil
}

// CompileError is an expression that does not compile.
type CompileError struct {
	Expr   string
	Detail string // cel-go's message: "ERROR: <input>:1:5: ..." and caret lines
	// Flag is the flag the expression was given with; "" is --where.
	Flag string
}

// Error is one line naming the expression and the position, then the
// caret lines cel-go gives.
func (e *CompileError) Error() string {
	detail := strings.ReplaceAll(e.Detail, "ERROR: <input>:", "")
	flag := e.Flag
	if flag == "" {
		flag = "--where"
	}
	return fmt.Sprintf("invalid %s %q: %s", flag, e.Expr, detail)
}

// Len is the number of expressions.
func (f *Filter) Len() int {
	if f == nil {
		return 0
	}
	return len(f.exprs)
}

// Match reports whether obj (an unstructured object's content) matches
// every expression. A missing field is no match; any other evaluation
// error is no match too, and is counted for Warning. A nil Filter matches
// everything.
func (f *Filter) Match(obj map[string]any) bool {
	if f == nil {
		return true
	}
	vars := map[string]any{"object": obj, "now": types.Timestamp{Time: f.now}}
	for _, e := range f.exprs {
		ok, err := e.eval(vars)
		if err != nil {
			f.fail(fmt.Errorf("%w (in %s)", err, e.text))
			return false
		}
		if !ok {
			return false
		}
	}
	return true
}

// Eval reports whether obj matches every expression, as Match does, but
// returns an evaluation error (other than a missing field, which is no
// match) instead of counting it.
func (f *Filter) Eval(obj map[string]any) (bool, error) {
	vars := map[string]any{"object": obj, "now": types.Timestamp{Time: f.now}}
	for _, e := range f.exprs {
		ok, err := e.eval(vars)
		if err != nil {
			return false, fmt.Errorf("%w (in %s)", err, e.text)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// eval evaluates e; a missing field is false, not an error.
func (e expr) eval(vars map[string]any) (bool, error) {
	out, _, err := e.prog.Eval(vars)
	if err != nil {
		if missingField(err) {
			return false, nil
		}
		return false, err
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("the expression gave %v, not a bool", out.Value())
	}
	return b, nil
}

// missingField reports whether err is cel-go's error for a field or map
// key that is not there (or a field of a null value: a JSON null is as
// good as missing).
func missingField(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "no such key") || strings.HasPrefix(msg, "no such attribute") ||
		strings.Contains(msg, "unsupported index type 'null_type'")
}

func (f *Filter) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failed == 0 {
		f.first = err
	}
	f.failed++
}

// Failures is the number of objects whose evaluation failed, and the
// first cause.
func (f *Filter) Failures() (int, error) {
	if f == nil {
		return 0, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed, f.first
}

// Warning is the one line that sums up the evaluation failures
// ("Warning: --where could not be evaluated on N objects: CAUSE"), or ""
// when there were none; the count starts again from zero (a fleet warns
// once per cluster).
func (f *Filter) Warning() string {
	n, first := f.Failures()
	if n == 0 {
		return ""
	}
	f.mu.Lock()
	f.failed, f.first = 0, nil
	f.mu.Unlock()
	objects := "objects"
	if n == 1 {
		objects = "object"
	}
	return fmt.Sprintf("Warning: --where could not be evaluated on %d %s: %v\n", n, objects, first)
}
