package main

import (
	"context"
	"encoding/json"
	"github.com/kdxproject/kdx/write"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// applyManifest is a small bench file: a Namespace last in the file, to
// show that it is still applied first.
const applyManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-00000
  namespace: ns1
data:
  generation: "3"
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata:
  name: gadget-00001
  namespace: ns1
spec:
  color: c3
  size: 1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-00002
  namespace: ns1
data:
  generation: "3"
---
apiVersion: v1
kind: Namespace
metadata:
  name: ns1
`

// applyServer is a fake API server: discovery of v1 and
// multi.example.org/v2, and apply requests, which it records.
type applyServer struct {
	t *testing.T
	// fail, if set, is the path answered with a 409.
	fail string

	mu       sync.Mutex // guards the fields below
	bodies   map[string]string
	nsDone   bool
	inFlight int
	// early counts requests that did not wait for the Namespace, or ran
	// beside it.
	early int
}

func (s *applyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/v1":
		s.discovery(w, "v1", metav1.APIResource{Name: "configmaps", Kind: "ConfigMap", Namespaced: true},
			metav1.APIResource{Name: "namespaces", Kind: "Namespace"},
			metav1.APIResource{Name: "namespaces/status", Kind: "Namespace"})
		return
	case "/apis/multi.example.org/v2":
		s.discovery(w, "multi.example.org/v2", metav1.APIResource{Name: "gadgets", Kind: "Gadget", Namespaced: true})
		return
	}
	s.check(r)
	isNS := r.URL.Path == "/api/v1/namespaces/ns1"
	s.mu.Lock()
	if (isNS && s.inFlight > 0) || (!isNS && !s.nsDone) {
		s.early++
	}
	s.inFlight++
	s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies[r.URL.Path] = string(body)
	s.inFlight--
	if isNS {
		s.nsDone = true // before the answer, which the other requests wait for
	}
	s.mu.Unlock()
	if r.URL.Path == s.fail {
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"kind":"Status","message":"Apply failed with 1 conflict"}`)
		return
	}
	io.WriteString(w, `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"x"}}`)
}

// check reports a request that is not an apply as kdx sends it.
func (s *applyServer) check(r *http.Request) {
	if r.Method != http.MethodPatch {
		s.t.Errorf("%s: method %s, want PATCH", r.URL.Path, r.Method)
	}
	if got := r.Header.Get("Content-Type"); got != "application/apply-patch+yaml" {
		s.t.Errorf("%s: Content-Type %q", r.URL.Path, got)
	}
	if got := r.Header.Get("Accept"); got != write.MetadataObjectAccept {
		s.t.Errorf("%s: Accept %q", r.URL.Path, got)
	}
	q := r.URL.Query()
	if q.Get("fieldManager") != "kdx" || q.Get("force") != "true" || q.Get("fieldValidation") != "Ignore" || len(q) != 3 {
		s.t.Errorf("%s: query %q", r.URL.Path, r.URL.RawQuery)
	}
}

// discovery answers an APIResourceList.
func (s *applyServer) discovery(w http.ResponseWriter, gv string, resources ...metav1.APIResource) {
	w.Header().Set("Content-Type", "application/json")
	list := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv, APIResources: resources}
	if err := json.NewEncoder(w).Encode(list); err != nil {
		s.t.Error(err)
	}
}

// runApply runs floor apply against srv with the test manifest.
func runApply(t *testing.T, srv *httptest.Server) (string, error) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "objects.yaml")
	kubeconfig := filepath.Join(dir, "kubeconfig")
	config := `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "` + srv.URL + `"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users: [{name: u, user: {}}]
current-context: c
`
	if err := os.WriteFile(file, []byte(applyManifest), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	o := NewOptions(&out)
	o.Kubeconfig, o.Concurrency = kubeconfig, 2
	if err := o.Complete([]string{"apply", file}); err != nil {
		t.Fatal(err)
	}
	err := o.Run(context.Background())
	return out.String(), err
}

func TestApply(t *testing.T) {
	s := &applyServer{t: t, bodies: map[string]string{}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	out, err := runApply(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "floor apply: 4 resources (0 failed), 4 requests") {
		t.Errorf("summary: %q", out)
	}
	want := map[string]string{
		"/api/v1/namespaces/ns1":                                         "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n",
		"/api/v1/namespaces/ns1/configmaps/cm-00000":                     "apiVersion: v1\ndata:\n  generation: \"3\"\nkind: ConfigMap\nmetadata:\n  name: cm-00000\n  namespace: ns1\n",
		"/api/v1/namespaces/ns1/configmaps/cm-00002":                     "apiVersion: v1\ndata:\n  generation: \"3\"\nkind: ConfigMap\nmetadata:\n  name: cm-00002\n  namespace: ns1\n",
		"/apis/multi.example.org/v2/namespaces/ns1/gadgets/gadget-00001": "apiVersion: multi.example.org/v2\nkind: Gadget\nmetadata:\n  name: gadget-00001\n  namespace: ns1\nspec:\n  color: c3\n  size: 1\n",
	}
	if len(s.bodies) != len(want) {
		t.Errorf("got requests for %d paths, want %d: %v", len(s.bodies), len(want), s.bodies)
	}
	for path, body := range want {
		if got, ok := s.bodies[path]; !ok {
			t.Errorf("no request for %s", path)
		} else if got != body {
			t.Errorf("%s: body\n%s\nwant\n%s", path, got, body)
		}
	}
	if s.early != 0 {
		t.Errorf("%d requests were sent before the Namespace's answer", s.early)
	}
}

func TestApplyFailure(t *testing.T) {
	s := &applyServer{t: t, bodies: map[string]string{}, fail: "/api/v1/namespaces/ns1/configmaps/cm-00002"}
	srv := httptest.NewServer(s)
	defer srv.Close()
	_, err := runApply(t, srv)
	want := `failed to apply /api/v1/namespaces/ns1/configmaps/cm-00002: 409 Conflict: {"kind":"Status","message":"Apply failed with 1 conflict"}`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %s", err, want)
	}
}

func TestApplyPhase(t *testing.T) {
	tests := []struct {
		gvk  schema.GroupVersionKind
		want int
	}{
		{schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, 0},
		{schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}, 1},
		{schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, 2},
		{schema.GroupVersionKind{Group: "example.org", Version: "v1", Kind: "Namespace"}, 2},
	}
	for _, tt := range tests {
		if got := applyPhase(tt.gvk); got != tt.want {
			t.Errorf("applyPhase(%v): got %d, want %d", tt.gvk, got, tt.want)
		}
	}
}
