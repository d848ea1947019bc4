package clitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
)

// Resource is one resource the fake API server serves, in the core group
// (v1) when Group is "", else in Group/v1; namespaced.
type Resource struct {
	Group, Plural, Kind, Short string
	// Stale marks its group/version stale in discovery: a group that
	// cannot be read (an aggregated API down), which discovery skips.
	Stale bool
}

// APIServer is a fake API server on loopback: aggregated discovery of its
// resources, GET of the objects it holds and JSON merge patches of them
// (each recorded). A request it does not know is a 404.
type APIServer struct {
	*httptest.Server
	mu      sync.Mutex // guards the fields below
	objects map[string]map[string]any
	// Patches are the bodies of the patches received, "PATH BODY".
	patches []string
}

// NewAPIServer serves resources until t ends.
func NewAPIServer(t testing.TB, resources ...Resource) *APIServer {
	s := &APIServer{objects: map[string]map[string]any{}}
	core := apidiscoveryv2.APIGroupDiscoveryList{}
	groups := apidiscoveryv2.APIGroupDiscoveryList{}
	for _, r := range resources {
		res := apidiscoveryv2.APIResourceDiscovery{Resource: r.Plural, SingularResource: strings.ToLower(r.Kind),
			ResponseKind: &metav1.GroupVersionKind{Group: r.Group, Version: "v1", Kind: r.Kind}, Scope: apidiscoveryv2.ScopeNamespace,
			Verbs: []string{"create", "get", "list", "patch", "update", "watch"}, ShortNames: []string{r.Short}}
		g := apidiscoveryv2.APIGroupDiscovery{ObjectMeta: metav1.ObjectMeta{Name: r.Group},
			Versions: []apidiscoveryv2.APIVersionDiscovery{{Version: "v1", Resources: []apidiscoveryv2.APIResourceDiscovery{res}, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent}}}
		if r.Stale {
			g.Versions[0].Freshness = apidiscoveryv2.DiscoveryFreshnessStale
		}
		if r.Group == "" {
			core.Items = addGroup(core.Items, g)
		} else {
			groups.Items = addGroup(groups.Items, g)
		}
	}
	docs := map[string]any{"/api": core, "/apis": groups}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if doc, ok := docs[r.URL.Path]; ok {
			w.Header().Set("Content-Type", discovery.AcceptV2)
			_ = json.NewEncoder(w).Encode(doc)
			return
		}
		if !s.serveMore(w, r) { // lists.go
			s.serveObject(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// Put stores obj (JSON) at path, e.g. /api/v1/namespaces/default/configmaps/a.
func (s *APIServer) Put(path, obj string) {
	var m map[string]any
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[path] = m
}

// Patches are the patches received so far, "PATH BODY".
func (s *APIServer) Patches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.patches...)
}

func (s *APIServer) serveObject(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj, ok := s.objects[r.URL.Path]
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"not found"}`)
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPatch:
		body, _ := io.ReadAll(r.Body)
		s.patches = append(s.patches, r.URL.Path+" "+string(body))
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if r.URL.Query().Get("dryRun") == "" {
			obj = mergeJSON(obj, p)
			s.objects[r.URL.Path] = obj
		} else {
			obj = mergeJSON(copyJSON(obj), p)
		}
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	_ = json.NewEncoder(w).Encode(obj)
}

// mergeJSON applies the JSON merge patch p to obj.
func mergeJSON(obj, p map[string]any) map[string]any {
	for k, v := range p {
		switch v := v.(type) {
		case nil:
			delete(obj, k)
		case map[string]any:
			sub, _ := obj[k].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
			}
			obj[k] = mergeJSON(sub, v)
		default:
			obj[k] = v
		}
	}
	return obj
}

func copyJSON(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var c map[string]any
	_ = json.Unmarshal(b, &c)
	return c
}
