package query

import (
	"context"
	"fmt"
	"maps"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/filter"
)

// Where keeps, of what the engine reads, only the objects a filter
// matches (--where), and lets the server do what it can of the filtering:
// the engine reads metadata only when the filter reads nothing else, and
// sends the equalities on fields the server selects on as a field
// selector.
type Where struct {
	Filter *filter.Filter
	// SelectableFields, when set, are the fields the server selects on for
	// a type beyond metadata.name and metadata.namespace (a CRD's
	// spec.selectableFields, as "spec.color"); nil: none.
	SelectableFields func(ctx context.Context, t discovery.Target) []string
	// Schemas, when set, are the field types of the targets that have a
	// schema (CRDSchemas), by QualifiedName: a comparison that can never
	// hold is then an error before anything is read. Nil: no check.
	Schemas func(ctx context.Context, targets []discovery.Target) (map[string]func([]string) string, error)
}

// Check checks the filter against the schemas of targets (see Schemas).
func (w *Where) Check(ctx context.Context, targets []discovery.Target) error {
	return w.check(ctx, targets)
}

// read is what to fetch of each object for want, the read the output
// needs: the objects themselves when the filter reads more than their
// metadata (tables then carry each row's object).
func (w *Where) read(want Read) Read {
	if w == nil || w.Filter.MetadataOnly() {
		return want
	}
	switch want {
	case Metadata:
		return Objects
	case Tables:
		return TablesWithObjects
	}
	return want
}

// fieldSelector joins to selector the field selector that the filter's
// equalities on selectable fields of t amount to, and says so at -v=4.
func (w *Where) fieldSelector(ctx context.Context, t discovery.Target, selector string) string {
	if w == nil {
		return selector
	}
	selectable := map[string]bool{"metadata.name": true, "metadata.namespace": t.Namespaced}
	if w.SelectableFields != nil && needsSelectable(w.Filter) {
		for _, f := range w.SelectableFields(ctx, t) {
			selectable[f] = true
		}
	}
	push := w.Filter.FieldSelector(func(path string) bool { return selectable[path] })
	if push == "" {
		return selector
	}
	klog.V(4).Infof("--where: field selector %q sent to the server for %s", push, t.QualifiedName())
	if selector == "" {
		return push
	}
	return selector + "," + push
}

// needsSelectable reports whether the filter has an equality on a field
// other than metadata.name and metadata.namespace (only then is a CRD's
// selectableFields worth a request).
func needsSelectable(f *filter.Filter) bool {
	return f.FieldSelector(func(p string) bool { return p != "metadata.name" && p != "metadata.namespace" }) != ""
}

// logRead says at -v=4 what the engine reads of t for the filter.
func (w *Where) logRead(t discovery.Target, read Read) {
	if w == nil || !klog.V(4).Enabled() {
		return
	}
	if w.fetchesMatches(Request{Read: read}, t) && len(t.Names) == 0 {
		klog.Infof("--where reads %v of the object: listing %s as metadata only, then getting each match whole", w.Filter.Fields(), t.QualifiedName())
		return
	}
	what := map[Read]string{
		Objects: "whole objects", Metadata: "metadata only",
		Tables: "table rows with metadata only", TablesWithObjects: "table rows with whole objects",
	}[read]
	klog.Infof("--where reads %v of the object: listing %s as %s", w.Filter.Fields(), t.QualifiedName(), what)
}

// Keep is a page (or named object) of t with only the matching objects;
// nil for a named object that does not match. Pages are filtered in place.
func (w *Where) Keep(t discovery.Target, obj runtime.Object) (runtime.Object, error) {
	return w.keep(t, obj)
}

// FieldSelector joins to selector what of the filter the server can
// select on for t, for a caller that lists without the engine.
func (w *Where) FieldSelector(ctx context.Context, t discovery.Target, selector string) string {
	return w.fieldSelector(ctx, t, selector)
}

func (w *Where) keep(t discovery.Target, obj runtime.Object) (runtime.Object, error) {
	switch o := obj.(type) {
	case *unstructured.UnstructuredList:
		kept := o.Items[:0]
		for i := range o.Items {
			if w.Filter.Match(o.Items[i].Object) {
				kept = append(kept, o.Items[i])
			}
		}
		o.Items = kept
	case *unstructured.Unstructured:
		if !w.Filter.Match(o.Object) {
			return nil, nil
		}
	case *metav1.PartialObjectMetadataList:
		kept := o.Items[:0]
		for i := range o.Items {
			if w.Filter.Match(w.metadataObject(t, &o.Items[i].ObjectMeta)) {
				kept = append(kept, o.Items[i])
			}
		}
		o.Items = kept
	case *metav1.Table:
		return w.keepRows(t, o)
	default:
		return nil, fmt.Errorf("internal error: --where cannot filter a %T", obj)
	}
	return obj, nil
}

// keepRows keeps the rows of a table whose object matches; each row's
// object is decoded once, here, and kept decoded for the printer.
func (w *Where) keepRows(t discovery.Target, tbl *metav1.Table) (runtime.Object, error) {
	kept := tbl.Rows[:0]
	for _, row := range tbl.Rows {
		u, err := rowObject(&row)
		if err != nil {
			return nil, err
		}
		content := u.Object
		if u.GetKind() == "PartialObjectMetadata" {
			content = maps.Clone(u.Object)
			content["kind"], content["apiVersion"] = t.GVK.Kind, t.GVK.GroupVersion().String()
		}
		if w.Filter.Match(content) {
			kept = append(kept, row)
		}
	}
	tbl.Rows = kept
	return tbl, nil
}

// rowObject decodes a table row's object, as render.DecodeRows does.
func rowObject(row *metav1.TableRow) (*unstructured.Unstructured, error) {
	if u, ok := row.Object.Object.(*unstructured.Unstructured); ok {
		return u, nil
	}
	if row.Object.Raw == nil {
		return nil, fmt.Errorf("--where: the server sent a table row without its object")
	}
	u := &unstructured.Unstructured{}
	if err := utiljson.Unmarshal(row.Object.Raw, &u.Object); err != nil {
		return nil, fmt.Errorf("failed to decode table row: %w", err)
	}
	row.Object.Object = u
	return u, nil
}

// metadataObject is a metadata-only object as the filter sees it: its
// type's kind and apiVersion, and its metadata, built by hand (a tenth of
// the converter's time) unless the filter may read managedFields.
func (w *Where) metadataObject(t discovery.Target, m *metav1.ObjectMeta) map[string]any {
	var meta map[string]any
	if w.Filter.Reads("metadata", "managedFields") {
		meta, _ = runtime.DefaultUnstructuredConverter.ToUnstructured(m)
	}
	if meta == nil {
		meta = metadataMap(m)
	}
	return map[string]any{"apiVersion": t.GVK.GroupVersion().String(), "kind": t.GVK.Kind, "metadata": meta}
}

// metadataMap is m as JSON would decode it, but managedFields.
func metadataMap(m *metav1.ObjectMeta) map[string]any {
	out := map[string]any{"name": m.Name}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	set("namespace", m.Namespace)
	set("generateName", m.GenerateName)
	set("uid", string(m.UID))
	set("resourceVersion", m.ResourceVersion)
	if m.Generation != 0 {
		out["generation"] = m.Generation
	}
	if !m.CreationTimestamp.IsZero() {
		out["creationTimestamp"] = m.CreationTimestamp.UTC().Format(time.RFC3339)
	}
	if m.DeletionTimestamp != nil {
		out["deletionTimestamp"] = m.DeletionTimestamp.UTC().Format(time.RFC3339)
	}
	if m.DeletionGracePeriodSeconds != nil {
		out["deletionGracePeriodSeconds"] = *m.DeletionGracePeriodSeconds
	}
	if len(m.Labels) > 0 {
		out["labels"] = stringMap(m.Labels)
	}
	if len(m.Annotations) > 0 {
		out["annotations"] = stringMap(m.Annotations)
	}
	if len(m.Finalizers) > 0 {
		fs := make([]any, len(m.Finalizers))
		for i, f := range m.Finalizers {
			fs[i] = f
		}
		out["finalizers"] = fs
	}
	if len(m.OwnerReferences) > 0 {
		refs := make([]any, len(m.OwnerReferences))
		for i := range m.OwnerReferences {
			refs[i], _ = runtime.DefaultUnstructuredConverter.ToUnstructured(&m.OwnerReferences[i])
		}
		out["ownerReferences"] = refs
	}
	return out
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
