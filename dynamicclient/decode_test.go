package dynamicclient

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestDecodeListMatchesClientGo checks DecodeList against client-go's
// unstructured decoding of the same answers.
func TestDecodeListMatchesClientGo(t *testing.T) {
	bodies := map[string]string{
		"built-in list, items without kind": `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"abc","remainingItemCount":3},
			"items":[{"metadata":{"name":"a","namespace":"n","labels":{"x":"y"}},"data":{"k":"v"}},
			         {"metadata":{"name":"b","namespace":"n"},"binaryData":{"b":"AAE="},"immutable":true}]}`,
		"custom list, items with kind": `{"apiVersion":"multi.example.org/v2","kind":"GadgetList","metadata":{"resourceVersion":"7"},
			"items":[{"apiVersion":"multi.example.org/v2","kind":"Gadget","metadata":{"name":"g"},"spec":{"size":3,"ratio":0.5,"big":9007199254740993,"neg":-1,"exp":1e3,"list":[1,"a",null,{"e":{}}]}}]}`,
		"empty items": `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[]}`,
		"null items":  `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":null}`,
		"null item":   `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[null,{"metadata":{"name":"s"}}]}`,
		"no items":    `{"kind":"SecretList","apiVersion":"v1","metadata":{}}`,
		"unicode and escapes": `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},
			"items":[{"metadata":{"name":"u"},"data":{"s":"\u00e9\u4e2d\n\t\"q\"","e":""}}]}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeList([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			// The dynamic client's List turns an answer without items
			// into an empty list the same way.
			want, ok := obj.(*unstructured.UnstructuredList)
			if !ok {
				if want, err = obj.(*unstructured.Unstructured).ToList(); err != nil {
					t.Fatal(err)
				}
			}
			if !reflect.DeepEqual(got.Object, want.Object) {
				t.Errorf("list fields:\n got  %#v\n want %#v", got.Object, want.Object)
			}
			if len(got.Items) != len(want.Items) {
				t.Fatalf("got %d items, want %d", len(got.Items), len(want.Items))
			}
			for i := range want.Items {
				if !reflect.DeepEqual(got.Items[i].Object, want.Items[i].Object) {
					t.Errorf("item %d:\n got  %#v\n want %#v", i, got.Items[i].Object, want.Items[i].Object)
				}
			}
		})
	}
}

func TestDecodeListErrors(t *testing.T) {
	for body, want := range map[string]string{
		`{"kind":"ConfigMapList","items":[`:      "failed to decode list",
		`null`:                                   "the server sent null",
		`{"apiVersion":"v1","items":[]}`:         "no kind",
		`{"kind":"XList","items":{"a":1}}`:       "items is a map[string]interface {}, not a list",
		`{"kind":"XList","items":[{"a":1},"s"]}`: "item 1 is a string, not an object",
	} {
		_, err := DecodeList([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeList(%s) = %v, want an error with %q", body, err, want)
		}
	}
}

// BenchmarkDecodeList compares DecodeList with client-go's decoding on a
// page of 500 ConfigMaps.
func BenchmarkDecodeList(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[`)
	for i := range 500 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"metadata":{"name":"cm-` + strings.Repeat("x", 8) + `","namespace":"ns","uid":"0b8e6f8a-7a4e-4a57-9f8e-1c2d3e4f5a6b","resourceVersion":"12345","creationTimestamp":"2026-11-27T09:00:00Z","labels":{"app":"bench"}},"data":{"payload":"` + strings.Repeat("a", 1024) + `"}}`)
	}
	sb.WriteString("]}")
	body := []byte(sb.String())
	b.Run("kdx", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := DecodeList(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client-go", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := runtime.Decode(unstructured.UnstructuredJSONScheme, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
