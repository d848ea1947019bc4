package dynamicclient

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// DecodeList decodes a list answer in one pass, into what client-go's
// unstructured decoding makes of it: the list's own fields (apiVersion,
// kind, metadata) in Object and each item, with the list's apiVersion and
// kind (minus "List") where the server left them out, as built-in lists do.
//
// client-go gets there by reading the body three times (its kind, the items
// as raw JSON, everything again into the list's map) and each item once
// more; on a 500-object page that is most of the CPU a list costs kdx.
func DecodeList(body []byte) (*unstructured.UnstructuredList, error) {
	var obj map[string]any
	if err := utiljson.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("failed to decode list: %w", err)
	}
	if obj == nil {
		return nil, errors.New("failed to decode list: the server sent null")
	}
	raw, _ := obj["items"].([]any)
	if v, ok := obj["items"]; ok && v != nil && raw == nil {
		return nil, fmt.Errorf("failed to decode list: items is a %T, not a list", v)
	}
	delete(obj, "items")
	list := &unstructured.UnstructuredList{Object: obj, Items: make([]unstructured.Unstructured, 0, len(raw))}
	if list.GetKind() == "" {
		return nil, errors.New("failed to decode list: the answer has no kind")
	}
	apiVersion, kind := list.GetAPIVersion(), strings.TrimSuffix(list.GetKind(), "List")
	for i, v := range raw {
		if v == nil {
			v = map[string]any{} // as client-go makes of a null item
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("failed to decode list: item %d is a %T, not an object", i, v)
		}
		item := unstructured.Unstructured{Object: m}
		if item.GetKind() == "" && item.GetAPIVersion() == "" {
			item.SetKind(kind)
			item.SetAPIVersion(apiVersion)
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}
