package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"

	"github.com/kdxproject/kdx/manifest"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// applyQuery is the query of every apply request, as kdx apply
// --force-conflicts sends it (see write.applyRequest).
const applyQuery = "fieldManager=kdx&force=true&fieldValidation=Ignore"

// applyRequest is one server-side apply PATCH, its body encoded beforehand.
type applyRequest struct {
	// path is the object's URL path.
	path string
	// body is the object as block YAML.
	body []byte
}

// applyFile server-side applies every object of the manifest file: the
// Namespaces first, then the CustomResourceDefinitions, then the rest, each
// phase Concurrency requests at a time, as kdx apply orders them. Bodies are
// encoded before the first request; the first failed request ends the run.
func (o *Options) applyFile(ctx context.Context, f *fetcher) (Stats, error) {
	objs, err := manifest.Read(ctx, manifest.Options{Filenames: []string{o.File}})
	if err != nil {
		return Stats{}, fmt.Errorf("failed to read %s: %w", o.File, err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(o.config)
	if err != nil {
		return Stats{}, fmt.Errorf("failed to create discovery client: %w", err)
	}
	resources, err := resourcesFor(dc, objs)
	if err != nil {
		return Stats{}, err
	}
	phases, err := applyPhases(objs, resources)
	if err != nil {
		return Stats{}, err
	}
	return f.applyAll(ctx, phases, o.Concurrency)
}

// resourcesFor looks up, with one discovery request per group version of
// objs, the resource of every kind in objs.
func resourcesFor(dc discovery.ServerResourcesInterface, objs []manifest.Object) (map[schema.GroupVersionKind]metav1.APIResource, error) {
	resources := map[schema.GroupVersionKind]metav1.APIResource{}
	seen := map[string]bool{}
	for _, o := range objs {
		gv := o.Object.GetAPIVersion()
		if seen[gv] {
			continue
		}
		seen[gv] = true
		list, err := dc.ServerResourcesForGroupVersion(gv)
		if err != nil {
			return nil, fmt.Errorf("failed to discover the resources of %s: %w", gv, err)
		}
		for _, r := range list.APIResources {
			if r.Kind == "" || r.Name == "" || strings.Contains(r.Name, "/") {
				continue // subresources
			}
			resources[schema.FromAPIVersionAndKind(gv, r.Kind)] = r
		}
	}
	return resources, nil
}

// applyPhases encodes the apply request of every object and groups them in
// kdx apply's phases: Namespaces, CustomResourceDefinitions, the rest. Empty
// phases are left out.
func applyPhases(objs []manifest.Object, resources map[schema.GroupVersionKind]metav1.APIResource) ([][]applyRequest, error) {
	phases := make([][]applyRequest, 3)
	for _, o := range objs {
		req, err := newApplyRequest(o.Object, resources)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.Source, err)
		}
		p := applyPhase(o.Object.GroupVersionKind())
		phases[p] = append(phases[p], req)
	}
	var out [][]applyRequest
	for _, p := range phases {
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

// applyPhase is the phase of an object of kind gvk: 0 for Namespaces, 1 for
// CustomResourceDefinitions, 2 for the rest.
func applyPhase(gvk schema.GroupVersionKind) int {
	switch {
	case gvk == schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}:
		return 0
	case gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition":
		return 1
	}
	return 2
}

// newApplyRequest encodes obj, without managedFields, as kdx apply does.
func newApplyRequest(obj *unstructured.Unstructured, resources map[schema.GroupVersionKind]metav1.APIResource) (applyRequest, error) {
	gvk := obj.GroupVersionKind()
	r, ok := resources[gvk]
	if !ok {
		return applyRequest{}, fmt.Errorf("no resource for %s", gvk)
	}
	if obj.GetName() == "" {
		return applyRequest{}, fmt.Errorf("%s has no name", gvk.Kind)
	}
	if r.Namespaced && obj.GetNamespace() == "" {
		return applyRequest{}, fmt.Errorf("%s %s has no namespace", gvk.Kind, obj.GetName())
	}
	obj = obj.DeepCopy()
	unstructured.RemoveNestedField(obj.Object, "metadata", "managedFields")
	body, err := render.MarshalYAML(obj.Object)
	if err != nil {
		return applyRequest{}, fmt.Errorf("failed to encode %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	ns := ""
	if r.Namespaced {
		ns = obj.GetNamespace()
	}
	return applyRequest{path: objectPath(gvk.GroupVersion(), r.Name, ns, obj.GetName()), body: body}, nil
}

// objectPath returns the URL path of the object name of resource in gv, in
// namespace ns ("" for cluster-scoped resources).
func objectPath(gv schema.GroupVersion, resource, ns, name string) string {
	p := "/api/" + gv.Version
	if gv.Group != "" {
		p = "/apis/" + gv.Group + "/" + gv.Version
	}
	if ns != "" {
		p += "/namespaces/" + url.PathEscape(ns)
	}
	return p + "/" + resource + "/" + url.PathEscape(name)
}

// applyAll sends the phases one after the other, the requests of a phase
// concurrency at a time, and stops at the first failure.
func (f *fetcher) applyAll(ctx context.Context, phases [][]applyRequest, concurrency int) (Stats, error) {
	var mu sync.Mutex // guards total
	var total Stats
	for _, phase := range phases {
		g, ctx := errgroup.WithContext(ctx)
		g.SetLimit(concurrency)
		for _, req := range phase {
			g.Go(func() error {
				n, err := f.apply(ctx, req)
				mu.Lock()
				defer mu.Unlock()
				total.Resources++
				total.Requests++
				total.Bytes += n
				if err != nil {
					total.Failed++
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return total, err
		}
	}
	return total, nil
}

// apply sends one apply request, discards the answer and returns its size.
func (f *fetcher) apply(ctx context.Context, r applyRequest) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, f.host+r.path+"?"+applyQuery, bytes.NewReader(r.body))
	if err != nil {
		return 0, fmt.Errorf("failed to build request for %s: %w", r.path, err)
	}
	req.Header.Set("Content-Type", string(types.ApplyPatchType))
	req.Header.Set("Accept", write.MetadataObjectAccept)
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("failed to apply %s: %w", r.path, err)
	}
	defer resp.Body.Close()
	body := &countingReader{r: resp.Body}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(io.LimitReader(body, 256))
		return body.n, fmt.Errorf("failed to apply %s: %s: %s", r.path, resp.Status, bytes.ReplaceAll(msg, []byte("\n"), []byte(" ")))
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return body.n, fmt.Errorf("failed to read the answer for %s: %w", r.path, err)
	}
	return body.n, nil
}
