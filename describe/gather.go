package describe

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
)

// Gatherer reads what a description needs beyond the object: its events,
// the endpoints of a Service, the quotas of a namespace and, for a
// Terminating namespace, the unavailable APIServices and the objects still
// in it (metadata-only lists of every listable type, through the engine).
type Gatherer struct {
	// Lister reads the server.
	Lister query.Lister
	// Quiet reads the types the user did not name (a namespace's content
	// in every type): a client that keeps server deprecation warnings
	// quiet. Nil: Lister.
	Quiet query.Lister
	// Resolver maps the types read and holds discovery.
	Resolver *discovery.Resolver
	// Concurrency bounds the lists of a Terminating namespace's content.
	Concurrency int
	// ShowEvents reads the events.
	ShowEvents bool
	// Report receives what could not be read (the description goes on
	// without it).
	Report *query.Report
}

// Describe builds the description of obj.
func (g *Gatherer) Describe(ctx context.Context, obj *unstructured.Unstructured) Description {
	d := Description{Object: obj, ShowEvents: g.ShowEvents}
	if g.ShowEvents {
		d.Events = g.events(ctx, obj)
	}
	d.Extra = g.extra(ctx, obj)
	d.Deletion = NewDeletion(obj, g.groups())
	switch {
	case d.Deletion == nil || d.Deletion.Content == nil:
	case d.Deletion.Content.OfType:
		g.instances(ctx, obj, d.Deletion.Content)
	default:
		g.terminating(ctx, obj.GetName(), d.Deletion.Content)
	}
	return d
}

// Events are obj's events alone, as Describe reads them (the explorer's
// events view).
func (g *Gatherer) Events(ctx context.Context, obj *unstructured.Unstructured) []Event {
	return g.events(ctx, obj)
}

// groups are the API groups the server serves.
func (g *Gatherer) groups() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range g.Resolver.Snapshot().Resources {
		if !seen[r.Group] && r.Group != "" {
			seen[r.Group] = true
			out = append(out, r.Group)
		}
	}
	return out
}

// mapping resolves a type the description reads, reporting a failure.
func (g *Gatherer) mapping(ctx context.Context, typ string) (discovery.Mapping, bool) {
	ms, err := g.Resolver.Resolve(ctx, typ)
	if err != nil || len(ms) == 0 {
		return discovery.Mapping{}, false
	}
	return ms[0], true
}

// list reads every object of typ in namespace matching opts.
func (g *Gatherer) list(ctx context.Context, typ, namespace string, opts metav1.ListOptions) ([]unstructured.Unstructured, error) {
	m, ok := g.mapping(ctx, typ)
	if !ok {
		return nil, fmt.Errorf("the server does not serve %s", typ)
	}
	var out []unstructured.Unstructured
	opts.Limit = 500
	err := g.Lister.ListPages(ctx, m, namespace, opts, func(l *unstructured.UnstructuredList) error {
		out = append(out, l.Items...)
		return nil
	})
	return out, err
}

// events are obj's events: events.k8s.io/v1 by regarding.uid, else (a
// server that does not serve it, or refuses the selector) core/v1 by
// involvedObject.uid. A cluster-scoped object's events are searched in
// every namespace, as kubectl does.
func (g *Gatherer) events(ctx context.Context, obj *unstructured.Unstructured) []Event {
	uid := string(obj.GetUID())
	items, err := g.list(ctx, "events.events.k8s.io", obj.GetNamespace(), metav1.ListOptions{FieldSelector: "regarding.uid=" + uid})
	if err != nil && !apierrors.IsForbidden(err) {
		items, err = g.list(ctx, "events", obj.GetNamespace(), metav1.ListOptions{FieldSelector: "involvedObject.uid=" + uid})
	}
	if err != nil {
		g.Report.Add("events", err)
		return nil
	}
	out := make([]Event, len(items))
	for i := range items {
		out[i] = EventOf(&items[i])
	}
	return out
}

// extra are the sections of kinds whose description reads other objects:
// a Service's endpoints, a namespace's resource quotas and limit ranges.
func (g *Gatherer) extra(ctx context.Context, obj *unstructured.Unstructured) []Section {
	gvk := obj.GroupVersionKind()
	switch {
	case gvk.Group == "" && gvk.Kind == "Service":
		sel := "kubernetes.io/service-name=" + obj.GetName()
		slices, err := g.list(ctx, "endpointslices.discovery.k8s.io", obj.GetNamespace(), metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			g.Report.Add("endpointslices.discovery.k8s.io", err)
			return nil
		}
		return []Section{endpointsSection(slices)}
	case gvk.Group == "apps" && gvk.Kind == "Deployment":
		sel, _, _ := unstructured.NestedStringMap(obj.Object, "spec", "selector", "matchLabels")
		sets, err := g.list(ctx, "replicasets.apps", obj.GetNamespace(), metav1.ListOptions{LabelSelector: labels.SelectorFromSet(sel).String()})
		if err != nil {
			g.Report.Add("replicasets.apps", err)
			return nil
		}
		return []Section{replicaSetsSection(obj, sets)}
	case gvk.Group == "" && gvk.Kind == "Namespace":
		var out []Section
		for _, typ := range []string{"resourcequotas", "limitranges"} {
			items, err := g.list(ctx, typ, obj.GetName(), metav1.ListOptions{})
			if err != nil {
				g.Report.Add(typ, err)
				continue
			}
			out = append(out, policySection(typ, items))
		}
		return out
	}
	return nil
}

// terminating fills in what holds namespace ns: unavailable APIServices and
// the objects still in it.
func (g *Gatherer) terminating(ctx context.Context, ns string, t *Content) {
	services, err := g.list(ctx, "apiservices.apiregistration.k8s.io", "", metav1.ListOptions{})
	if err != nil {
		g.Report.Add("apiservices.apiregistration.k8s.io", err)
	}
	t.APIServices = unavailable(services)
	t.Remaining, t.Unread = g.remaining(ctx, ns)
}

// instances fills in what holds a CustomResourceDefinition being deleted:
// the objects of its type still there, in every namespace (a metadata-only
// list of the type the CRD defines, read from the CRD itself: discovery may
// no longer serve it).
func (g *Gatherer) instances(ctx context.Context, crd *unstructured.Unstructured, t *Content) {
	m, ok := crdMapping(crd)
	if !ok {
		t.Unread = "the CustomResourceDefinition serves no version"
		return
	}
	lister := g.Lister
	if g.Quiet != nil {
		lister = g.Quiet
	}
	r := Remaining{Type: m.QualifiedName()}
	err := lister.MetadataPages(ctx, m, "", metav1.ListOptions{Limit: 500}, func(l *metav1.PartialObjectMetadataList) error {
		for _, item := range l.Items {
			name := item.Name
			if item.Namespace != "" {
				name = item.Namespace + "/" + name
			}
			r.Objects = append(r.Objects, RemainingObject{Name: name, Finalizers: item.Finalizers, Deleting: item.DeletionTimestamp != nil})
		}
		return nil
	})
	switch {
	case apierrors.IsNotFound(err):
		// The type is gone: the CRD is about to go too.
	case err != nil:
		t.Unread = m.QualifiedName() + ": " + err.Error()
	case len(r.Objects) > 0:
		t.Remaining = []Remaining{r}
	}
}

// crdMapping is the type a CustomResourceDefinition defines, at its
// storage version when that is served, else at its first served one.
func crdMapping(crd *unstructured.Unstructured) (discovery.Mapping, bool) {
	group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	kind, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "kind")
	scope, _, _ := unstructured.NestedString(crd.Object, "spec", "scope")
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	version := ""
	for _, v := range versions {
		m, _ := v.(map[string]any)
		if served, _ := m["served"].(bool); !served {
			continue
		}
		if storage, _ := m["storage"].(bool); storage || version == "" {
			version = str(m, "name")
		}
	}
	if version == "" || plural == "" {
		return discovery.Mapping{}, false
	}
	gv := schema.GroupVersion{Group: group, Version: version}
	return discovery.Mapping{GVR: gv.WithResource(plural), GVK: gv.WithKind(kind), Namespaced: scope == "Namespaced",
		Resource: discovery.APIResource{Group: group, Version: version, Versions: []string{version}, Resource: plural, Kind: kind, Namespaced: scope == "Namespaced", Verbs: []string{"list"}}}, true
}

// unavailable are the APIServices whose Available condition is not True.
func unavailable(services []unstructured.Unstructured) []APIService {
	var out []APIService
	for _, s := range services {
		for _, c := range Conditions(s.Object) {
			if c.Type == "Available" && c.Status != "True" {
				svc := ""
				if m, ok, _ := unstructured.NestedMap(s.Object, "spec", "service"); ok {
					svc = str(m, "namespace") + "/" + str(m, "name")
				}
				out = append(out, APIService{Name: s.GetName(), Service: svc, Reason: c.Reason, Message: c.Message})
			}
		}
	}
	return out
}

// remaining lists every listable namespaced type of ns, metadata only,
// concurrently, and returns the objects found by type; unread says what
// could not be listed, one line per cause.
func (g *Gatherer) remaining(ctx context.Context, ns string) ([]Remaining, string) {
	snap, err := g.Resolver.Revalidated(ctx)
	if err != nil {
		return nil, err.Error()
	}
	req := query.Request{Namespace: ns, ChunkSize: 500, Concurrency: g.Concurrency, Read: query.Metadata,
		Targets: query.SelectTypes(snap, query.AllTypes{})}
	req.Vanished = func(ctx context.Context, t discovery.Target) bool { return !g.Resolver.StillServed(ctx, t.GVR) }
	rep := query.NewReport("list", "type")
	var out []Remaining
	open := func(t discovery.Target) query.Sink { return &remainingSink{r: Remaining{Type: t.QualifiedName()}} }
	done := func(_ discovery.Target, s query.Sink) error {
		if r := s.(*remainingSink).r; len(r.Objects) > 0 {
			out = append(out, r)
		}
		return nil
	}
	eng := &query.Engine{Lister: g.Lister}
	if g.Quiet != nil {
		eng.Lister = g.Quiet
	}
	if err := eng.Each(ctx, req, rep, open, done); err != nil {
		return out, err.Error()
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, strings.Join(rep.Lines(), "; ")
}

// remainingSink collects the names and finalizers of one type's objects.
type remainingSink struct{ r Remaining }

func (s *remainingSink) Page(obj runtime.Object) error {
	l, ok := obj.(*metav1.PartialObjectMetadataList)
	if !ok {
		return fmt.Errorf("unexpected page %T", obj)
	}
	for _, item := range l.Items {
		s.r.Objects = append(s.r.Objects, RemainingObject{Name: item.Name, Finalizers: item.Finalizers, Deleting: item.DeletionTimestamp != nil})
	}
	return nil
}

// endpointsSection is a Service's ready endpoints, "address:port" each, from
// its EndpointSlices.
func endpointsSection(slices []unstructured.Unstructured) Section {
	var ready, notReady []string
	for _, s := range slices {
		var ports []string
		list, _, _ := unstructured.NestedSlice(s.Object, "ports")
		for _, p := range list {
			if m, ok := p.(map[string]any); ok {
				ports = append(ports, fmt.Sprint(int64Of(m["port"])))
			}
		}
		eps, _, _ := unstructured.NestedSlice(s.Object, "endpoints")
		for _, e := range eps {
			m, _ := e.(map[string]any)
			addrs, _, _ := unstructured.NestedStringSlice(m, "addresses")
			isReady, found, _ := unstructured.NestedBool(m, "conditions", "ready")
			for _, a := range addrs {
				for _, p := range orAll(ports) {
					ep := joinNonEmpty(":", a, p)
					if !found || isReady {
						ready = append(ready, ep)
					} else {
						notReady = append(notReady, ep)
					}
				}
			}
		}
	}
	lines := []string{"Ready:      " + orNone(strings.Join(ready, ", ")), "Not ready:  " + orNone(strings.Join(notReady, ", "))}
	return Section{Title: fmt.Sprintf("Endpoints (%d EndpointSlices)", len(slices)), Lines: lines}
}

func orAll(ports []string) []string {
	if len(ports) == 0 {
		return []string{""}
	}
	return ports
}

// policySection is a namespace's resource quotas (used/hard) or limit ranges.
func policySection(typ string, items []unstructured.Unstructured) Section {
	s := Section{Title: "Resource Quotas"}
	if typ == "limitranges" {
		s.Title = "Limit Ranges"
	}
	for _, item := range items {
		if typ == "resourcequotas" {
			hard, _, _ := unstructured.NestedStringMap(item.Object, "status", "hard")
			if len(hard) == 0 { // the quota controller has not counted yet
				hard, _, _ = unstructured.NestedStringMap(item.Object, "spec", "hard")
			}
			used, _, _ := unstructured.NestedStringMap(item.Object, "status", "used")
			var rows [][]string
			for _, k := range sortedKeys(hard) {
				rows = append(rows, []string{k, orNone(used[k]), hard[k]})
			}
			s.Lines = append(s.Lines, item.GetName()+":")
			for _, l := range table([]string{"Resource", "Used", "Hard"}, rows) {
				s.Lines = append(s.Lines, "  "+l)
			}
			continue
		}
		limits, _, _ := unstructured.NestedSlice(item.Object, "spec", "limits")
		s.Lines = append(s.Lines, item.GetName()+":")
		for _, l := range limits {
			m, _ := l.(map[string]any)
			var parts []string
			for _, k := range []string{"min", "max", "default", "defaultRequest", "maxLimitRequestRatio"} {
				if v, ok := m[k].(map[string]any); ok {
					parts = append(parts, k+" "+scalarMap(v))
				}
			}
			s.Lines = append(s.Lines, "  "+str(m, "type")+": "+strings.Join(parts, ", "))
		}
	}
	return s
}

// scalarMap is {k=v, ...}, sorted.
func scalarMap(m map[string]any) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+scalar(m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// replicaSetsSection is a Deployment's ReplicaSets as kubectl names them:
// the new one (the highest revision) and the old ones that still have
// replicas, each with its replicas created out of desired.
func replicaSetsSection(deploy *unstructured.Unstructured, sets []unstructured.Unstructured) Section {
	var owned []unstructured.Unstructured
	for _, rs := range sets {
		for _, o := range rs.GetOwnerReferences() {
			if o.UID == deploy.GetUID() {
				owned = append(owned, rs)
			}
		}
	}
	revision := func(rs unstructured.Unstructured) int64 {
		var n int64
		fmt.Sscan(rs.GetAnnotations()["deployment.kubernetes.io/revision"], &n)
		return n
	}
	sort.SliceStable(owned, func(i, j int) bool { return revision(owned[i]) > revision(owned[j]) })
	describeRS := func(rs unstructured.Unstructured) string {
		want, _, _ := unstructured.NestedFieldNoCopy(rs.Object, "spec", "replicas")
		have, _, _ := unstructured.NestedFieldNoCopy(rs.Object, "status", "replicas")
		return fmt.Sprintf("%s (%d/%d replicas created)", rs.GetName(), int64Of(have), int64Of(want))
	}
	newRS, old := "<none>", []string(nil)
	for i, rs := range owned {
		if i == 0 {
			newRS = describeRS(rs)
			continue
		}
		if v, _, _ := unstructured.NestedFieldNoCopy(rs.Object, "spec", "replicas"); int64Of(v) > 0 {
			old = append(old, describeRS(rs))
		}
	}
	return Section{Title: "ReplicaSets", Lines: []string{"NewReplicaSet:   " + newRS, "OldReplicaSets:  " + orNone(strings.Join(old, ", "))}}
}
