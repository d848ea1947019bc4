package explain

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// fakeServer serves an OpenAPI v3 index and documents as the API server
// does (ETag on the index, documents at their hash URL), and counts the
// requests by path and answer.
type fakeServer struct {
	mu       sync.Mutex
	etag     string
	hash     string
	status   int // when set, every answer
	requests []string
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status != 0 {
		f.requests = append(f.requests, fmt.Sprintf("%s %d", r.URL.Path, f.status))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"denied by the fake","code":%d}`, f.status)
		return
	}
	switch r.URL.Path {
	case "/openapi/v3":
		if f.etag != "" && r.Header.Get("If-None-Match") == f.etag {
			f.requests = append(f.requests, "/openapi/v3 304")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		f.requests = append(f.requests, "/openapi/v3 200")
		if f.etag != "" {
			w.Header().Set("ETag", f.etag)
		}
		fmt.Fprintf(w, `{"paths":{"apis/example.io/v1":{"serverRelativeURL":"/openapi/v3/apis/example.io/v1?hash=%s"},"apis/down.io/v1":{"serverRelativeURL":"/openapi/v3/apis/down.io/v1?hash=X"}}}`, f.hash)
	case "/openapi/v3/apis/example.io/v1":
		f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery+" 200")
		b, _ := os.ReadFile("testdata/widgets_v1.json")
		w.Write(b)
	case "/openapi/v3/apis/down.io/v1":
		f.requests = append(f.requests, r.URL.Path+" 503")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "service unavailable")
	default:
		f.requests = append(f.requests, r.URL.Path+" 404")
		http.NotFound(w, r)
	}
}

func (f *fakeServer) took() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

func newFake(t *testing.T) (*fakeServer, *httptest.Server) {
	f := &fakeServer{etag: `"E1"`, hash: "H1"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func clientOf(t *testing.T, srv *httptest.Server, dir string, warnings *bytes.Buffer) *Client {
	t.Helper()
	c, err := NewClient(&rest.Config{Host: srv.URL}, dir, warnings)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var exampleGV = schema.GroupVersion{Group: "example.io", Version: "v1"}

// TestClientCache: a cold run reads the index and the one document asked
// for; a warm run revalidates the index (304) and reads no document; a new
// hash is a new document.
func TestClientCache(t *testing.T) {
	f, srv := newFake(t)
	dir := t.TempDir()
	ctx := context.Background()

	c := clientOf(t, srv, dir, nil)
	doc, err := c.Document(ctx, exampleGV)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := doc.Kind(widgetGVK); !ok {
		t.Fatal("no Widget in the document")
	}
	if _, err := c.Document(ctx, exampleGV); err != nil { // once per client
		t.Fatal(err)
	}
	if got := strings.Join(f.took(), ", "); got != "/openapi/v3 200, /openapi/v3/apis/example.io/v1?hash=H1 200" {
		t.Errorf("cold requests: %s", got)
	}

	var out bytes.Buffer
	if err := Explain(ctx, &out, clientOf(t, srv, dir, nil), widgetGVK, []Step{{Field: "spec"}, {Field: "size"}}, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "FIELD: size <integer>\n+ default: 3\n") {
		t.Errorf("warm explain:\n%s", out.String())
	}
	if got := strings.Join(f.took(), ", "); got != "/openapi/v3 304" {
		t.Errorf("warm requests: %s", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "openapi", "*", "*"))
	if len(files) != 2 {
		t.Errorf("cache files: %v", files)
	}

	// The cache holds the schemas only; a copy that does not decode is
	// read again from the server.
	for _, file := range files {
		if strings.Contains(file, "H1") {
			b, _ := os.ReadFile(file)
			if strings.Contains(string(b), `"paths"`) || !strings.HasPrefix(string(b), schemasMagic) {
				t.Errorf("cached document: %.80s", b)
			}
			if err := os.WriteFile(file, b[:len(b)/2], 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.took(), ", "); got != "/openapi/v3 304, /openapi/v3/apis/example.io/v1?hash=H1 200" {
		t.Errorf("requests after a broken cache file: %s", got)
	}

	f.etag, f.hash = `"E2"`, "H2"
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.took(), ", "); got != "/openapi/v3 200, /openapi/v3/apis/example.io/v1?hash=H2 200" {
		t.Errorf("requests after a change: %s", got)
	}
}

// TestClientIndexWithoutETag: a server that sends no ETag for the index
// (kube-apiserver sends none) answers each run in full; the cached index
// is rewritten only when the answer changed.
func TestClientIndexWithoutETag(t *testing.T) {
	f, srv := newFake(t)
	f.etag = ""
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	index, _ := filepath.Glob(filepath.Join(dir, "openapi", "*", indexFile))
	if len(index) != 1 {
		t.Fatalf("cached index: %v", index)
	}
	b, err := os.ReadFile(index[0])
	if err != nil {
		t.Fatal(err)
	}
	marked := append(b, '\n') // the same index; a rewrite would drop the newline
	if err := os.WriteFile(index[0], marked, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.took(), ", "); got != "/openapi/v3 200, /openapi/v3/apis/example.io/v1?hash=H1 200, /openapi/v3 200" {
		t.Errorf("requests: %s", got)
	}
	if now, _ := os.ReadFile(index[0]); !bytes.Equal(now, marked) {
		t.Errorf("the unchanged index was written again:\n%s", now)
	}
	f.hash = "H2"
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(index[0]); !strings.Contains(string(now), "hash=H2") {
		t.Errorf("the changed index was not cached:\n%s", now)
	}
}

// TestClientNoCache reads from the server each time.
func TestClientNoCache(t *testing.T) {
	f, srv := newFake(t)
	for i := 0; i < 2; i++ {
		if _, err := clientOf(t, srv, "", nil).Document(context.Background(), exampleGV); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(f.took()); got != 4 {
		t.Errorf("%d requests, want 4", got)
	}
}

// TestClientErrors: 401 and 403 are errors even with a cache; a server
// without /openapi/v3 is a clear error; a group-version the index does not
// list, or whose document fails, is named.
func TestClientErrors(t *testing.T) {
	f, srv := newFake(t)
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		f.status = code
		_, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV)
		if err == nil || !strings.Contains(err.Error(), "denied by the fake") {
			t.Errorf("%d: error %v", code, err)
		}
	}
	f.status = http.StatusNotFound
	_, err := clientOf(t, srv, "", nil).Document(ctx, exampleGV)
	if err == nil || err.Error() != "the server does not publish OpenAPI v3 schemas (/openapi/v3: 404 Not Found)" {
		t.Errorf("404: %v", err)
	}
	f.status = 0
	_, err = clientOf(t, srv, dir, nil).Document(ctx, schema.GroupVersion{Group: "none.io", Version: "v1"})
	if err == nil || err.Error() != "no OpenAPI v3 document for none.io/v1: the server lists none at /openapi/v3" {
		t.Errorf("unlisted: %v", err)
	}
	_, err = clientOf(t, srv, dir, nil).Document(ctx, schema.GroupVersion{Group: "down.io", Version: "v1"})
	if err == nil || !strings.Contains(err.Error(), "failed to get /openapi/v3/apis/down.io/v1") || !strings.Contains(err.Error(), "unable to handle the request") {
		t.Errorf("503: %v", err)
	}
}

// TestClientUnreachable answers from the cached index with a warning when
// the server cannot be reached, and fails without a cache.
func TestClientUnreachable(t *testing.T) {
	_, srv := newFake(t)
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := clientOf(t, srv, dir, nil).Document(ctx, exampleGV); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	srv.Close()
	var warnings bytes.Buffer
	// The cache directory is named after the host: the closed server's.
	c, err := NewClient(&rest.Config{Host: u.String()}, dir, &warnings)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Document(ctx, exampleGV); err != nil {
		t.Fatalf("from the cache: %v", err)
	}
	if !strings.Contains(warnings.String(), "using the cached OpenAPI index") {
		t.Errorf("warnings: %q", warnings.String())
	}
	if _, err := clientOf(t, srv, "", nil).Document(ctx, exampleGV); err == nil {
		t.Error("no error without a cache")
	}
}
