package render

import (
	"bytes"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
