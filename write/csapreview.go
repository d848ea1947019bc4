package write

import (
	"bytes"
	"context"
	"reflect"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/sets"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// A dry run cannot store the takeover of client-side apply fields, so the
// server's answer to a dry-run apply keeps the fields that the real apply
// removes: those the client-side managers set that the input no longer has.
// previewTakeover removes them from that answer as the server's prune does
// (a field owned by no one else once the client-side managers' fields are
// the applier's and it applied the input), and has the server check and
// default the result by a dry-run update, so that diff -f shows what apply
// will do.

// previewTakeover is resp, the answer of a dry-run apply of an object
// whose fields client-side managers still own, as the real apply would
// leave it, and true; resp itself and whether client-side managers own
// fields when there is nothing to remove, when resp holds the object's
// metadata only, or when the dry-run update fails.
func (w *Writer) previewTakeover(ctx context.Context, ref Ref, resp Response) (Response, bool) {
	obj := resp.Object
	if obj == nil {
		return resp, false
	}
	csa := clientSideManagers(obj)
	if csa.Len() == 0 || obj.GetKind() == "PartialObjectMetadata" {
		return resp, csa.Len() > 0
	}
	pruned := obj.DeepCopy()
	if !pruneTakenOver(pruned, csa, w.Options.FieldManager) {
		return resp, true
	}
	pruned.SetManagedFields(nil)
	body, err := pruned.MarshalJSON()
	if err != nil {
		return resp, true
	}
	o := w.request()
	o.MetadataOnly = false
	updated, err := w.Client.Update(ctx, ref, body, o)
	if err != nil || updated.Object == nil {
		return resp, true
	}
	return updated, true
}

// pruneTakenOver removes from obj the fields that only the client-side
// managers csa own, as the prune of an apply by manager does once their
// fields are its own: the deepest fields first, then the maps and list
// items left empty; what another manager owns a field of stays. With kubectl's manager the last-applied annotation stays (kubectl
// hands it to a manager of its own first). It reports whether it removed
// anything.
func pruneTakenOver(obj *unstructured.Unstructured, csa sets.Set[string], manager string) bool {
	owned, kept := fieldpath.NewSet(), fieldpath.NewSet()
	for _, e := range obj.GetManagedFields() {
		var s fieldpath.Set
		if e.FieldsV1 == nil || s.FromJSON(bytes.NewReader(e.FieldsV1.Raw)) != nil {
			continue
		}
		if e.Operation == metav1.ManagedFieldsOperationUpdate && e.Subresource == "" && csa.Has(e.Manager) {
			owned = owned.Union(&s)
		} else {
			kept = kept.Union(&s)
		}
	}
	if manager == kubectlManager {
		kept = kept.Union(lastAppliedPath)
	}
	gone := owned.Difference(kept)
	var paths []fieldpath.Path
	gone.Iterate(func(p fieldpath.Path) {
		if len(p) > 0 {
			paths = append(paths, p.Copy())
		}
	})
	sort.SliceStable(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) }) // the deepest first
	removed := false
	for _, p := range paths {
		// A list item goes whole, before its fields: without its key
		// fields it could not be found.
		if p[len(p)-1].FieldName == nil && under(kept, p).Empty() {
			removed = removePath(obj.Object, p, false) || removed
		}
	}
	for _, p := range paths {
		switch {
		case p[len(p)-1].FieldName == nil:
		case !under(kept, p).Empty():
			// Another manager owns a field in it: it stays.
		case under(gone, p).Empty():
			removed = removePath(obj.Object, p, false) || removed
		default:
			// Its fields were removed first: it goes if none is left.
			removed = removePath(obj.Object, p, true) || removed
		}
	}
	return removed
}

// under is the set of the paths of s below p.
func under(s *fieldpath.Set, p fieldpath.Path) *fieldpath.Set {
	for _, pe := range p {
		s = s.WithPrefix(pe)
	}
	return s
}

// removePath removes the field or list item at p from obj; with onlyEmpty,
// only when it is an empty map or list. It reports whether it removed it.
func removePath(obj map[string]any, p fieldpath.Path, onlyEmpty bool) bool {
	if len(p) == 0 {
		return false
	}
	var parent any = obj
	for _, pe := range p[:len(p)-1] {
		parent = child(parent, pe)
		if parent == nil {
			return false
		}
	}
	last := p[len(p)-1]
	empty := func(v any) bool {
		switch c := v.(type) {
		case map[string]any:
			return !onlyEmpty || len(c) == 0
		case []any:
			return !onlyEmpty || len(c) == 0
		}
		return !onlyEmpty
	}
	switch c := parent.(type) {
	case map[string]any:
		if last.FieldName == nil {
			return false
		}
		v, ok := c[*last.FieldName]
		if !ok || !empty(v) {
			return false
		}
		delete(c, *last.FieldName)
		return true
	case []any:
		i := itemIndex(c, last)
		if i < 0 || !empty(c[i]) {
			return false
		}
		// The list is in its parent's map, under the element before last.
		return replaceList(obj, p[:len(p)-1], append(c[:i:i], c[i+1:]...))
	}
	return false
}

// replaceList sets the list at p in obj to l.
func replaceList(obj map[string]any, p fieldpath.Path, l []any) bool {
	var parent any = obj
	for _, pe := range p[:len(p)-1] {
		if parent = child(parent, pe); parent == nil {
			return false
		}
	}
	last := p[len(p)-1]
	switch c := parent.(type) {
	case map[string]any:
		if last.FieldName != nil {
			c[*last.FieldName] = l
			return true
		}
	case []any:
		if i := itemIndex(c, last); i >= 0 {
			c[i] = l
			return true
		}
	}
	return false
}

// child is the field or list item pe names in v, or nil.
func child(v any, pe fieldpath.PathElement) any {
	switch c := v.(type) {
	case map[string]any:
		if pe.FieldName != nil {
			return c[*pe.FieldName]
		}
	case []any:
		if i := itemIndex(c, pe); i >= 0 {
			return c[i]
		}
	}
	return nil
}

// itemIndex is the index of the item of l that pe names (by its key
// fields, its value or its index), or -1.
func itemIndex(l []any, pe fieldpath.PathElement) int {
	for i, item := range l {
		switch {
		case pe.Index != nil && *pe.Index == i:
			return i
		case pe.Value != nil && reflect.DeepEqual((*pe.Value).Unstructured(), item):
			return i
		case pe.Key != nil:
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			match := true
			for _, f := range *pe.Key {
				if !reflect.DeepEqual(f.Value.Unstructured(), m[f.Name]) {
					match = false
					break
				}
			}
			if match {
				return i
			}
		}
	}
	return -1
}
