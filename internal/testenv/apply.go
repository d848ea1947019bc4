package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// applyTimeout bounds Apply, ApplyFile and WaitForCRD.
const applyTimeout = time.Minute

// fieldManager is the server-side apply field manager of Apply.
const fieldManager = "kdx-testenv"

// crdResource is the resource of CustomResourceDefinitions.
var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// Apply creates or updates, by server-side apply as the admin user, the
// objects of a YAML or JSON stream (documents separated by "---"; "kind: List"
// is expanded). Namespaced objects without a namespace go to "default". After
// a CustomResourceDefinition it waits for the CRD, so later documents may use
// its kind. It returns the objects as stored and fails t on any error.
func (e *Env) Apply(t testing.TB, manifest string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := decodeObjects(strings.NewReader(manifest))
	if err != nil {
		t.Fatalf("failed to decode manifest: %v", err)
	}
	return e.applyObjects(t, objs)
}

// ApplyFile is Apply for the manifest in the file at path.
func (e *Env) ApplyFile(t testing.TB, path string) []*unstructured.Unstructured {
	t.Helper()
	return e.applyObjects(t, readManifest(t, path))
}

// readManifest returns the objects of the manifest in the file at path,
// failing t when it cannot be read.
func readManifest(t testing.TB, path string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("failed to open manifest: %v", err)
	}
	defer f.Close()
	objs, err := decodeObjects(f)
	if err != nil {
		t.Fatalf("failed to decode %s: %v", path, err)
	}
	return objs
}

// DeleteFile deletes, as the admin user, the objects of the manifest in the
// file at path that exist, and waits until they are gone (as kubectl
// delete -f --ignore-not-found does). It fails t on any other error.
func (e *Env) DeleteFile(t testing.TB, path string) {
	t.Helper()
	objs := readManifest(t, path)
	a, err := e.newApplier()
	if err != nil {
		t.Fatalf("failed to create clients: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	for _, obj := range objs {
		ri, err := a.resource(obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatalf("failed to delete %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
		err = wait.PollUntilContextCancel(ctx, pollInterval, true, func(ctx context.Context) (bool, error) {
			_, err := ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			t.Fatalf("%s %s is not gone: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
}

// applyObjects applies objs in order, waiting for each CRD.
func (e *Env) applyObjects(t testing.TB, objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	t.Helper()
	a, err := e.newApplier()
	if err != nil {
		t.Fatalf("failed to create clients: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	applied := make([]*unstructured.Unstructured, 0, len(objs))
	for _, obj := range objs {
		out, err := a.apply(ctx, obj)
		if err != nil {
			t.Fatalf("failed to apply %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
		if obj.GroupVersionKind().GroupKind() == (schema.GroupKind{Group: crdResource.Group, Kind: "CustomResourceDefinition"}) {
			if err := a.waitForCRD(ctx, obj.GetName()); err != nil {
				t.Fatalf("failed to wait for CRD %s: %v", obj.GetName(), err)
			}
		}
		applied = append(applied, out)
	}
	return applied
}

// decodeObjects reads the objects of a YAML or JSON stream, expanding lists.
func decodeObjects(r io.Reader) ([]*unstructured.Unstructured, error) {
	decoder := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := decoder.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(obj.Object) == 0 {
			continue // empty document
		}
		if !obj.IsList() {
			objs = append(objs, obj)
			continue
		}
		err = obj.EachListItem(func(item runtime.Object) error {
			objs = append(objs, item.(*unstructured.Unstructured))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
}

// applier applies unstructured objects, mapping kinds through discovery.
type applier struct {
	// client is the admin dynamic client.
	client dynamic.Interface
	// discovery lists the served resources, uncached.
	discovery discovery.DiscoveryInterface
	// mapper maps kinds to resources, reset on a miss.
	mapper meta.ResettableRESTMapper
}

// newApplier returns an applier for e's admin user.
func (e *Env) newApplier() (*applier, error) {
	client, err := dynamic.NewForConfig(e.Config)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(e.Config)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	return &applier{client: client, discovery: dc, mapper: mapper}, nil
}

// apply server-side applies obj and returns the stored object.
func (a *applier) apply(ctx context.Context, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ri, err := a.resource(obj)
	if err != nil {
		return nil, err
	}
	return ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
}

// resource is the client of obj's resource, in its namespace if the
// resource is namespaced ("default" when obj names none: it is set).
func (a *applier) resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	mapping, err := a.mapping(obj.GroupVersionKind())
	if err != nil {
		return nil, err
	}
	if mapping.Scope.Name() != meta.RESTScopeNameNamespace {
		return a.client.Resource(mapping.Resource), nil
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace("default")
	}
	return a.client.Resource(mapping.Resource).Namespace(obj.GetNamespace()), nil
}

// mapping maps gvk to its resource, refreshing discovery once on a miss.
func (a *applier) mapping(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	mapping, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		a.mapper.Reset()
		mapping, err = a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to map %s: %w", gvk, err)
	}
	return mapping, nil
}

// WaitForCRD waits until the CustomResourceDefinition name (such as
// "widgets.example.com") is Established and every served version of its
// resource appears in discovery; it fails t after a minute.
func (e *Env) WaitForCRD(t testing.TB, name string) {
	t.Helper()
	a, err := e.newApplier()
	if err != nil {
		t.Fatalf("failed to create clients: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	if err := a.waitForCRD(ctx, name); err != nil {
		t.Fatalf("failed to wait for CRD %s: %v", name, err)
	}
}

// waitForCRD polls until crdReady succeeds, returning its last error on timeout.
func (a *applier) waitForCRD(ctx context.Context, name string) error {
	var lastErr error
	err := wait.PollUntilContextCancel(ctx, pollInterval, true, func(ctx context.Context) (bool, error) {
		lastErr = a.crdReady(ctx, name)
		return lastErr == nil, nil
	})
	if err != nil {
		return errors.Join(err, lastErr)
	}
	a.mapper.Reset()
	return nil
}

// crdReady reports whether the CRD is Established and its served versions discoverable.
func (a *applier) crdReady(ctx context.Context, name string) error {
	crd, err := a.client.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if !crdEstablished(crd) {
		return fmt.Errorf("CRD %s is not Established yet", name)
	}
	group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	for _, version := range servedVersions(crd) {
		if err := a.discovered(schema.GroupVersion{Group: group, Version: version}, plural); err != nil {
			return err
		}
	}
	return nil
}

// crdEstablished reports whether the CRD has the condition Established=True.
func crdEstablished(crd *unstructured.Unstructured) bool {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conditions {
		cond, _ := c.(map[string]any)
		if cond["type"] == "Established" && cond["status"] == "True" {
			return true
		}
	}
	return false
}

// servedVersions returns the names of the CRD's served versions.
func servedVersions(crd *unstructured.Unstructured) []string {
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	var served []string
	for _, v := range versions {
		version, _ := v.(map[string]any)
		if name, ok := version["name"].(string); ok && version["served"] == true {
			served = append(served, name)
		}
	}
	return served
}

// discovered reports whether discovery lists resource in gv.
func (a *applier) discovered(gv schema.GroupVersion, resource string) error {
	list, err := a.discovery.ServerResourcesForGroupVersion(gv.String())
	if err != nil {
		return err
	}
	for _, r := range list.APIResources {
		if r.Name == resource {
			return nil
		}
	}
	return fmt.Errorf("%s is not in the discovery of %s yet", resource, gv)
}
