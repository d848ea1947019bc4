package describe

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
)

// fakeServer is a query.Lister over objects by "group/resource", with
// errors for some lists and the field selectors it was asked.
type fakeServer struct {
	objects   map[string][]unstructured.Unstructured
	fails     map[string]error
	selectors []string
}

var _ query.Lister = (*fakeServer)(nil)

func key(m discovery.Mapping) string { return m.GVR.Group + "/" + m.GVR.Resource }

func (f *fakeServer) ListPages(_ context.Context, m discovery.Mapping, ns string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
	f.selectors = append(f.selectors, key(m)+"?"+opts.FieldSelector)
	if err := f.fails[key(m)]; err != nil {
		return err
	}
	return fn(&unstructured.UnstructuredList{Items: f.objects[key(m)]})
}

func (f *fakeServer) MetadataPage(ctx context.Context, m discovery.Mapping, ns string, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	var first *metav1.PartialObjectMetadataList
	err := f.MetadataPages(ctx, m, ns, opts, func(l *metav1.PartialObjectMetadataList) error { first = l; return nil })
	return first, err
}

func (f *fakeServer) MetadataPages(_ context.Context, m discovery.Mapping, ns string, _ metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error {
	if err := f.fails[key(m)]; err != nil {
		return err
	}
	l := &metav1.PartialObjectMetadataList{}
	for _, o := range f.objects[key(m)] {
		if ns == "" || o.GetNamespace() == ns {
			l.Items = append(l.Items, metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: o.GetName(), Namespace: o.GetNamespace(),
				Finalizers: o.GetFinalizers(), DeletionTimestamp: o.GetDeletionTimestamp()}})
		}
	}
	return fn(l)
}

func (f *fakeServer) PrintablePages(context.Context, discovery.Mapping, string, metav1.ListOptions, metav1.IncludeObjectPolicy, func(runtime.Object) error) error {
	return nil
}

func (f *fakeServer) Get(context.Context, discovery.Mapping, string, string, string) (*unstructured.Unstructured, error) {
	return nil, nil
}

func (f *fakeServer) GetPrintable(context.Context, discovery.Mapping, string, string, string, metav1.IncludeObjectPolicy) (runtime.Object, error) {
	return nil, nil
}

// fakeResolver serves core events, configmaps and secrets, events.k8s.io
// events and apiregistration's apiservices.
func fakeResolver() *discovery.Resolver {
	res := func(name, kind string, namespaced bool) metav1.APIResource {
		return metav1.APIResource{Name: name, Kind: kind, Namespaced: namespaced, Verbs: []string{"list", "get"}}
	}
	groups := []metav1.APIGroup{
		{Name: "", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}}, PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "v1", Version: "v1"}},
		{Name: "events.k8s.io", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "events.k8s.io/v1", Version: "v1"}}, PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "events.k8s.io/v1", Version: "v1"}},
		{Name: "apiregistration.k8s.io", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "apiregistration.k8s.io/v1", Version: "v1"}}, PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "apiregistration.k8s.io/v1", Version: "v1"}},
	}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{res("events", "Event", true), res("configmaps", "ConfigMap", true), res("secrets", "Secret", true), res("namespaces", "Namespace", false)}},
		{GroupVersion: "events.k8s.io/v1", APIResources: []metav1.APIResource{res("events", "Event", true)}},
		{GroupVersion: "apiregistration.k8s.io/v1", APIResources: []metav1.APIResource{res("apiservices", "APIService", false)}},
	}
	return discovery.NewResolver(discovery.NewSnapshot(groups, lists, nil), nil)
}

func TestGathererEventsFallBackToCoreEvents(t *testing.T) {
	refused := apierrors.NewBadRequest(`"regarding.uid" is not a known field selector`)
	srv := &fakeServer{
		fails:   map[string]error{"events.k8s.io/events": refused},
		objects: map[string][]unstructured.Unstructured{"/events": {*object(t, `{apiVersion: v1, kind: Event, metadata: {name: e}, type: Normal, reason: Synced, message: ok, count: 3, firstTimestamp: "2026-12-03T07:00:00Z", lastTimestamp: "2026-12-03T07:59:00Z"}`)}},
	}
	g := &Gatherer{Lister: srv, Resolver: fakeResolver(), Concurrency: 2, ShowEvents: true, Report: query.NewReport("list", "type")}
	d := g.Describe(context.Background(), object(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: demo, uid: u-1}}`))
	if len(d.Events) != 1 || d.Events[0].Count != 3 || d.Events[0].Reason != "Synced" {
		t.Errorf("events = %+v, want the core event counted 3 times", d.Events)
	}
	want := "events.k8s.io/events?regarding.uid=u-1 /events?involvedObject.uid=u-1"
	if got := strings.Join(srv.selectors, " "); got != want {
		t.Errorf("lists = %s, want %s", got, want)
	}
	if g.Report.Len() != 0 {
		t.Errorf("report = %v, want nothing", g.Report.Lines())
	}
}

func TestGathererTerminatingNamespace(t *testing.T) {
	srv := &fakeServer{
		fails: map[string]error{"/secrets": apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "", nil)},
		objects: map[string][]unstructured.Unstructured{
			"/configmaps": {*object(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: held, namespace: gone, finalizers: [example.org/cleanup]}}`),
				*object(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: elsewhere, namespace: other}}`)},
			"apiregistration.k8s.io/apiservices": {*object(t, `{apiVersion: apiregistration.k8s.io/v1, kind: APIService, metadata: {name: v1.stuck.example.org}, spec: {service: {namespace: default, name: missing, port: 443}}, status: {conditions: [{type: Available, status: "False", reason: ServiceNotFound, message: not present}]}}`)},
		},
	}
	g := &Gatherer{Lister: srv, Resolver: fakeResolver(), Concurrency: 2, Report: query.NewReport("list", "type")}
	d := g.Describe(context.Background(), object(t, `{apiVersion: v1, kind: Namespace, metadata: {name: gone, deletionTimestamp: "2026-12-03T07:00:00Z"}, spec: {finalizers: [kubernetes]}}`))
	term := d.Deletion.Content
	if len(term.APIServices) != 1 || term.APIServices[0].Service != "default/missing" || term.APIServices[0].Reason != "ServiceNotFound" {
		t.Errorf("APIServices = %+v", term.APIServices)
	}
	if len(term.Remaining) != 1 || term.Remaining[0].Type != "configmaps" || len(term.Remaining[0].Objects) != 1 ||
		term.Remaining[0].Objects[0].Finalizers[0] != "example.org/cleanup" {
		t.Errorf("Remaining = %+v, want configmaps/held with its finalizer", term.Remaining)
	}
	if !strings.Contains(term.Unread, "secrets") || !strings.Contains(term.Unread, "forbidden") {
		t.Errorf("Unread = %q, want the forbidden secrets", term.Unread)
	}
}

// TestGathererTerminatingCRD: a CustomResourceDefinition being deleted
// lists the objects of its type still there, in every namespace, read at
// the CRD's storage version (discovery need not serve the type), and says
// what holds them (issue 26.8).
func TestGathererTerminatingCRD(t *testing.T) {
	var objs []unstructured.Unstructured
	for i := range 25 {
		objs = append(objs, *object(t, fmt.Sprintf(`{apiVersion: kdx.test/v2, kind: Widget, metadata: {name: w%02d, namespace: demo}}`, i)))
	}
	objs = append(objs, *object(t, `{apiVersion: kdx.test/v2, kind: Widget, metadata: {name: held, namespace: other, deletionTimestamp: "2026-12-03T07:46:00Z", finalizers: [example.com/never]}}`))
	srv := &fakeServer{objects: map[string][]unstructured.Unstructured{"kdx.test/widgets": objs}}
	g := &Gatherer{Lister: srv, Resolver: fakeResolver(), Concurrency: 2, Report: query.NewReport("list", "type")}
	crd := object(t, `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.kdx.test, creationTimestamp: "2026-12-03T07:00:00Z", deletionTimestamp: "2026-12-03T07:45:00Z", finalizers: [customresourcecleanup.apiextensions.k8s.io]}
spec:
  group: kdx.test
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - {name: v1, served: true, storage: false}
  - {name: v2, served: true, storage: true}
status:
  conditions:
  - {type: Established, status: "True", reason: InitialNamesAccepted}
  - {type: Terminating, status: "True", reason: InstanceDeletionCheck, message: "could not confirm zero CustomResources remaining: timed out waiting for the condition", lastTransitionTime: "2026-12-03T07:46:00Z"}
`)
	d := g.Describe(context.Background(), crd)
	c := d.Deletion.Content
	if c == nil || len(c.Remaining) != 1 || c.Remaining[0].Type != "widgets.kdx.test" || len(c.Remaining[0].Objects) != 26 || c.Unread != "" {
		t.Fatalf("Content = %+v, want the 26 widgets", c)
	}
	var b bytes.Buffer
	if err := Write(&b, now, d); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "terminating-crd.txt", b.Bytes())

	srv.fails = map[string]error{"kdx.test/widgets": apierrors.NewForbidden(schema.GroupResource{Group: "kdx.test", Resource: "widgets"}, "", nil)}
	if u := g.Describe(context.Background(), crd).Deletion.Content.Unread; !strings.Contains(u, "widgets.kdx.test") || !strings.Contains(u, "forbidden") {
		t.Errorf("Unread = %q, want the forbidden widgets", u)
	}
}
