package query

import (
	"context"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/filter"
)

func where(t *testing.T, exprs ...string) *Where {
	t.Helper()
	f, err := filter.Compile(exprs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &Where{Filter: f}
}

// TestEachWhere: sinks see the matching objects only, whatever is read,
// and the engine reads what the filter needs.
func TestEachWhere(t *testing.T) {
	tests := []struct {
		name       string
		read       Read
		targets    []discovery.Target
		exprs      []string
		wantMethod string
		wantNames  []string
		wantSel    string
		wantInc    metav1.IncludeObjectPolicy
	}{
		{"objects", Objects, targets("pods"), []string{`object.metadata.name.endsWith("1") && !has(object.spec)`}, "ListPages", []string{"pods-1"}, "", ""},
		{"metadata, then each match", Objects, targets("pods"), []string{`object.metadata.name.endsWith("1")`}, "MetadataPages", []string{"pods-1"}, "", ""},
		{"metadata only stays metadata", Metadata, targets("pods"), []string{`object.metadata.name.endsWith("2") && object.kind == "podsKind"`}, "MetadataPages", []string{"pods-2"}, "", ""},
		{"metadata widened to objects", Metadata, targets("pods"), []string{`!has(object.spec)`}, "ListPages", []string{"pods-0", "pods-1", "pods-2"}, "", ""},
		{"tables with metadata", Tables, targets("pods"), []string{`object.metadata.name != "pods-0"`}, "PrintablePages", []string{"pods-1", "pods-2"}, "", ""},
		{"tables widened to objects", Tables, targets("pods"), []string{`object.kind == "podsKind" && !has(object.status)`}, "PrintablePages", []string{"pods-0", "pods-1", "pods-2"}, "", metav1.IncludeObject},
		{"name pushed down", Objects, targets("pods"), []string{`object.metadata.name == "pods-1"`, `object.metadata.namespace == "a,b"`}, "MetadataPages", []string{}, `x=y,metadata.name=pods-1,metadata.namespace=a\,b`, ""},
		{"named objects", Objects, []discovery.Target{target("pods", "a", "b")}, []string{`object.metadata.name == "b"`}, "Get", []string{"b"}, "", ""},
		{"named tables", Tables, []discovery.Target{target("pods", "a", "b")}, []string{`object.metadata.name == "a"`}, "GetPrintable", []string{"a"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newFakeLister(map[string]*behaviour{"pods": {pages: 3}})
			var r run
			req := Request{Targets: tt.targets, Read: tt.read, Where: where(t, tt.exprs...)}
			if tt.wantSel != "" {
				req.FieldSelector = "x=y"
			}
			if err := r.each(context.Background(), l, req, NewReport("get", "type")); err != nil {
				t.Fatal(err)
			}
			calls := l.Calls()
			if c := calls[0]; c.Method != tt.wantMethod || c.Opts.FieldSelector != tt.wantSel || c.Include != tt.wantInc {
				t.Errorf("call %+v, want %s with field selector %q and include %q", c, tt.wantMethod, tt.wantSel, tt.wantInc)
			}
			got := r.done[0].objectNames(t)
			if got == nil {
				got = []string{}
			}
			if tt.wantSel == "" && !slices.Equal(got, tt.wantNames) {
				t.Errorf("sink got %q, want %q", got, tt.wantNames)
			}
		})
	}
}

// TestWhereSelectableFields: an equality on a field the type's server
// selects on (a CRD's selectableFields) becomes a field selector; the
// selectable fields are asked for only when such an equality is there.
func TestWhereSelectableFields(t *testing.T) {
	asked := 0
	w := where(t, `object.spec.color == "blue"`)
	w.SelectableFields = func(context.Context, discovery.Target) []string { asked++; return []string{"spec.color"} }
	if got := w.fieldSelector(context.Background(), target("gadgets"), ""); got != "spec.color=blue" || asked != 1 {
		t.Errorf("fieldSelector = %q (asked %d), want spec.color=blue", got, asked)
	}
	w = where(t, `object.metadata.name == "a"`)
	w.SelectableFields = func(context.Context, discovery.Target) []string { asked++; return nil }
	cluster := target("nodes")
	cluster.Namespaced = false
	if got := w.fieldSelector(context.Background(), cluster, ""); got != "metadata.name=a" || asked != 1 {
		t.Errorf("fieldSelector = %q (asked %d), want metadata.name=a without asking", got, asked)
	}
	w = where(t, `object.metadata.namespace == "a"`)
	if got := w.fieldSelector(context.Background(), cluster, ""); got != "" {
		t.Errorf("fieldSelector on a cluster-scoped type = %q, want none", got)
	}
}

func TestSelectableFieldsOfCRD(t *testing.T) {
	crd := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"versions": []any{
		map[string]any{"name": "v1", "selectableFields": []any{map[string]any{"jsonPath": ".spec.size"}}},
		map[string]any{"name": "v2", "selectableFields": []any{map[string]any{"jsonPath": ".spec.color"}, map[string]any{"jsonPath": ".spec.shape"}}},
	}}}}
	if got, want := selectableFields(crd, "v2"), []string{"spec.color", "spec.shape"}; !slices.Equal(got, want) {
		t.Errorf("selectableFields = %q, want %q", got, want)
	}
	if got := selectableFields(crd, "v3"); got != nil {
		t.Errorf("selectableFields of another version = %q", got)
	}
}

// TestWhereWatchEvents: the events of matching objects only, as a
// server-side selector sends them, and the Synced event, which has none.
func TestWhereWatchEvents(t *testing.T) {
	w := where(t, `object.metadata.labels.tier == "web"`)
	var got []string
	handle := w.watchEvents(func(ev dynamicclient.WatchEvent) error {
		if ev.Type == dynamicclient.Synced {
			got = append(got, string(ev.Type))
			return nil
		}
		got = append(got, string(ev.Type)+" "+ev.Object.GetName())
		return nil
	})
	ev := func(typ watch.EventType, name, tier string) dynamicclient.WatchEvent {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind("Pod")
		u.SetName(name)
		if tier != "" {
			u.SetLabels(map[string]string{"tier": tier})
		}
		return dynamicclient.WatchEvent{Type: typ, Object: u}
	}
	for _, e := range []dynamicclient.WatchEvent{
		ev(watch.Added, "a", "web"), ev(watch.Added, "b", "db"),
		{Type: dynamicclient.Synced, Source: -1},                       // no object: passed on as it is
		ev(watch.Modified, "a", "web"), ev(watch.Modified, "b", "web"), // b starts to match
		ev(watch.Modified, "a", ""),                             // a stops matching
		ev(watch.Modified, "a", ""), ev(watch.Deleted, "a", ""), // not shown any more
		ev(watch.Deleted, "b", "web"),
	} {
		if err := handle(e); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"ADDED a", "SYNCED", "MODIFIED a", "ADDED b", "DELETED a", "DELETED b"}
	if !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
}

// TestMetadataMap: the hand-built metadata is what the converter makes of
// it, managedFields aside.
func TestMetadataMap(t *testing.T) {
	grace := int64(30)
	ctrl := true
	m := metav1.ObjectMeta{
		Name: "a", Namespace: "ns", GenerateName: "a-", UID: "u-1", ResourceVersion: "7", Generation: 3,
		CreationTimestamp: metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		DeletionTimestamp: &metav1.Time{Time: time.Date(2026, 2, 2, 3, 4, 5, 0, time.UTC)}, DeletionGracePeriodSeconds: &grace,
		Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"n": "v"}, Finalizers: []string{"f"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", UID: "u-2", Controller: &ctrl}},
	}
	want, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&m)
	if err != nil {
		t.Fatal(err)
	}
	if got := metadataMap(&m); !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("metadataMap =\n%v\nwant\n%v", got, want)
	}
}

// TestListThenGet: a metadata-only filter with whole objects wanted lists
// metadata, then gets each match whole, in list order.
func TestListThenGet(t *testing.T) {
	l := newFakeLister(map[string]*behaviour{"pods": {pages: 3}})
	var r run
	req := Request{Targets: targets("pods"), Read: Objects, Where: where(t, `object.metadata.name != "pods-1"`)}
	if err := r.each(context.Background(), l, req, NewReport("get", "type")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range l.Calls() {
		got = append(got, c.Method+" "+c.Name)
	}
	if want := []string{"MetadataPages ", "Get pods-0", "Get pods-2"}; !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if names := r.done[0].objectNames(t); !slices.Equal(names, []string{"pods-0", "pods-2"}) {
		t.Errorf("sink %q", names)
	}
	if _, ok := r.done[0].pages[0].(*unstructured.UnstructuredList); !ok {
		t.Errorf("page %T, want whole objects", r.done[0].pages[0])
	}
}

func TestFewMatches(t *testing.T) {
	for _, tc := range []struct {
		n, size int
		want    bool
	}{{0, 500, true}, {16, 20, true}, {17, 20, false}, {50, 500, true}, {51, 500, false}} {
		if got := fewMatches(tc.n, tc.size); got != tc.want {
			t.Errorf("fewMatches(%d, %d) = %v, want %v", tc.n, tc.size, got, tc.want)
		}
	}
}
