package manifest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// fromYAML converts what go-yaml v2 decodes into an interface{} to the
// values that sigs.k8s.io/yaml.YAMLToJSON, then utiljson.Unmarshal, make
// of it (kubectl's decoding), without the JSON in between: maps with
// string keys, int64 for integers, float64 for other numbers. Encoding a
// large document to JSON only to parse it again was most of the time and
// memory of reading it.
//
// The common values are converted directly; the others (floats, integers
// beyond int64, timestamps, strings that are not UTF-8) go through JSON,
// one value at a time, so that they come out exactly as they did.
func fromYAML(y any) (any, error) {
	switch y := y.(type) {
	case map[any]any:
		m := make(map[string]any, len(y))
		for k, v := range y {
			key, err := yamlKey(k)
			if err != nil {
				return nil, err
			}
			if m[key], err = fromYAML(v); err != nil {
				return nil, err
			}
		}
		return m, nil
	case []any:
		out := make([]any, len(y))
		for i, v := range y {
			var err error
			if out[i], err = fromYAML(v); err != nil {
				return nil, err
			}
		}
		return out, nil
	case nil, bool:
		return y, nil
	case string:
		if utf8.ValidString(y) {
			return y, nil
		}
	case int:
		return int64(y), nil
	case int64:
		return y, nil
	}
	return throughJSON(y)
}

// yamlKey is the JSON key of a YAML map key, as sigs.k8s.io/yaml words it.
func yamlKey(k any) (string, error) {
	var s string
	switch k := k.(type) {
	case string:
		s = k
	case int:
		s = strconv.Itoa(k)
	case int64:
		s = strconv.FormatInt(k, 10)
	case float64:
		switch {
		case math.IsInf(k, 1):
			s = ".inf"
		case math.IsInf(k, -1):
			s = "-.inf"
		case math.IsNaN(k):
			s = ".nan"
		default:
			s = strconv.FormatFloat(k, 'g', -1, 32)
		}
	case bool:
		s = strconv.FormatBool(k)
	default:
		return "", fmt.Errorf("a map key of type %T: keys must be strings, numbers or booleans", k)
	}
	if utf8.ValidString(s) {
		return s, nil
	}
	v, err := throughJSON(s)
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

// throughJSON is what encoding v to JSON and decoding it back makes of it.
func throughJSON(v any) (any, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := utiljson.Unmarshal(js, &out); err != nil {
		return nil, err
	}
	return out, nil
}
