package discovery

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// TestRevalidated: answers about every type revalidate a cache within its
// TTL once (a 304 per unchanged document); a category does too; a 404
// rechecks once more; name resolution alone asks nothing.
func TestRevalidated(t *testing.T) {
	srv := newFakeServer(t)
	core := srv.docs["/api"]
	core.Items[0].Versions[0].Resources[0].Categories = []string{"all"} // pods
	srv.docs["/api"] = core
	dir := t.TempDir()
	ctx := context.Background()
	resolver := func() *Resolver {
		c, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Resolver(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	expect := func(step, want string) {
		t.Helper()
		if got := srv.take(); got != want {
			t.Errorf("%s: requests %q, want %q", step, got, want)
		}
	}
	resolver()
	expect("cold", "/api 200,/apis 200")

	late := aggGroup("late.example.org", "v1", aggRes("latethings", "LateThing", "lt"))
	late.Versions[0].Resources[0].Categories = []string{"all"}
	srv.change(late)

	r := resolver()
	if _, err := r.Resolve(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	expect("a name within the TTL", "")
	s, err := r.Revalidated(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expect("revalidated", "/api 304,/apis 200")
	if _, ok := s.Lookup(schema.GroupResource{Group: "late.example.org", Resource: "latethings"}); !ok {
		t.Errorf("the revalidated snapshot misses latethings")
	}
	if _, err := r.Revalidated(ctx); err != nil {
		t.Fatal(err)
	}
	expect("revalidated again", "")

	// A category stands for every type in it: it is expanded over
	// revalidated discovery, not over the cache.
	ms, err := resolver().Resolve(ctx, "all")
	expect("category", "/api 304,/apis 304")
	if err != nil || len(ms) != 2 || ms[1].GVR.Resource != "latethings" {
		t.Errorf("Resolve(all) = %v, %v; want pods and latethings", ms, err)
	}

	// A list that answered 404: one recheck, then the snapshot answers.
	r = resolver()
	if !r.StillServed(ctx, schema.GroupVersionResource{Group: "late.example.org", Version: "v1", Resource: "latethings"}) {
		t.Errorf("latethings should still be served")
	}
	expect("recheck", "/api 304,/apis 304")
	if r.StillServed(ctx, schema.GroupVersionResource{Group: "late.example.org", Version: "v9", Resource: "latethings"}) ||
		r.StillServed(ctx, schema.GroupVersionResource{Group: "gone.example.org", Version: "v1", Resource: "gones"}) {
		t.Errorf("a version or type not served is reported served")
	}
	expect("second recheck", "")
}

// TestRESTMapperResetAndContext: Reset makes the next lookup ask the
// server even over fresh data; the context given to RESTMapper bounds its
// refreshes, so a cancelled command makes no request.
func TestRESTMapperResetAndContext(t *testing.T) {
	srv := newFakeServer(t)
	dir := t.TempDir()
	c, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := c.Resolver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.take()
	srv.change(aggGroup("late.example.org", "v1", aggRes("latethings", "LateThing", "lt")))
	late := schema.GroupKind{Group: "late.example.org", Kind: "LateThing"}
	m := r.RESTMapper(ctx)
	if _, err := m.RESTMapping(late); err == nil {
		t.Fatalf("fresh data should not be refreshed on a miss")
	}
	if got := srv.take(); got != "" {
		t.Errorf("requests %q before Reset, want none", got)
	}
	m.Reset()
	if _, err := m.RESTMapping(late); err != nil {
		t.Errorf("after Reset: %v", err)
	}
	if got := srv.take(); got != "/api 304,/apis 200" {
		t.Errorf("requests after Reset %q, want one revalidation", got)
	}

	// A cache-backed resolver whose command was cancelled: the refresh on
	// a miss does not reach the server.
	c2, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	c3, err := NewClient(&rest.Config{Host: srv.URL}, Options{CacheDir: c2.opts.CacheDir})
	if err != nil {
		t.Fatal(err)
	}
	r3, err := c3.Resolver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.take()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r3.RESTMapper(cancelled).RESTMapping(schema.GroupKind{Group: "nosuch.example.org", Kind: "Nothing"}); err == nil {
		t.Errorf("want a miss")
	}
	if got := srv.take(); got != "" {
		t.Errorf("requests %q with a cancelled context, want none", got)
	}
}
