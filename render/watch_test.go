package render

import (
	"bytes"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/internal/golden"
)

// init registers -update unless another test file of the package did.
// checkGolden compares got with ../testdata/watch/name.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("..", "testdata", "watch", name), got)
}

func watchObject(apiVersion, kind, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind}}
	u.SetNamespace("demo")
	u.SetName(name)
	u.SetResourceVersion("7")
	u.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: "kubectl"}})
	return u
}

// watchEvents are a gadget and a configmap stream with table rows.
func watchEvents() []WatchEvent {
	gadgetCols := []metav1.TableColumnDefinition{{Name: "Name", Type: "string", Format: "name"}, {Name: "Color", Type: "string"}}
	cmCols := []metav1.TableColumnDefinition{{Name: "Name", Type: "string", Format: "name"}, {Name: "Data", Type: "integer"}}
	g := watchObject("multi.example.org/v2", "Gadget", "sprocket")
	cm := watchObject("v1", "ConfigMap", "settings")
	return []WatchEvent{
		{Type: "ADDED", Object: g, Columns: gadgetCols, Cells: []any{"sprocket", "red"}},
		{Type: "MODIFIED", Object: g, Columns: gadgetCols, Cells: []any{"sprocket", "blue"}},
		{Type: "ADDED", Object: cm, Columns: cmCols, Cells: []any{"settings", int64(1)}},
		{Type: "DELETED", Object: g, Columns: gadgetCols, Cells: []any{"sprocket", ""}},
	}
}

func TestWatchPrinter(t *testing.T) {
	tests := []struct {
		golden string
		output string
		opts   WatchOptions
	}{
		{"table-multikind-events.txt", "", WatchOptions{Events: true, MultiKind: true}},
		{"table-multikind-namespace.txt", "", WatchOptions{MultiKind: true, WithNamespace: true}},
		{"jsonl-events.txt", "jsonl", WatchOptions{Events: true}},
		{"json.txt", "json", WatchOptions{}},
		{"yaml-events.txt", "yaml", WatchOptions{Events: true}},
		{"name.txt", "name", WatchOptions{Events: true}},
		{"custom-columns.txt", "custom-columns=NAME:.metadata.name,KIND:.kind", WatchOptions{}},
		{"contexts-table-namespace-events.txt", "", WatchOptions{Events: true, MultiKind: true, WithNamespace: true, Contexts: true}},
		{"contexts-json.txt", "json", WatchOptions{Contexts: true}},
		{"contexts-jsonl-events.txt", "jsonl", WatchOptions{Events: true, Contexts: true}},
		{"contexts-yaml.txt", "yaml", WatchOptions{Contexts: true}},
		{"contexts-name.txt", "name", WatchOptions{Contexts: true}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			p, err := NewPrinter(tt.output, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			wp := NewWatchPrinter(p, &out, tt.opts)
			for i, ev := range watchEvents() {
				if tt.opts.Contexts {
					ev.Context = []string{"a", "b", "a", "prod east"}[i]
				}
				if err := wp.Print(ev); err != nil {
					t.Fatal(err)
				}
				if i == 1 { // a flush between events, as when the queue empties
					if err := wp.Flush(); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := wp.Flush(); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, out.Bytes())
		})
	}
}
