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
