package render

import (
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/jsonpath"
)

// relaxedJSONPath matches kubectl's relaxed JSONPath: name.name, .name or {.name}.
var relaxedJSONPath = regexp.MustCompile(`^\{\.?([^{}]+)\}$|^\.?([^{}]+)$`)

// RelaxedJSONPathExpression turns "a.b", ".a.b" or "{a.b}" into "{.a.b}", as kubectl does.
func RelaxedJSONPathExpression(expr string) (string, error) {
	if expr == "" {
		return expr, nil
	}
	m := relaxedJSONPath.FindStringSubmatch(expr)
	if m == nil {
		return "", fmt.Errorf("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
	}
	if m[1] != "" {
		return "{." + m[1] + "}", nil
	}
	return "{." + m[2] + "}", nil
}

// sortField parses a --sort-by value as kubectl does: relaxed if it can be.
func sortField(expr string) (*jsonpath.JSONPath, string, error) {
	field, err := RelaxedJSONPathExpression(expr)
	if err != nil {
		field = expr
	}
	parser := jsonpath.New("sorting").AllowMissingKeys(true)
	if err := parser.Parse(field); err != nil {
		return nil, field, fmt.Errorf("sorting error: %w", err)
	}
	return parser, field, nil
}

// sortKeys holds each element's first JSONPath result, in element order.
type sortKeys struct {
	keys [][][]reflect.Value
	swap func(i, j int)
	err  error
}

func (s *sortKeys) Len() int { return len(s.keys) }

func (s *sortKeys) Swap(i, j int) {
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.swap(i, j)
}

func (s *sortKeys) Less(i, j int) bool {
	iv, jv := s.keys[i], s.keys[j]
	if len(iv) == 0 || len(iv[0]) == 0 {
		return true
	}
	if len(jv) == 0 || len(jv[0]) == 0 {
		return false
	}
	less, err := isLess(iv[0][0], jv[0][0])
	if err != nil && s.err == nil {
		s.err = err
	}
	return less
}

// sortBy orders n elements by the value at expr in obj(i), with kubectl's
// ordering (sort.Sort and its comparisons), so that equal keys end up in
// the same order as kubectl's.
func sortBy(expr string, n int, obj func(i int) map[string]any, swap func(i, j int)) error {
	parser, field, err := sortField(expr)
	if err != nil {
		return err
	}
	s := &sortKeys{keys: make([][][]reflect.Value, n), swap: swap}
	found := false
	for i := range n {
		var o any
		if m := obj(i); m != nil {
			o = m
		}
		if o == nil {
			continue
		}
		v, err := parser.FindResults(o)
		if err != nil {
			return fmt.Errorf("failed to get values using %s: %w", field, err)
		}
		s.keys[i] = v
		found = found || (len(v) > 0 && len(v[0]) > 0)
	}
	if n > 0 && !found {
		return fmt.Errorf("couldn't find any field with path %q in the list of objects", field)
	}
	sort.Sort(s)
	if s.err != nil {
		return fmt.Errorf("field %s is an unsortable type: %w", field, s.err)
	}
	return nil
}

// SortItems sorts items in place by the JSONPath expression expr, as
// kubectl's --sort-by does.
func SortItems(items []unstructured.Unstructured, expr string) error {
	if len(items) == 0 {
		return nil
	}
	return sortBy(expr, len(items),
		func(i int) map[string]any { return items[i].Object },
		func(i, j int) { items[i], items[j] = items[j], items[i] })
}

// SortTable sorts the rows of t (whose objects DecodeRows decoded) by expr.
func SortTable(t *metav1.Table, expr string) error {
	return sortBy(expr, len(t.Rows),
		func(i int) map[string]any {
			if u, ok := t.Rows[i].Object.Object.(*unstructured.Unstructured); ok {
				return u.Object
			}
			return nil
		},
		func(i, j int) { t.Rows[i], t.Rows[j] = t.Rows[j], t.Rows[i] })
}

// tableSorter sorts tables by a field before printing them.
type tableSorter struct {
	delegate Printer
	field    string
}

func (s *tableSorter) PrintObj(obj runtime.Object, w io.Writer) error {
	switch o := obj.(type) {
	case *metav1.Table:
		if len(o.Rows) > 0 {
			if err := SortTable(o, s.field); err != nil {
				return err
			}
		}
	case *unstructured.UnstructuredList:
		if err := SortItems(o.Items, s.field); err != nil {
			return err
		}
	}
	return s.delegate.PrintObj(obj, w)
}

// isLess is kubectl's comparison of sort keys.
func isLess(i, j reflect.Value) (bool, error) {
	switch i.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return i.Int() < j.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return i.Uint() < j.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return i.Float() < j.Float(), nil
	case reflect.String:
		return i.String() < j.String(), nil
	case reflect.Pointer:
		return isLess(i.Elem(), j.Elem())
	case reflect.Array, reflect.Slice:
		for idx := 0; idx < min(i.Len(), j.Len()); idx++ {
			less, err := isLess(i.Index(idx), j.Index(idx))
			if err != nil || !less {
				return less, err
			}
		}
		return true, nil
	case reflect.Interface:
		return interfaceLess(i, j)
	}
	return false, fmt.Errorf("unsortable type: %v", i.Kind())
}

// interfaceLess compares the dynamic values of JSON data, strings as
// quantities when both parse as such.
func interfaceLess(i, j reflect.Value) (bool, error) {
	switch {
	case i.IsNil() && j.IsNil():
		return false, nil
	case i.IsNil():
		return true, nil
	case j.IsNil():
		return false, nil
	}
	switch iv := i.Interface().(type) {
	case int64:
		if jv, ok := j.Interface().(int64); ok {
			return iv < jv, nil
		}
	case float64:
		if jv, ok := j.Interface().(float64); ok {
			return iv < jv, nil
		}
	case int:
		if jv, ok := j.Interface().(int); ok {
			return iv < jv, nil
		}
	case string:
		if jv, ok := j.Interface().(string); ok {
			iq, err := resource.ParseQuantity(iv)
			if err != nil {
				return iv < jv, nil
			}
			jq, err := resource.ParseQuantity(jv)
			if err != nil {
				return iv < jv, nil
			}
			return iq.Cmp(jq) < 0, nil
		}
	default:
		return false, fmt.Errorf("unsortable type: %T", iv)
	}
	return false, fmt.Errorf("unsortable interface: %v", i.Kind())
}
