package wait

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/jsonpath"

	"github.com/kdxproject/kdx/filter"
	"github.com/kdxproject/kdx/render"
)

// Condition is what --for asks of every object: each of its checks holds.
type Condition struct {
	// Create says that --for=create was given: a named object that is not
	// there when the wait begins is waited for, not an error.
	Create bool
	// Delete says that the objects are waited on until they are gone.
	Delete bool
	// checks are the conditions on an object that is there.
	checks []check
	// fors is how many --for were given: kubectl prints "condition met"
	// once for each, and so does kdx, once every one holds.
	fors int
}

// check is one condition on an object.
type check interface {
	// met reports whether obj meets the check; when it does not, why says
	// what was seen. An error is a check that can never be met on obj
	// (a jsonpath that finds several values).
	met(obj map[string]any) (ok bool, why string, err error)
}

// forms is what --for accepts, for messages.
const forms = "create, delete, condition=NAME[=VALUE], jsonpath='{PATH}'[=VALUE], or a CEL expression over object such as 'object.status.phase == \"Running\"'"

// Parse reads the --for values, each of which must hold: kubectl's forms,
// else a CEL expression over object, compiled now (now is its `now`).
func Parse(fors []string, now time.Time) (*Condition, error) {
	if len(fors) == 0 {
		return nil, errors.New("--for is required: " + forms)
	}
	c := &Condition{fors: len(fors)}
	for _, f := range fors {
		lower := strings.ToLower(f)
		switch {
		case lower == "delete":
			c.Delete = true
		case lower == "create":
			c.Create = true
		case strings.HasPrefix(f, "condition="):
			name, value, found := strings.Cut(strings.TrimPrefix(f, "condition="), "=")
			if !found {
				value = "true"
			}
			if name == "" {
				return nil, fmt.Errorf("invalid --for %q: the condition has no name, as in --for=condition=Ready", f)
			}
			c.checks = append(c.checks, conditionCheck{name: name, status: value})
		case strings.HasPrefix(f, "jsonpath="):
			j, err := parseJSONPath(strings.TrimPrefix(f, "jsonpath="))
			if err != nil {
				return nil, err
			}
			c.checks = append(c.checks, j)
		default:
			e, err := parseCEL(f, now)
			if err != nil {
				return nil, err
			}
			c.checks = append(c.checks, e)
		}
	}
	if c.Delete && (c.Create || len(c.checks) > 0) {
		return nil, errors.New("--for=delete cannot be combined with another --for: an object that is gone meets no other condition")
	}
	return c, nil
}

// Filters are the compiled CEL expressions of the condition, for a check
// against a type's schema before anything is read (query.Where.Check).
func (c *Condition) Filters() []*filter.Filter {
	var out []*filter.Filter
	for _, ch := range c.checks {
		if e, ok := ch.(celCheck); ok {
			out = append(out, e.f)
		}
	}
	return out
}

// Check reports whether obj meets every check, and why not. An object
// that is there meets create (and nothing else when that is all asked).
func (c *Condition) Check(obj *unstructured.Unstructured) (bool, string, error) {
	if c.Delete {
		return false, "not deleted", nil
	}
	for _, ch := range c.checks {
		ok, why, err := ch.met(obj.Object)
		if err == nil && !ok && render.IsSecret(obj.Object) {
			// why shows values: a Secret's, masked as kdx prints them
			masked := runtime.DeepCopyJSON(obj.Object)
			render.MaskSecrets(masked, nil)
			_, why, _ = ch.met(masked)
		}
		if err != nil || !ok {
			return false, why, err
		}
	}
	return true, "", nil
}

// conditionCheck is condition=NAME[=VALUE]: the status condition NAME has
// the status VALUE (compared after case folding), and is not older than
// the object's generation, as kubectl checks.
type conditionCheck struct {
	name, status string
}

func (c conditionCheck) met(obj map[string]any) (bool, string, error) {
	conds, found, err := unstructured.NestedSlice(obj, "status", "conditions")
	if err != nil || !found || len(conds) == 0 {
		return false, "no status.conditions", nil
	}
	var others []string
	for _, raw := range conds {
		cond, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		typ, _, _ := unstructured.NestedString(cond, "type")
		status, found, err := unstructured.NestedString(cond, "status")
		if !strings.EqualFold(typ, c.name) || !found || err != nil {
			if typ != "" {
				others = append(others, typ+"="+status)
			}
			continue
		}
		seen := typ + "=" + status
		if reason, _, _ := unstructured.NestedString(cond, "reason"); reason != "" {
			seen += " (" + reason + ")"
		}
		if gen, found, _ := unstructured.NestedInt64(obj, "metadata", "generation"); found {
			if observed, found := observedGeneration(obj, cond); found && observed < gen {
				return false, fmt.Sprintf("%s, observed at generation %d, the object is at generation %d", seen, observed, gen), nil
			}
		}
		if strings.EqualFold(status, c.status) {
			return true, "", nil
		}
		return false, seen, nil
	}
	return false, fmt.Sprintf("no condition %s (has %s)", c.name, strings.Join(others, ", ")), nil
}

// observedGeneration is the condition's observedGeneration, else the
// status's.
func observedGeneration(obj, cond map[string]any) (int64, bool) {
	if g, found, _ := unstructured.NestedInt64(cond, "observedGeneration"); found {
		return g, true
	}
	g, found, _ := unstructured.NestedInt64(obj, "status", "observedGeneration")
	return g, found
}

// jsonPathCheck is jsonpath='{PATH}'[=VALUE]: the path finds one value,
// equal to VALUE as text, or any value when none is given.
type jsonPathCheck struct {
	expr   string
	parser *jsonpath.JSONPath
	value  string
	any    bool
}

// parseJSONPath reads PATH[=VALUE], as kubectl does: an = that is not
// part of == splits the path from the value.
func parseJSONPath(input string) (jsonPathCheck, error) {
	parts := splitJSONPathInput(input)
	if len(parts) > 2 {
		return jsonPathCheck{}, errors.New("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'")
	}
	expr, err := render.RelaxedJSONPathExpression(parts[0])
	if err != nil {
		return jsonPathCheck{}, err
	}
	if expr == "" {
		return jsonPathCheck{}, errors.New("jsonpath expression cannot be empty")
	}
	j := jsonPathCheck{expr: expr, any: len(parts) == 1}
	if !j.any {
		j.value = strings.Trim(parts[1], `'"`)
		if j.value == "" {
			return jsonPathCheck{}, errors.New("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3")
		}
	}
	j.parser = jsonpath.New("wait").AllowMissingKeys(true)
	if err := j.parser.Parse(expr); err != nil {
		return jsonPathCheck{}, err
	}
	return j, nil
}

// splitJSONPathInput splits on each = that is not part of ==.
func splitJSONPathInput(input string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(input); i++ {
		if input[i] == '=' {
			if i+1 < len(input) && input[i+1] == '=' {
				b.WriteString("==")
				i++
				continue
			}
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(input[i])
	}
	return append(out, b.String())
}

func (j jsonPathCheck) met(obj map[string]any) (bool, string, error) {
	results, err := j.parser.FindResults(obj)
	if err != nil {
		return false, "", fmt.Errorf("%s: %w", j.expr, err)
	}
	if len(results) == 0 || len(results[0]) == 0 {
		return false, j.expr + " not found", nil
	}
	if len(results) > 1 {
		return false, "", fmt.Errorf("%s: given jsonpath expression matches more than one list", j.expr)
	}
	if len(results[0]) > 1 {
		return false, "", fmt.Errorf("%s: given jsonpath expression matches more than one value", j.expr)
	}
	if j.any {
		return true, "", nil
	}
	v := results[0][0]
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	switch v.Interface().(type) {
	case map[string]any, []any:
		return false, "", fmt.Errorf("%s: jsonpath leads to a nested object or list which is not supported", j.expr)
	}
	s := strings.TrimSpace(fmt.Sprintf("%v", v.Interface()))
	if s == strings.TrimSpace(j.value) {
		return true, "", nil
	}
	return false, fmt.Sprintf("%s is %s", j.expr, shortValue(v.Interface())), nil
}

// celCheck is a CEL expression over object.
type celCheck struct {
	f *filter.Filter
}

// parseCEL compiles text; what is neither kubectl's form nor an
// expression over object is kubectl's "unrecognized condition".
func parseCEL(text string, now time.Time) (celCheck, error) {
	f, err := filter.Compile([]string{text}, now)
	if err != nil {
		var ce *filter.CompileError
		if errors.As(err, &ce) && !strings.Contains(text, "object") {
			return celCheck{}, fmt.Errorf("unrecognized condition: %q: --for takes %s", text, forms)
		}
		if ce != nil {
			ce.Flag = "--for"
		}
		return celCheck{}, err
	}
	return celCheck{f: f}, nil
}

func (c celCheck) met(obj map[string]any) (bool, string, error) {
	ok, err := c.f.Eval(obj)
	if ok {
		return true, "", nil
	}
	var seen []string
	for _, p := range c.f.Paths() {
		name := "object." + strings.Join(p, ".")
		v, found, _ := unstructured.NestedFieldNoCopy(obj, p...)
		if !found {
			seen = append(seen, name+" is missing")
			continue
		}
		seen = append(seen, name+" is "+shortValue(v))
	}
	why := strings.Join(seen, ", ")
	if err != nil {
		// the expression cannot be evaluated on this object: say so, and
		// keep waiting (the object may change)
		why = strings.TrimPrefix(why+"; ", "; ") + "evaluation failed: " + err.Error()
	}
	if why == "" {
		why = "the expression is false"
	}
	return false, why, nil
}

// maxValue bounds a value shown in why.
const maxValue = 80

// shortValue is v as JSON, cut to maxValue characters.
func shortValue(v any) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > maxValue {
		s = string(r[:maxValue-3]) + "..."
	}
	return s
}
