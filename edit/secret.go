package edit

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// isSecret says whether obj is a core Secret.
func isSecret(obj *unstructured.Unstructured) bool {
	return obj.GetKind() == "Secret" && obj.GetAPIVersion() == "v1"
}

// decodeSecret is a copy of the Secret obj with the values of data that
// are UTF-8 text moved, decoded, to stringData.
func decodeSecret(obj map[string]any) map[string]any {
	out := runtime.DeepCopyJSON(obj)
	data, _ := out["data"].(map[string]any)
	text := map[string]any{}
	for k, v := range data {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && utf8.Valid(b) {
			text[k] = string(b)
			delete(data, k)
		}
	}
	if data != nil && len(data) == 0 {
		delete(out, "data")
	}
	if len(text) > 0 {
		out["stringData"] = text
	}
	return out
}

// encodeSecret moves the values of stringData, encoded, back to data (a
// number or a boolean is taken as its text).
func encodeSecret(obj map[string]any) error {
	sd, ok := obj["stringData"]
	if !ok {
		return nil
	}
	delete(obj, "stringData")
	if sd == nil {
		return nil
	}
	m, ok := sd.(map[string]any)
	if !ok {
		return fmt.Errorf("stringData must map keys to text values")
	}
	data, _ := obj["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	for k, v := range m {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case json.Number:
			s = v.String()
		case bool:
			s = fmt.Sprint(v)
		default:
			return fmt.Errorf("stringData[%q] must be text: quote it", k)
		}
		data[k] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	obj["data"] = data
	return nil
}
