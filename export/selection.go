package export

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
)

// Selection is the test of an object read from a tree's file for the
// selection an export was made with: its labels for labelSelector, its
// fields for fieldSelector (metadata.name, metadata.namespace and any field
// of the file: spec.nodeName, type, ...) and, when not nil, where. Fields
// that export removes (status, unless kept) are not in the file: a
// selector on them selects no file. It returns nil when nothing is selected
// on.
func Selection(labelSelector, fieldSelector string, where func(map[string]any) bool) (func(*unstructured.Unstructured) bool, error) {
	if labelSelector == "" && fieldSelector == "" && where == nil {
		return nil, nil
	}
	ls, err := labels.Parse(labelSelector)
	if err != nil {
		return nil, fmt.Errorf("invalid label selector %q: %w", labelSelector, err)
	}
	fs, err := fields.ParseSelector(fieldSelector)
	if err != nil {
		return nil, fmt.Errorf("invalid field selector %q: %w", fieldSelector, err)
	}
	return func(obj *unstructured.Unstructured) bool {
		if !ls.Matches(labels.Set(obj.GetLabels())) {
			return false
		}
		if !fs.Empty() && !fs.Matches(fieldSet(obj.Object)) {
			return false
		}
		return where == nil || where(obj.Object)
	}, nil
}

// fieldSet is the object's scalar fields by dotted path (spec.nodeName),
// as field selectors name them.
func fieldSet(obj map[string]any) fields.Set {
	set := fields.Set{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch v := v.(type) {
			case map[string]any:
				walk(prefix+k+".", v)
			case string:
				set[prefix+k] = v
			case bool:
				set[prefix+k] = strconv.FormatBool(v)
			case int64, float64:
				set[prefix+k] = fmt.Sprint(v)
			}
		}
	}
	walk("", obj)
	return set
}
