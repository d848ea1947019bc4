package dynamicclient

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// testStore returns a store whose events are recorded as "TYPE name@rv".
func testStore(skipInitial bool) (*rvStore, *[]string, *[]Notice) {
	var got []string
	var notices []Notice
	s := &rvStore{
		gvk: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, resource: "configmaps",
		skipInitial: skipInitial, batch: &sync.Mutex{}, prev: closedChan(), shown: make(chan struct{}),
		listed: make(chan struct{}), ctx: context.Background(), rvs: map[string]string{},
		columns: func() []metav1.TableColumnDefinition { return nil },
		emit: func(_ context.Context, ev WatchEvent) error {
			mark := ""
			if ev.Relist {
				mark = " (relist)"
			}
			got = append(got, fmt.Sprintf("%s %s@%s%s", ev.Type, ev.Object.GetName(), ev.Object.GetResourceVersion(), mark))
			return nil
		},
		notify: func(n Notice) { notices = append(notices, n) },
	}
	return s, &got, &notices
}

func obj(name, rv string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}}
	u.SetNamespace("ns")
	u.SetName(name)
	u.SetResourceVersion(rv)
	return u
}

func items(objs ...*unstructured.Unstructured) []any {
	out := make([]any, len(objs))
	for i, o := range objs {
		out[i] = o
	}
	return out
}

func TestRVStoreRelistDifference(t *testing.T) {
	tests := []struct {
		name        string
		skipInitial bool
		first       []any
		relist      []any
		want        []string
		wantNotice  [3]int // added, modified, deleted
	}{
		{
			name:   "added, modified, deleted and unchanged",
			first:  items(obj("keep", "1"), obj("change", "2"), obj("remove", "3")),
			relist: items(obj("new", "9"), obj("change", "8"), obj("keep", "1")),
			want: []string{"ADDED change@2", "ADDED keep@1", "ADDED remove@3",
				"MODIFIED change@8 (relist)", "ADDED new@9 (relist)", "DELETED remove@3 (relist)"},
			wantNotice: [3]int{1, 1, 1},
		},
		{
			name:        "watch-only shows only the difference",
			skipInitial: true,
			first:       items(obj("a", "1")),
			relist:      items(obj("a", "1"), obj("b", "2")),
			want:        []string{"ADDED b@2 (relist)"},
			wantNotice:  [3]int{1, 0, 0},
		},
		{
			name:       "nothing changed",
			first:      items(obj("a", "1")),
			relist:     items(obj("a", "1")),
			want:       []string{"ADDED a@1"},
			wantNotice: [3]int{0, 0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, got, notices := testStore(tt.skipInitial)
			if err := s.Replace(tt.first, "10"); err != nil {
				t.Fatal(err)
			}
			if err := s.Replace(tt.relist, "20"); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("events:\n got %q\nwant %q", *got, tt.want)
			}
			if len(*notices) != 1 {
				t.Fatalf("got %d notices, want 1 relist notice", len(*notices))
			}
			n := (*notices)[0]
			if gotN := [3]int{n.Added, n.Modified, n.Deleted}; gotN != tt.wantNotice || n.Kind != NoticeRelisted {
				t.Errorf("notice = %+v, want relist with %v", n, tt.wantNotice)
			}
		})
	}
}

func TestRVStoreDropsRepeatedEvents(t *testing.T) {
	s, got, _ := testStore(false)
	if err := s.Replace(items(obj("a", "1")), "1"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		do  func(any) error
		obj *unstructured.Unstructured
	}{
		{s.Add, obj("a", "1")},    // already listed
		{s.Update, obj("a", "2")}, // shown
		{s.Update, obj("a", "2")}, // repeated
		{s.Delete, obj("a", "3")}, // shown
		{s.Delete, obj("a", "3")}, // repeated
		{s.Add, obj("b", "4")},    // shown
	}
	for _, st := range steps {
		if err := st.do(st.obj); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"ADDED a@1", "MODIFIED a@2", "DELETED a@3", "ADDED b@4"}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("events:\n got %q\nwant %q", *got, want)
	}
	if keys := s.ListKeys(); len(keys) != 1 || keys[0] != "ns/b" {
		t.Errorf("keys = %v, want [ns/b]", keys)
	}
}

func TestRVStoreDeletedRowHasName(t *testing.T) {
	cols := []metav1.TableColumnDefinition{{Name: "Namespace"}, {Name: "Name", Format: "name"}, {Name: "Age"}}
	row := stubRow(cols, "gone")
	if want := []any{"", "gone", ""}; !reflect.DeepEqual(row.Cells, want) {
		t.Errorf("cells = %q, want %q", row.Cells, want)
	}
}
