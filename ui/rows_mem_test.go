package ui

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// configMapPage is a page of `configmaps -A` as the server sends it to a
// watch's list (a Table with each row's metadata), rows from..to-1 of
// namespaces of 500 ConfigMaps each.
func configMapPage(from, to int) []byte {
	var rows []string
	for i := from; i < to; i++ {
		ns, name := fmt.Sprintf("bench-ns-%02d", i/500), fmt.Sprintf("cm-%05d", i)
		rows = append(rows, fmt.Sprintf(`{"cells":[%q,1,"5m"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",`+
			`"metadata":{"name":%q,"namespace":%q,"uid":"0b3f6c52-7d1e-4c8e-9a51-%012d","resourceVersion":"%d",`+
			`"creationTimestamp":"2026-12-06T10:00:00Z","labels":{"kdx-bench":"true"},"managedFields":[{"manager":"seed",`+
			`"operation":"Update","apiVersion":"v1","time":"2026-12-06T10:00:00Z","fieldsType":"FieldsV1",`+
			`"fieldsV1":{"f:data":{".":{},"f:payload":{}},"f:metadata":{"f:labels":{".":{},"f:kdx-bench":{}}}}}]}}}`,
			name, name, ns, i, 1000+i))
	}
	return fmt.Appendf(nil, `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"99999"},"columnDefinitions":[`+
		`{"name":"Name","type":"string","format":"name","description":"","priority":0},`+
		`{"name":"Data","type":"string","format":"","description":"","priority":0},`+
		`{"name":"Age","type":"string","format":"","description":"","priority":0}],"rows":[%s]}`, strings.Join(rows, ","))
}

// TestRowsRetainCellsNotObjects: 10,000 rows of ConfigMaps read as a watch
// reads them (table pages with each row's metadata, managed fields and
// all) hold their cells, not their objects: what the table keeps per row
// stays within a bound that a row's metadata alone would exceed, and a
// row's cells share its name and namespace.
func TestRowsRetainCellsNotObjects(t *testing.T) {
	const n, pageSize = 10000, 500
	now := time.Now()
	before := heapInUse()
	tv := newTableView(1, []discovery.Target{{Mapping: discovery.Mapping{Namespaced: true}}}, "", true)
	for from := 0; from < n; from += pageSize {
		obj, err := dynamicclient.DecodePrintable(configMapPage(from, from+pageSize))
		if err != nil {
			t.Fatal(err)
		}
		table := obj.(*metav1.Table)
		var changes []Change
		for i := range table.Rows {
			row := &table.Rows[i]
			ev := dynamicclient.WatchEvent{Type: watch.Added, Object: row.Object.Object.(*unstructured.Unstructured),
				Row: &dynamicclient.TableRow{Columns: table.ColumnDefinitions, Cells: row.Cells}}
			changes = append(changes, changeOf(ev, 0, now))
		}
		tv.apply(changes, now)
	}
	after := heapInUse()
	if tv.total() != n {
		t.Fatalf("%d rows, want %d", tv.total(), n)
	}
	runtime.KeepAlive(tv)
	perRow := (float64(after) - float64(before)) / n
	t.Logf("%d rows: %.0f bytes a row", n, perRow)
	// about 380 bytes a row; its metadata retained, about 3,800
	if perRow > 800 {
		t.Errorf("%.0f bytes a row, want at most 800", perRow)
	}
}

// heapInUse is the heap's live bytes after a collection.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestUnfilteredRowsKeepNoText: the / filter's text of a row (a lower-case
// copy of its cells) is made when a filter first reads it, not for every
// row of a table never filtered.
func TestUnfilteredRowsKeepNoText(t *testing.T) {
	tv := newTableView(1, []discovery.Target{{Mapping: discovery.Mapping{Namespaced: true}}}, "", true)
	tv.apply([]Change{cm("team-a", "first", 1, "1m"), cm("team-b", "second", 2, "2m")}, time.Now())
	for _, r := range tv.sections[0].rows {
		if r.text != "" {
			t.Errorf("row %s keeps the filter's text %q before any filter", r.name, r.text)
		}
	}
	tv.setFilter(newFilter("SECOND"))
	if tv.nrows != 1 {
		t.Fatalf("%d rows match, want 1", tv.nrows)
	}
	if r := tv.sections[0].rows[1]; r.text != "team-b second 2 2m" {
		t.Errorf("the filter's text %q, want %q", r.text, "team-b second 2 2m")
	}
}

// TestRowsShareNamesAndNamespaces: a row keeps its cells without the
// decoder's spare capacity, its name cell is its name (one string, not
// two), and the rows of a namespace share one namespace string.
func TestRowsShareNamesAndNamespaces(t *testing.T) {
	obj, err := dynamicclient.DecodePrintable(configMapPage(0, 2))
	if err != nil {
		t.Fatal(err)
	}
	table := obj.(*metav1.Table)
	s := newSection(discovery.Target{Mapping: discovery.Mapping{Namespaced: true}})
	now := time.Now()
	for i := range table.Rows {
		row := &table.Rows[i]
		s.apply(changeOf(dynamicclient.WatchEvent{Type: watch.Added, Object: row.Object.Object.(*unstructured.Unstructured),
			Row: &dynamicclient.TableRow{Columns: table.ColumnDefinitions, Cells: row.Cells}}, 0, now), now)
	}
	a, b := s.rows[0], s.rows[1]
	if cap(a.cells) != len(a.cells) {
		t.Errorf("cells of capacity %d for %d cells", cap(a.cells), len(a.cells))
	}
	if cell := a.cells[0].(string); unsafe.StringData(cell) != unsafe.StringData(a.name) {
		t.Errorf("the name cell %q is a second copy of the row's name", cell)
	}
	if a.namespace != b.namespace || unsafe.StringData(a.namespace) != unsafe.StringData(b.namespace) {
		t.Errorf("namespaces %q and %q are two strings, want one", a.namespace, b.namespace)
	}
}
