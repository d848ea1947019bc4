package render

import (
	"bytes"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestAddContextColumn(t *testing.T) {
	table := &metav1.Table{
		ColumnDefinitions: []metav1.TableColumnDefinition{{Name: "Name", Type: "string", Format: "name"}, {Name: "Data", Type: "integer"}},
		Rows: []metav1.TableRow{{
			Cells:  []interface{}{"app", int64(2)},
			Object: runtime.RawExtension{Raw: []byte(`{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"app","namespace":"team-a"}}`)},
		}},
	}
	if err := AddContextColumn(table, "prod", true); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tw := NewTableWriter(&out)
	if err := NewTablePrinter(TableOptions{}).ForType(table.GroupVersionKind().GroupKind(), false, false).PrintObj(table, tw.Writer()); err != nil {
		t.Fatal(err)
	}
	tw.Flush()
	want := "CONTEXT   NAMESPACE   NAME   DATA\nprod      team-a      app    2\n"
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, strings.TrimSpace(want))
	}
}

// TestNamePrinterContext: over a fleet a name line is the arguments that
// name the object in any context: -n NAMESPACE for a namespaced object (the
// current namespace of a context may be another), none for a
// cluster-scoped one, and the context, quoted when xargs would split it.
func TestNamePrinterContext(t *testing.T) {
	list := &unstructured.UnstructuredList{Items: []unstructured.Unstructured{
		{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "bin-cm", "namespace": "team-a"}}},
		{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "team-a"}}},
		{Object: map[string]any{"apiVersion": "multi.example.org/v2", "kind": "Gadget", "metadata": map[string]any{"name": "g", "namespace": "shop"}}},
	}}
	for _, tt := range []struct{ context, want string }{
		{"fleet-a", "configmap/bin-cm -n team-a --context=fleet-a\nnamespace/team-a --context=fleet-a\ngadget.multi.example.org/g -n shop --context=fleet-a\n"},
		{"prod east", "configmap/bin-cm -n team-a --context=\"prod east\"\nnamespace/team-a --context=\"prod east\"\ngadget.multi.example.org/g -n shop --context=\"prod east\"\n"},
		{"", "configmap/bin-cm\nnamespace/team-a\ngadget.multi.example.org/g\n"}, // one cluster: kubectl's lines
	} {
		var out bytes.Buffer
		if err := (&NamePrinter{Context: tt.context}).PrintObj(list, &out); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("context %q:\n%s\nwant:\n%s", tt.context, out.String(), tt.want)
		}
	}
}
