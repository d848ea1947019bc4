package discovery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
)

// fakeServer serves aggregated discovery with ETags and counts requests.
type fakeServer struct {
	*httptest.Server
	mu       sync.Mutex // guards the fields below
	docs     map[string]apidiscoveryv2.APIGroupDiscoveryList
	version  int      // part of the ETag of /apis; bumped by change
	requests []string // "/apis 304"
}

func newFakeServer(t *testing.T) *fakeServer {
	s := &fakeServer{docs: map[string]apidiscoveryv2.APIGroupDiscoveryList{
		"/api":  aggList(aggGroup("", "v1", aggRes("pods", "Pod", "po"), aggRes("configmaps", "ConfigMap", "cm"))),
		"/apis": aggList(aggGroup("apps", "v1", aggRes("deployments", "Deployment", "deploy"))),
	}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.docs[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := `"api"`
	if r.URL.Path == "/apis" {
		etag = fmt.Sprintf(`"apis-%d"`, s.version)
	}
	if r.Header.Get("If-None-Match") == etag {
		s.requests = append(s.requests, r.URL.Path+" 304")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.requests = append(s.requests, r.URL.Path+" 200")
	w.Header().Set("Content-Type", discovery.AcceptV2)
	w.Header().Set("ETag", etag)
	_ = json.NewEncoder(w).Encode(doc)
}

// change adds a group to /apis and changes its ETag.
func (s *fakeServer) change(g apidiscoveryv2.APIGroupDiscovery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc := s.docs["/apis"]
	doc.Items = append(doc.Items, g)
	s.docs["/apis"] = doc
	s.version++
}

func (s *fakeServer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sort.Strings(s.requests)
	out := strings.Join(s.requests, ",")
	s.requests = nil
	return out
}

func aggList(items ...apidiscoveryv2.APIGroupDiscovery) apidiscoveryv2.APIGroupDiscoveryList {
	return apidiscoveryv2.APIGroupDiscoveryList{Items: items}
}

func aggGroup(name, version string, rs ...apidiscoveryv2.APIResourceDiscovery) apidiscoveryv2.APIGroupDiscovery {
	g := apidiscoveryv2.APIGroupDiscovery{ObjectMeta: metav1.ObjectMeta{Name: name}}
	v := apidiscoveryv2.APIVersionDiscovery{Version: version, Resources: rs, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent}
	if len(rs) == 0 {
		v.Freshness = apidiscoveryv2.DiscoveryFreshnessStale
	}
	g.Versions = []apidiscoveryv2.APIVersionDiscovery{v}
	return g
}

func aggRes(plural, kind, short string) apidiscoveryv2.APIResourceDiscovery {
	return apidiscoveryv2.APIResourceDiscovery{Resource: plural, SingularResource: strings.ToLower(kind),
		ResponseKind: &metav1.GroupVersionKind{Kind: kind}, Scope: apidiscoveryv2.ScopeNamespace,
		Verbs: []string{"get", "list"}, ShortNames: []string{short}}
}

func TestClientCache(t *testing.T) {
	srv := newFakeServer(t)
	dir := t.TempDir()
	ctx := context.Background()
	var warnings bytes.Buffer
	newClient := func(opts Options) *Client {
		opts.CacheDir, opts.Warnings, opts.WarnAllSkipped = dir, &warnings, true
		c, err := NewClient(&rest.Config{Host: srv.URL}, opts)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	step := func(name string, get func(*Client) (*Snapshot, error), opts Options, wantRequests string, wantFromCache bool) *Snapshot {
		t.Helper()
		s, err := get(newClient(opts))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := srv.take(); got != wantRequests {
			t.Errorf("%s: requests %q, want %q", name, got, wantRequests)
		}
		if s.FromCache != wantFromCache {
			t.Errorf("%s: FromCache = %v, want %v", name, s.FromCache, wantFromCache)
		}
		return s
	}
	snapshot := func(c *Client) (*Snapshot, error) { return c.Snapshot(ctx) }
	refresh := func(c *Client) (*Snapshot, error) { return c.Refresh(ctx) }

	if _, err := newClient(Options{CachedOnly: true}).Snapshot(ctx); err == nil || !strings.Contains(err.Error(), "no cached discovery") {
		t.Errorf("CachedOnly without a cache: %v", err)
	}
	step("cold", snapshot, Options{}, "/api 200,/apis 200", false)
	step("warm within TTL", snapshot, Options{}, "", true)
	step("cached only", snapshot, Options{CachedOnly: true}, "", true)
	step("revalidate", refresh, Options{}, "/api 304,/apis 304", false)
	step("expired TTL", snapshot, Options{TTL: time.Nanosecond}, "/api 304,/apis 304", false)
	step("--refresh", snapshot, Options{Refresh: true}, "/api 200,/apis 200", false)

	srv.change(aggGroup("batch", "v1", aggRes("jobs", "Job", "jb")))
	s := step("changed", refresh, Options{}, "/api 304,/apis 200", false)
	if _, ok := s.Lookup(schemaGR("batch", "jobs")); !ok {
		t.Errorf("changed: jobs.batch not found")
	}
	s = step("changed, cached", snapshot, Options{}, "", true)
	if _, ok := s.Lookup(schemaGR("batch", "jobs")); !ok {
		t.Errorf("the cache does not hold the change")
	}

	srv.change(aggGroup("metrics.k8s.io", "v1beta1"))
	s = step("stale group", refresh, Options{}, "/api 304,/apis 200", false)
	if len(s.Failures) != 1 || s.Failures[0].GroupVersion != "metrics.k8s.io/v1beta1" || s.Failures[0].Reason != staleReason {
		t.Errorf("failures = %+v", s.Failures)
	}
	if !strings.Contains(warnings.String(), "Warning: metrics.k8s.io/v1beta1 skipped: "+staleReason+"\n") {
		t.Errorf("warnings = %q", warnings.String())
	}

	srv.Close()
	warnings.Reset()
	step("server down", refresh, Options{}, "", true)
	if !strings.Contains(warnings.String(), "Warning: cannot reach the server at "+srv.URL+": connection refused") ||
		!strings.Contains(warnings.String(), "; using the discovery cache from ") {
		t.Errorf("no warning about the fallback: %q", warnings.String())
	}
}

// TestClientAnswerIsNotHiddenByCache: a 401 or 403 on discovery is an
// error even with a cache; a 5xx or 429 (the server cannot answer now)
// falls back to the cache with a warning.
func TestClientAnswerIsNotHiddenByCache(t *testing.T) {
	tests := []struct {
		code     int
		fallback bool
	}{
		{http.StatusUnauthorized, false},
		{http.StatusForbidden, false},
		{http.StatusNotFound, false},
		{http.StatusServiceUnavailable, true},
		{http.StatusTooManyRequests, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			srv := newFakeServer(t)
			dir := t.TempDir()
			var warnings bytes.Buffer
			c, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: dir, Warnings: &warnings})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Snapshot(context.Background()); err != nil {
				t.Fatal(err)
			}
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.code)
				fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":%q,"reason":"x","code":%d}`, http.StatusText(tt.code), tt.code)
			})
			c2, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: dir, Warnings: &warnings})
			if err != nil {
				t.Fatal(err)
			}
			s, err := c2.Refresh(context.Background())
			switch {
			case tt.fallback && (err != nil || !s.FromCache):
				t.Errorf("want the cache: %v", err)
			case tt.fallback && !strings.HasPrefix(warnings.String(), "Warning: "):
				t.Errorf("want a warning, got %q", warnings.String())
			case !tt.fallback && err == nil:
				t.Errorf("want an error, got a snapshot (from cache: %v); warnings %q", s.FromCache, warnings.String())
			case !tt.fallback && warnings.Len() > 0:
				t.Errorf("want no warning beside the error, got %q", warnings.String())
			}
		})
	}
}

func TestClientCorruptCache(t *testing.T) {
	srv := newFakeServer(t)
	dir := t.TempDir()
	c, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(c.CacheDir(), cacheFile)
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := c.Snapshot(context.Background())
	if err != nil || s.FromCache || len(s.Resources) != 3 {
		t.Fatalf("a corrupt cache should be refetched: %v, %+v", err, s)
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Errorf("temporary files left in the cache directory: %v", entries)
	}
}

func TestServerCacheDir(t *testing.T) {
	tests := []struct{ host, want string }{
		{"https://127.0.0.1:6443", "/c/discovery/127.0.0.1_6443"},
		{"https://example.org", "/c/discovery/example.org"},
		{"https://rancher.example.org/k8s/clusters/c-abc", "/c/discovery/rancher.example.org_k8s_clusters_c-abc"},
	}
	for _, tt := range tests {
		c, err := NewClient(&rest.Config{Host: tt.host}, Options{CacheDir: "/c"})
		if err != nil {
			t.Fatal(err)
		}
		if c.CacheDir() != tt.want {
			t.Errorf("cache dir of %s = %s, want %s", tt.host, c.CacheDir(), tt.want)
		}
	}
}

// TestClientCacheHasNoPassword: a server URL with a password
// (https://admin:PASS@host) is cached under its host, and the cache file
// records it without the password; the cache is still found.
func TestClientCacheHasNoPassword(t *testing.T) {
	srv := newFakeServer(t)
	dir := t.TempDir()
	const password = "hunter2-PASS"
	host := strings.Replace(srv.URL, "http://", "http://admin:"+password+"@", 1)
	newClient := func() *Client {
		c, err := NewClient(&rest.Config{Host: host}, Options{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := newClient().Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(path, password) {
			t.Errorf("cache path %s holds the password", path)
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(password)) {
				t.Errorf("cache file %s holds the password", path)
			}
			if !bytes.Contains(b, []byte(`"server":"http://admin:xxxxx@`)) {
				t.Errorf("cache file %s does not record the server", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.take()
	s, err := newClient().Snapshot(context.Background())
	if err != nil || !s.FromCache || srv.take() != "" {
		t.Errorf("second snapshot: %v, from cache %v: want the cache, no request", err, s != nil && s.FromCache)
	}
}
