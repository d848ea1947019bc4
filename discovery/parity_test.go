package discovery

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// These tests pin kdx's own discovery RESTMapper, shortcut expander,
// category expander, aggregated conversion and legacy fetch to client-go's
// (which kubectl uses). client-go is imported here only: tests are not part
// of the kdx binary.

// clientGoDiscovery serves a Snapshot through client-go's discovery interface.
type clientGoDiscovery struct {
	discovery.DiscoveryInterfaceWithContext
	snap *Snapshot
}

func (d clientGoDiscovery) ServerGroupsAndResourcesWithContext(context.Context) ([]*metav1.APIGroup, []*metav1.APIResourceList, error) {
	groups := make([]*metav1.APIGroup, len(d.snap.groups))
	for i := range d.snap.groups {
		groups[i] = &d.snap.groups[i]
	}
	return groups, d.snap.lists, nil
}

func clientGoMappers(t *testing.T, s *Snapshot) (meta.RESTMapperWithContext, restmapper.CategoryExpanderWithContext) {
	t.Helper()
	d := clientGoDiscovery{snap: s}
	grs, err := restmapper.GetAPIGroupResourcesWithContext(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	base := restmapper.NewDiscoveryRESTMapperWithContext(grs)
	return restmapper.NewShortcutExpanderWithContext(base, d, nil), restmapper.NewDiscoveryCategoryExpanderWithContext(d)
}

// paritySnapshot adds to fakeSnapshot the odd cases: a resource without a
// singular, a preferred version that serves nothing, a group without lists,
// a short name shared within a group, a kind shared across groups.
func paritySnapshot() *Snapshot {
	s := fakeSnapshot()
	groups := append(s.groups,
		metav1.APIGroup{Name: "odd.example.org",
			Versions:         []metav1.GroupVersionForDiscovery{{GroupVersion: "odd.example.org/v3", Version: "v3"}, {GroupVersion: "odd.example.org/v1", Version: "v1"}, {GroupVersion: "odd.example.org/v2", Version: "v2"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "odd.example.org/v3", Version: "v3"}},
		group("empty.example.org", "v1"),
		group("autoscaling.example.org", "v1"),
	)
	lists := append(s.lists,
		list("odd.example.org/v1", res("things - Thing ns th,po kdxdemo,all"), res("pods pod Pod ns od")),
		list("odd.example.org/v2", res("things thing Thing ns th kdxdemo"), res("hosts host Host cluster th")),
		list("autoscaling.example.org/v1", res("scalers scaler HorizontalPodAutoscaler ns hpa,sc")),
	)
	return NewSnapshot(groups, lists, nil)
}

// parityQueries are every name of every resource, in every form kubectl
// accepts, and near misses.
func parityQueries(s *Snapshot) []string {
	qs := []string{"", "all", "kdxdemo", "nothing", "po.odd", "hpa.autoscal", "hpa.autoscaling.example", "sc.autoscal", "th.odd", "th.v2.odd.example.org", "List", "list", "lists", "LIST", "Lists.v1", "PodList", "podlist", "podlists", "pods.v9", "Pod.v1.", "pods..", "."}
	for _, l := range s.lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			names := append([]string{r.Name, r.SingularName, r.Kind, strings.ToLower(r.Kind), strings.ToUpper(r.Name), r.Kind + "List", strings.ToLower(r.Kind) + "lists", r.Kind[:len(r.Kind)-1]}, r.ShortNames...)
			for _, n := range names {
				qs = append(qs, n, n+"."+gv.Group, n+"."+gv.Version+"."+gv.Group, n+"."+gv.Version, n+"."+strings.SplitN(gv.Group, ".", 2)[0])
				if len(gv.Group) > 3 {
					qs = append(qs, n+"."+gv.Group[:3])
				}
			}
		}
	}
	return qs
}

// outcome is what a mapper answers for one query, errors as text.
func outcome(v any, err error) string {
	if err != nil {
		return fmt.Sprintf("error %T: %v", err, err)
	}
	return fmt.Sprintf("%+v", v)
}

func mapperAnswers(ctx context.Context, m meta.RESTMapperWithContext, q string) []string {
	var out []string
	gvrs := []schema.GroupVersionResource{{Resource: q}}
	if full, gr := schema.ParseResourceArg(q); full != nil {
		gvrs = append(gvrs, *full, gr.WithVersion(""))
	} else {
		gvrs = append(gvrs, gr.WithVersion(""))
	}
	for _, gvr := range gvrs {
		out = append(out, outcome(m.KindForWithContext(ctx, gvr)))
		out = append(out, outcome(m.KindsForWithContext(ctx, gvr)))
		out = append(out, outcome(m.ResourceForWithContext(ctx, gvr)))
		out = append(out, outcome(m.ResourcesForWithContext(ctx, gvr)))
	}
	out = append(out, outcome(m.ResourceSingularizerWithContext(ctx, q)))
	full, gk := schema.ParseKindArg(q)
	gvks := []schema.GroupVersionKind{gk.WithVersion("")}
	if full != nil {
		gvks = append(gvks, *full)
	}
	for _, gvk := range gvks {
		for _, versions := range [][]string{nil, {gvk.Version}, {"v1", "v2"}} {
			m1, err := m.RESTMappingWithContext(ctx, gvk.GroupKind(), versions...)
			if m1 != nil {
				out = append(out, outcome(*m1, err))
			} else {
				out = append(out, outcome(nil, err))
			}
			ms, err := m.RESTMappingsWithContext(ctx, gvk.GroupKind(), versions...)
			var flat []meta.RESTMapping
			for _, x := range ms {
				flat = append(flat, *x)
			}
			out = append(out, outcome(flat, err))
		}
	}
	return out
}

func TestMapperParityWithClientGo(t *testing.T) {
	ctx := context.Background()
	for name, s := range map[string]*Snapshot{"fake": fakeSnapshot(), "odd": paritySnapshot(), "empty": NewSnapshot(nil, nil, nil)} {
		t.Run(name, func(t *testing.T) {
			wantMapper, wantCats := clientGoMappers(t, s)
			gotMapper, gotCats := newShortcutMapper(newNameMapper(s), s), newCategories(s.lists)
			for _, q := range parityQueries(s) {
				got, want := mapperAnswers(ctx, gotMapper, q), mapperAnswers(ctx, wantMapper, q)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("mapping %q:\ngot  %q\nwant %q", q, got, want)
				}
				gotGRs, gotOK := gotCats.expand(q)
				wantGRs, wantOK := wantCats.ExpandWithContext(ctx, q)
				if fmt.Sprint(gotGRs, gotOK) != fmt.Sprint(wantGRs, wantOK) {
					t.Errorf("category %q: got %v %v, want %v %v", q, gotGRs, gotOK, wantGRs, wantOK)
				}
			}
		})
	}
}

func TestFromAggregatedParityWithClientGo(t *testing.T) {
	kind := func(g, v, k string) *metav1.GroupVersionKind {
		return &metav1.GroupVersionKind{Group: g, Version: v, Kind: k}
	}
	list := apidiscoveryv2.APIGroupDiscoveryList{Items: []apidiscoveryv2.APIGroupDiscovery{
		{ObjectMeta: metav1.ObjectMeta{Name: ""}, Versions: []apidiscoveryv2.APIVersionDiscovery{{Version: "v1", Resources: []apidiscoveryv2.APIResourceDiscovery{
			{Resource: "pods", SingularResource: "pod", ResponseKind: kind("", "v1", "Pod"), Scope: apidiscoveryv2.ScopeNamespace, ShortNames: []string{"po"}, Categories: []string{"all"}, Verbs: []string{"get"},
				Subresources: []apidiscoveryv2.APISubresourceDiscovery{{Subresource: "log", ResponseKind: kind("", "v1", "Pod"), Verbs: []string{"get"}}, {Subresource: "nokind"}}},
			{Resource: "bindings", Scope: apidiscoveryv2.ScopeCluster, Subresources: []apidiscoveryv2.APISubresourceDiscovery{{Subresource: "status", ResponseKind: kind("", "v1", "Binding")}}},
		}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "stale.example.org"}, Versions: []apidiscoveryv2.APIVersionDiscovery{
			{Version: "v2", Freshness: apidiscoveryv2.DiscoveryFreshnessStale},
			{Version: "v1", Resources: []apidiscoveryv2.APIResourceDiscovery{{Resource: "things", ResponseKind: kind("stale.example.org", "v1", "Thing")}}},
		}},
		{ObjectMeta: metav1.ObjectMeta{Name: "gone.example.org"}, Versions: []apidiscoveryv2.APIVersionDiscovery{{Version: "v1", Freshness: apidiscoveryv2.DiscoveryFreshnessStale}}},
	}}
	got := fromAggregated(list)
	groups, byGV, failed := discovery.SplitGroupsAndResources(list)
	if !reflect.DeepEqual(got.Groups, groups.Groups) {
		t.Errorf("groups:\ngot  %+v\nwant %+v", got.Groups, groups.Groups)
	}
	var lists []*metav1.APIResourceList
	for _, l := range byGV {
		lists = append(lists, l)
	}
	if want := orderLists(groups.Groups, lists); !reflect.DeepEqual(got.Lists, want) {
		t.Errorf("lists:\ngot  %+v\nwant %+v", got.Lists, want)
	}
	var want []Failure
	for gv := range failed {
		want = append(want, Failure{GroupVersion: gv.String(), Reason: staleReason})
	}
	sortFailures(want)
	if !reflect.DeepEqual(got.Failures, want) {
		t.Errorf("failures: got %+v, want %+v", got.Failures, want)
	}
}

// legacyServer serves legacy discovery with failing group/versions: a
// forbidden one, an unavailable one, one answering plain text, one with an
// empty body.
func legacyServer(t *testing.T) *httptest.Server {
	status := func(code int, reason metav1.StatusReason, msg string) string {
		return fmt.Sprintf(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":%q,"reason":%q,"code":%d}`, msg, reason, code)
	}
	h := http.NewServeMux()
	h.HandleFunc("/api", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"kind":"APIVersions","versions":["v1"]}`)
	})
	h.HandleFunc("/apis", func(w http.ResponseWriter, _ *http.Request) {
		gs := []string{}
		for _, g := range []string{"apps", "forbidden.example.org", "down.example.org", "text.example.org", "empty.example.org"} {
			gs = append(gs, fmt.Sprintf(`{"name":%q,"versions":[{"groupVersion":"%[1]s/v1","version":"v1"}],"preferredVersion":{"groupVersion":"%[1]s/v1","version":"v1"}}`, g))
		}
		fmt.Fprintf(w, `{"kind":"APIGroupList","groups":[%s]}`, strings.Join(gs, ","))
	})
	h.HandleFunc("/api/v1", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get"],"shortNames":["po"]},{"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]}]}`)
	})
	h.HandleFunc("/apis/apps/v1", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"]}]}`)
	})
	h.HandleFunc("/apis/forbidden.example.org/v1", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, status(403, metav1.StatusReasonForbidden, `forbidden: User "x" cannot get path "/apis/forbidden.example.org/v1"`))
	})
	h.HandleFunc("/apis/down.example.org/v1", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, status(503, metav1.StatusReasonServiceUnavailable, "service unavailable"))
	})
	h.HandleFunc("/apis/text.example.org/v1", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "something broke")
	})
	h.HandleFunc("/apis/empty.example.org/v1", func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("Content-Type", "application/json") })
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func TestFetchLegacyParityWithClientGo(t *testing.T) {
	ctx := context.Background()
	cfg := &rest.Config{Host: legacyServer(t).URL}
	c, err := NewClient(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.fetchLegacy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups, lists, err := discovery.ServerGroupsAndResourcesWithContext(ctx, dc.WithLegacyWithContext(ctx))
	failed, ok := discovery.GroupDiscoveryFailedErrorGroups(err)
	if !ok {
		t.Fatalf("client-go: %v", err)
	}
	var wantGroups []metav1.APIGroup
	for _, g := range groups {
		wantGroups = append(wantGroups, *g)
	}
	if !reflect.DeepEqual(got.APIs.Groups, wantGroups) {
		t.Errorf("groups:\ngot  %+v\nwant %+v", got.APIs.Groups, wantGroups)
	}
	if !reflect.DeepEqual(got.APIs.Lists, lists) {
		t.Errorf("lists:\ngot  %+v\nwant %+v", got.APIs.Lists, lists)
	}
	var wantFailures []Failure
	for gv, err := range failed {
		wantFailures = append(wantFailures, Failure{GroupVersion: gv.String(), Reason: failureReason(err)})
	}
	sortFailures(wantFailures)
	if !reflect.DeepEqual(got.APIs.Failures, wantFailures) {
		t.Errorf("failures:\ngot  %+v\nwant %+v", got.APIs.Failures, wantFailures)
	}
	for _, f := range got.APIs.Failures {
		t.Logf("%s: %s", f.GroupVersion, f.Reason)
	}
}
