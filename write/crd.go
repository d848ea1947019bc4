package write

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// crdPollInterval is how often a batch looks at a CRD it waits for.
const crdPollInterval = 250 * time.Millisecond

// crdRef is the resource of CustomResourceDefinitions.
var crdRef = Ref{Mapping: discovery.Mapping{
	GVR: schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"},
	GVK: schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"},
}}

// UnknownKindError says that the server serves no resource for a kind.
type UnknownKindError struct {
	// GVK is the kind asked for.
	GVK schema.GroupVersionKind
	// Versions are the versions the server serves the kind in, if any.
	Versions []string
	// CRD is the name of the CustomResourceDefinition of the kind, if one exists.
	CRD string
	// Reason says why the CRD does not serve it yet.
	Reason string
}

func (e *UnknownKindError) Error() string {
	apiVersion, kind := e.GVK.GroupVersion().String(), e.GVK.Kind
	switch {
	case e.Reason != "":
		return fmt.Sprintf("the server does not serve kind %q of %q: %s", kind, apiVersion, e.Reason)
	case len(e.Versions) > 0:
		return fmt.Sprintf("the server does not serve kind %q in version %q; it serves: %s", kind, e.GVK.Version, strings.Join(qualify(e.GVK.Group, e.Versions), ", "))
	}
	return fmt.Sprintf("the server has no kind %q in %q: is its CustomResourceDefinition installed, or the apiVersion misspelt?", kind, apiVersion)
}

func qualify(group string, versions []string) []string {
	out := make([]string, len(versions))
	for i, v := range versions {
		out[i] = schema.GroupVersion{Group: group, Version: v}.String()
	}
	return out
}

// awaitKind handles a kind the mapper does not know: when a CRD defines it,
// wait for the CRD to be Established and discovery to serve it; else say
// what the server has. b.mu is held.
func (b *Batch) awaitKind(ctx context.Context, gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	gk := gvk.GroupKind()
	if name, ok := b.inputCRDs[gk]; ok && b.Writer.Options.DryRun {
		return nil, &UnknownKindError{GVK: gvk, CRD: name, Reason: fmt.Sprintf("its CustomResourceDefinition %s in this input was only a dry run", name)}
	}
	crd, err := b.crds.find(ctx, gk)
	if err != nil || crd == nil {
		return nil, b.unknownKind(gvk)
	}
	timeout := b.EstablishTimeout
	if timeout <= 0 {
		timeout = DefaultEstablishTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		if m, ok := b.tryRefreshed(ctx, crd, gvk); ok {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, b.notEstablished(gvk, crd, timeout)
		case <-time.After(crdPollInterval):
		}
		if fresh, err := b.crds.get(ctx, crd.GetName()); err == nil {
			crd = fresh
		}
	}
}

// tryRefreshed maps gvk with fresh discovery once the CRD serves it.
func (b *Batch) tryRefreshed(ctx context.Context, crd *unstructured.Unstructured, gvk schema.GroupVersionKind) (*meta.RESTMapping, bool) {
	if !crdEstablished(crd) || !slices.Contains(servedVersions(crd), gvk.Version) || b.Refresh == nil {
		return nil, false
	}
	mapper, err := b.Refresh(ctx)
	if err != nil {
		return nil, false
	}
	b.Mapper = mapper
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	return m, err == nil
}

// unknownKind lists the versions the server serves the kind in.
func (b *Batch) unknownKind(gvk schema.GroupVersionKind) error {
	e := &UnknownKindError{GVK: gvk}
	ms, err := b.Mapper.RESTMappings(gvk.GroupKind())
	if err == nil {
		for _, m := range ms {
			if !slices.Contains(e.Versions, m.GroupVersionKind.Version) {
				e.Versions = append(e.Versions, m.GroupVersionKind.Version)
			}
		}
	}
	return e
}

// notEstablished explains why the CRD's kind is still not served.
func (b *Batch) notEstablished(gvk schema.GroupVersionKind, crd *unstructured.Unstructured, waited time.Duration) error {
	e := &UnknownKindError{GVK: gvk, CRD: crd.GetName()}
	served := servedVersions(crd)
	switch {
	case !crdEstablished(crd):
		e.Reason = fmt.Sprintf("its CustomResourceDefinition %s is not Established after %s%s", crd.GetName(), waited, conditionNote(crd))
	case !slices.Contains(served, gvk.Version):
		e.Reason = fmt.Sprintf("its CustomResourceDefinition %s does not serve version %q (served: %s)", crd.GetName(), gvk.Version, strings.Join(served, ", "))
	default:
		e.Reason = fmt.Sprintf("its CustomResourceDefinition %s is Established but discovery did not list it within %s", crd.GetName(), waited)
	}
	return e
}

// crdFinder finds the CRD of a kind.
type crdFinder struct {
	client *Client
	input  map[schema.GroupKind]string // CRDs of the input, by the kind they define
	listed []unstructured.Unstructured // every CRD, once listed
}

// find returns the CRD defining gk, or nil. Groups without a dot hold no CRDs.
func (f *crdFinder) find(ctx context.Context, gk schema.GroupKind) (*unstructured.Unstructured, error) {
	if !strings.Contains(gk.Group, ".") {
		return nil, nil
	}
	for _, name := range f.candidates(gk) {
		crd, err := f.get(ctx, name)
		if err == nil && definesKind(crd, gk) {
			return crd, nil
		}
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, err
		}
	}
	return f.search(ctx, gk)
}

// candidates are the likely names of the CRD of gk: the input's, then
// English plurals of the kind.
func (f *crdFinder) candidates(gk schema.GroupKind) []string {
	var out []string
	if name, ok := f.input[gk]; ok {
		out = append(out, name)
	}
	k := strings.ToLower(gk.Kind)
	plurals := []string{k + "s", k + "es"}
	if strings.HasSuffix(k, "y") {
		plurals = append(plurals, strings.TrimSuffix(k, "y")+"ies")
	}
	for _, p := range plurals {
		out = append(out, p+"."+gk.Group)
	}
	return out
}

func (f *crdFinder) get(ctx context.Context, name string) (*unstructured.Unstructured, error) {
	ref := crdRef
	ref.Name = name
	resp, err := f.client.Get(ctx, ref, "")
	if err != nil {
		return nil, err
	}
	return resp.Object, nil
}

// search lists the CRDs (once) and returns the one defining gk, or nil.
func (f *crdFinder) search(ctx context.Context, gk schema.GroupKind) (*unstructured.Unstructured, error) {
	if f.listed == nil {
		resp, err := f.client.Get(ctx, crdRef, "")
		if err != nil {
			return nil, err
		}
		if resp.Object == nil {
			return nil, nil
		}
		list, err := resp.Object.ToList()
		if err != nil {
			return nil, err
		}
		f.listed = list.Items
	}
	for i := range f.listed {
		if definesKind(&f.listed[i], gk) {
			return &f.listed[i], nil
		}
	}
	return nil, nil
}

func definesKind(crd *unstructured.Unstructured, gk schema.GroupKind) bool {
	if crd == nil {
		return false
	}
	group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
	kind, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "kind")
	return group == gk.Group && kind == gk.Kind
}

// crdEstablished reports whether the CRD has Established=True.
func crdEstablished(crd *unstructured.Unstructured) bool {
	return conditionStatus(crd, "Established") == "True"
}

func conditionStatus(crd *unstructured.Unstructured, typ string) string {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conditions {
		cond, _ := c.(map[string]any)
		if cond["type"] == typ {
			s, _ := cond["status"].(string)
			return s
		}
	}
	return ""
}

// conditionNote quotes the CRD's false conditions: "; NamesAccepted: ...".
func conditionNote(crd *unstructured.Unstructured) string {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	var notes []string
	for _, c := range conditions {
		cond, _ := c.(map[string]any)
		if cond["status"] == "False" {
			notes = append(notes, fmt.Sprintf("%v: %v", cond["type"], cond["message"]))
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// servedVersions are the names of the CRD's served versions.
func servedVersions(crd *unstructured.Unstructured) []string {
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	var out []string
	for _, v := range versions {
		ver, _ := v.(map[string]any)
		if name, ok := ver["name"].(string); ok && ver["served"] == true {
			out = append(out, name)
		}
	}
	return out
}
