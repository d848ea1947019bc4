package render

import (
	"reflect"
	"testing"
)

func secret(data, stringData map[string]any, annotations map[string]any) map[string]any {
	obj := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"}}
	if data != nil {
		obj["data"] = data
	}
	if stringData != nil {
		obj["stringData"] = stringData
	}
	if annotations != nil {
		obj["metadata"].(map[string]any)["annotations"] = annotations
	}
	return obj
}

func TestMaskSecrets(t *testing.T) {
	la := lastApplied
	before := secret(map[string]any{"same": "YQ==", "changed": "Yg==", "gone": "Yw=="}, map[string]any{"p": "x"},
		map[string]any{la: `{"data":{"same":"YQ=="}}`, "note": "kept"})
	after := secret(map[string]any{"same": "YQ==", "changed": "ZA==", "new": "ZQ=="}, nil,
		map[string]any{la: `{"data":{"same":"YQ==","new":"ZQ=="}}`, "note": "kept"})
	MaskSecrets(before, after)
	wantBefore := secret(map[string]any{"same": "***", "changed": "*** (before)", "gone": "***"}, map[string]any{"p": "***"},
		map[string]any{la: "*** (before)", "note": "kept"})
	wantAfter := secret(map[string]any{"same": "***", "changed": "*** (after)", "new": "***"}, nil,
		map[string]any{la: "*** (after)", "note": "kept"})
	if !reflect.DeepEqual(before, wantBefore) || !reflect.DeepEqual(after, wantAfter) {
		t.Errorf("before:\n%v\nwant:\n%v\nafter:\n%v\nwant:\n%v", before, wantBefore, after, wantAfter)
	}

	// One side only, as grep prints a Secret.
	one := secret(map[string]any{"k": "dg=="}, nil, map[string]any{la: "{}"})
	MaskSecrets(nil, one)
	if want := secret(map[string]any{"k": "***"}, nil, map[string]any{la: "***"}); !reflect.DeepEqual(one, want) {
		t.Errorf("after only: %v, want %v", one, want)
	}
	if !IsSecret(one) || IsSecret(map[string]any{"apiVersion": "example.com/v1", "kind": "Secret"}) {
		t.Error("IsSecret: a v1 Secret only")
	}
}
