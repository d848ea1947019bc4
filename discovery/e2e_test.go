package discovery

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EAPIResourcesMatchesKubectl: kdx api-resources prints what
// kubectl api-resources prints, byte for byte, with demo and real CRDs.
func TestE2EAPIResourcesMatchesKubectl(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	installSharedCRDs(t, env)
	waitDiscovered(t, env.Config, schema.GroupResource{Group: "monitoring.coreos.com", Resource: "prometheuses"})
	for _, args := range [][]string{
		{},
		{"-o", "name"},
		{"--sort-by=name"},
		{"--sort-by=kind", "--no-headers"},
		{"--namespaced=false"},
		{"--api-group=multi.example.org"},
		{"--api-group="},
		{"--verbs=list,watch", "--namespaced=true"},
		{"--categories=kdxdemo"},
		{"--categories=all"},
	} {
		t.Run(strings.Join(append([]string{"args"}, args...), " "), func(t *testing.T) {
			kdx := env.Kdx(t, append([]string{"api-resources"}, args...)...)
			kubectl := env.RunKubectl(t, append([]string{"api-resources"}, args...)...)
			if kdx.ExitCode != 0 || kubectl.ExitCode != 0 {
				t.Fatalf("exit codes: kdx %d (%s), kubectl %d (%s)", kdx.ExitCode, kdx.Stderr, kubectl.ExitCode, kubectl.Stderr)
			}
			if kdx.Stdout != kubectl.Stdout {
				t.Errorf("kdx api-resources %v differs from kubectl's\nkdx:\n%s\nkubectl:\n%s", args, kdx.Stdout, kubectl.Stdout)
			}
		})
	}
	t.Run("api-versions", func(t *testing.T) {
		kdx, kubectl := env.Kdx(t, "api-versions"), env.RunKubectl(t, "api-versions")
		if kdx.Stdout != kubectl.Stdout || kdx.ExitCode != 0 {
			t.Errorf("kdx api-versions (exit %d) differs from kubectl's\nkdx:\n%s\nkubectl:\n%s", kdx.ExitCode, kdx.Stdout, kubectl.Stdout)
		}
	})
}

// TestE2EDemoCRDs: versions, scope, short names, categories and
// subresources of the demo CRDs, as a snapshot and as kdx prints them.
func TestE2EDemoCRDs(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	waitDiscovered(t, env.Config, schema.GroupResource{Group: "shadow.example.org", Resource: "deployments"})
	c, err := NewClient(env.Config, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		gr   schema.GroupResource
		want string
	}{
		{schema.GroupResource{Group: "multi.example.org", Resource: "gadgets"},
			"v2 [v2 v1] Gadget gadget ns=true short=[gd] cat=[kdxdemo] sub=[scale status]"},
		{schema.GroupResource{Group: "multi.example.org", Resource: "widgetclasses"},
			"v1 [v1] WidgetClass widgetclass ns=false short=[wcl] cat=[kdxdemo] sub=[]"},
		{schema.GroupResource{Group: "shadow.example.org", Resource: "deployments"},
			"v1 [v1] Deployment deployment ns=true short=[] cat=[kdxdemo] sub=[]"},
		{schema.GroupResource{Group: "apps", Resource: "deployments"},
			"v1 [v1] Deployment deployment ns=true short=[deploy] cat=[all] sub=[scale status]"},
	}
	for _, tt := range tests {
		r, ok := snap.Lookup(tt.gr)
		if !ok {
			t.Errorf("%s not discovered", tt.gr)
			continue
		}
		sub := slices.Sorted(slices.Values(r.Subresources))
		got := fmt.Sprintf("%s %v %s %s ns=%v short=%v cat=%v sub=%v", r.Version, r.Versions, r.Kind, r.Singular, r.Namespaced, r.ShortNames, r.Categories, sub)
		if got != tt.want {
			t.Errorf("%s = %s, want %s", tt.gr, got, tt.want)
		}
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"demo-wide.golden", []string{"api-resources", "--categories=kdxdemo", "-o", "wide"}},
		{"demo-count.golden", []string{"api-resources", "--categories=kdxdemo", "--count", "-n", "demo"}},
		{"demo.json.golden", []string{"api-resources", "--api-group=multi.example.org", "-o", "json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := env.Kdx(t, c.args...)
			if res.ExitCode != 0 {
				t.Fatalf("kdx %v: exit %d: %s", c.args, res.ExitCode, res.Stderr)
			}
			checkGolden(t, c.name, res.Stdout)
		})
	}
}

// TestE2EResolveMatchesKubectl: every name resolves to the resources kubectl
// get reads for it, on a server with collisions; errors agree too.
func TestE2EResolveMatchesKubectl(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	installSharedCRDs(t, env)
	waitDiscovered(t, env.Config, schema.GroupResource{Group: "cert-manager.io", Resource: "certificates"})
	var warnings bytes.Buffer
	c, err := NewClient(env.Config, Options{CacheDir: t.TempDir(), Warnings: &warnings})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Resolver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := []string{
		"pods", "pod", "Pod", "po", "deployments", "deployment", "Deployment", "deploy", "deployments.apps",
		"deployments.v1.apps", "Deployment.v1.apps", "deployments.shadow.example.org", "deployment.shadow.example.org",
		"gadgets", "gadget", "GADGET", "gd", "gadgets.multi.example.org", "gadgets.v1.multi.example.org",
		"Gadget.v1.multi.example.org", "wcl", "widgetclasses", "cm,secrets", "all", "kdxdemo", "hpa",
		"horizontalpodautoscalers.v2.autoscaling", "certificates", "cert", "certs", "cert-manager", "issuers",
		"challenges.acme.cert-manager.io", "prometheus", "prometheuses", "servicemonitors", "smon", "monitoring",
		"nosuchthing", "gadgets.v9.multi.example.org", "nosuch.example.org",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, wantErr := kubectlResolves(t, env, name)
			ms, err := r.Resolve(context.Background(), name)
			if wantErr != "" {
				// kdx's message may say more (a version, "did you mean"): the
				// part naming the type must be kubectl's.
				prefix, _, _ := strings.Cut(wantErr, " in group")
				if !IsUnknownType(err) || !strings.HasPrefix(err.Error(), prefix) {
					t.Errorf("Resolve(%q) error = %v, kubectl's: %s", name, err, wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q): %v (kubectl reads %v)", name, err, want)
			}
			var got []string
			for _, m := range ms {
				got = append(got, gvrString(m.GVR))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Resolve(%q) = %v, kubectl reads %v", name, got, want)
			}
		})
	}
	if !strings.Contains(warnings.String(), `"deployments" also matches deployments.shadow.example.org; using deployments.apps`) {
		t.Errorf("no warning about deployments.shadow.example.org; warnings:\n%s", warnings.String())
	}
}

// TestE2EStaleAPIService: an APIService whose service does not exist is
// named in a warning with its reason; everything else is listed; exit 0,
// or 1 with --strict.
func TestE2EStaleAPIService(t *testing.T) {
	env := testenv.Require(t)
	const name = brokenAPIService
	installBrokenAPIService(t, env)

	res := env.Kdx(t, "api-resources")
	if res.ExitCode != 0 {
		t.Fatalf("kdx api-resources: exit %d: %s", res.ExitCode, res.Stderr)
	}
	wantWarn := `Warning: missing.kdx.example.org/v1alpha1 skipped: APIService ` + name + ` is not available: ServiceNotFound: service/nosuchservice in "default" is not present`
	if strings.Count(res.Stderr, wantWarn) != 1 {
		t.Errorf("stderr should name the APIService once:\n%s\nwant:\n%s", res.Stderr, wantWarn)
	}
	if !strings.Contains(res.Stdout, "\npods ") || !strings.Contains(res.Stdout, "\ndeployments ") {
		t.Errorf("the rest is not listed:\n%s", res.Stdout)
	}
	strict := env.Kdx(t, "api-resources", "--strict")
	if strict.ExitCode != 1 || !strings.Contains(strict.Stderr, "error: discovery is incomplete (--strict): missing.kdx.example.org/v1alpha1 could not be read") {
		t.Errorf("--strict: exit %d, stderr:\n%s", strict.ExitCode, strict.Stderr)
	}
	restricted := env.Kdx(t, "--context", "restricted", "api-resources", "--refresh")
	if restricted.ExitCode != 0 || !strings.Contains(restricted.Stderr, "Warning: missing.kdx.example.org/v1alpha1 skipped: "+staleReason) {
		t.Errorf("restricted user (may not read APIServices): exit %d, stderr:\n%s", restricted.ExitCode, restricted.Stderr)
	}
}

// brokenAPIService is the APIService installBrokenAPIService creates.
const brokenAPIService = "v1alpha1.missing.kdx.example.org"

// installBrokenAPIService creates an APIService whose service does not
// exist (as when metrics-server is down), deleted when t ends, and waits
// until discovery marks it stale.
func installBrokenAPIService(t *testing.T, env *testenv.Env) {
	t.Helper()
	const name = brokenAPIService
	env.Apply(t, `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: `+name+`
spec:
  group: missing.kdx.example.org
  version: v1alpha1
  groupPriorityMinimum: 100
  versionPriority: 10
  insecureSkipTLSVerify: true
  service: {name: nosuchservice, namespace: default}
`)
	t.Cleanup(func() { // a stale aggregated API stalls every namespace deletion
		if res := env.RunKubectl(t, "delete", "apiservice", name, "--wait=false"); res.ExitCode != 0 {
			t.Errorf("failed to delete APIService %s: %s", name, res.Stderr)
		}
	})
	waitStale(t, env, "missing.kdx.example.org/v1alpha1")
}

// waitStale waits until aggregated discovery marks gv stale.
func waitStale(t *testing.T, env *testenv.Env, gv string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		c, err := NewClient(env.Config, Options{})
		if err != nil {
			return false, err
		}
		s, err := c.Snapshot(ctx)
		if err != nil {
			return false, nil
		}
		for _, f := range s.Failures {
			if f.GroupVersion == gv {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("%s never became stale in discovery: %v", gv, err)
	}
}

// TestE2ERestrictedUser: a user who may list nothing still discovers
// everything; --count says forbidden per resource, reports what it could not
// count once, on stderr, and exits 1 (README: Errors and exit codes).
func TestE2ERestrictedUser(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	c, err := NewClient(env.RestrictedConfig, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Snapshot(context.Background())
	if err != nil {
		t.Fatalf("restricted discovery: %v", err)
	}
	if _, ok := snap.Lookup(schema.GroupResource{Group: "multi.example.org", Resource: "gadgets"}); !ok {
		t.Errorf("restricted user does not discover gadgets")
	}
	res := env.Kdx(t, "--context", "restricted", "api-resources", "--count", "--api-group=multi.example.org", "--no-headers")
	if res.ExitCode != 1 {
		t.Fatalf("exit %d, want 1: %s", res.ExitCode, res.Stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
		if !strings.HasSuffix(line, "   forbidden") {
			t.Errorf("want a forbidden COUNT cell: %q", line)
		}
	}
	if got := strings.Split(strings.TrimSpace(res.Stderr), "\n"); len(got) != 1 || !strings.Contains(got[0], "(forbidden)") {
		t.Errorf("want one line naming the forbidden cause; stderr:\n%s", res.Stderr)
	}
}

// TestE2EStaleCacheRefreshes: a cache written before a CRD existed is
// refreshed once, by itself, when the CRD's name is asked for; a current
// cache costs one conditional request per document (304).
func TestE2EStaleCacheRefreshes(t *testing.T) {
	env := testenv.Require(t)
	dir := t.TempDir()
	var log requestLog
	cfg := log.wrap(env.Config)
	newClient := func() *Client {
		c, err := NewClient(cfg, Options{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	if _, err := newClient().Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := log.take(), []string{"GET /api 200", "GET /apis 200"}; !slices.Equal(got, want) {
		t.Errorf("cold cache requests = %v, want %v", got, want)
	}
	if _, err := newClient().Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := log.take(), []string{"GET /api 304", "GET /apis 304"}; !slices.Equal(got, want) {
		t.Errorf("revalidation requests = %v, want %v", got, want)
	}

	env.Apply(t, newCRD("freshthings", "FreshThing", "fresh.kdx.example.org"))
	waitDiscovered(t, env.Config, schema.GroupResource{Group: "fresh.kdx.example.org", Resource: "freshthings"})
	log.take()

	r, err := newClient().Resolver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Snapshot().FromCache || len(log.take()) != 0 {
		t.Fatalf("a cache younger than the TTL should be used without requests")
	}
	ms, err := r.Resolve(ctx, "freshthing")
	if err != nil {
		t.Fatalf("Resolve after the CRD was created: %v", err)
	}
	if got := gvrString(ms[0].GVR); got != "fresh.kdx.example.org/v1/freshthings" {
		t.Errorf("Resolve = %s", got)
	}
	if got := log.take(); !slices.Equal(got, []string{"GET /api 304", "GET /apis 200"}) {
		t.Errorf("refresh requests = %v, want one revalidation of each document", got)
	}
	if _, err := r.Resolve(ctx, "stillnosuchthing"); !IsUnknownType(err) || len(log.take()) != 0 {
		t.Errorf("a second miss should not refresh again: %v", err)
	}
	// The refreshed cache serves the next process, with no request.
	r2, err := newClient().Resolver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r2.RESTMapper(ctx).RESTMapping(schema.GroupKind{Group: "fresh.kdx.example.org", Kind: "FreshThing"}); err != nil {
		t.Errorf("RESTMapping from the refreshed cache: %v", err)
	}
	if got := log.take(); len(got) != 0 {
		t.Errorf("requests = %v, want none", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "discovery")); err != nil {
		t.Errorf("cache not under <cache-dir>/discovery: %v", err)
	}
}

// TestE2ERESTMapperRefreshes: the RESTMapper of a resolver over a stale
// cache finds a kind created since, by refreshing once.
func TestE2ERESTMapperRefreshes(t *testing.T) {
	env := testenv.Require(t)
	dir := t.TempDir()
	ctx := context.Background()
	c, err := NewClient(env.Config, Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	env.Apply(t, newCRD("mappedthings", "MappedThing", "mapped.kdx.example.org"))
	waitDiscovered(t, env.Config, schema.GroupResource{Group: "mapped.kdx.example.org", Resource: "mappedthings"})
	c2, err := NewClient(env.Config, Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c2.Resolver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.RESTMapper(ctx).RESTMapping(schema.GroupKind{Group: "mapped.kdx.example.org", Kind: "MappedThing"}, "v1")
	if err != nil {
		t.Fatalf("RESTMapping: %v", err)
	}
	if m.Resource.Resource != "mappedthings" {
		t.Errorf("RESTMapping = %v", m.Resource)
	}
}

// TestE2ELegacyFallback: a server that answers discovery only in the
// legacy format is read group/version by group/version, to the same result.
func TestE2ELegacyFallback(t *testing.T) {
	env := testenv.Require(t)
	installDemo(t, env)
	ctx := context.Background()
	agg, err := NewClient(env.Config, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := agg.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	legacyCfg := legacyOnly(env.Config)
	legacy, err := NewClient(legacyCfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := legacy.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Aggregated || !want.Aggregated {
		t.Fatalf("aggregated: legacy client %v, normal client %v", got.Aggregated, want.Aggregated)
	}
	// The order of resources within a group is the server's whim (a map for
	// CRDs): compare by name.
	byName := func(a, b APIResource) int { return strings.Compare(a.QualifiedName(), b.QualifiedName()) }
	slices.SortFunc(got.Resources, byName)
	slices.SortFunc(want.Resources, byName)
	if len(got.Resources) != len(want.Resources) {
		t.Errorf("legacy discovery has %d resources, aggregated %d", len(got.Resources), len(want.Resources))
	}
	for i := range min(len(got.Resources), len(want.Resources)) {
		g, w := got.Resources[i], want.Resources[i]
		slices.Sort(g.Subresources) // legacy lists them sorted, aggregated as declared
		slices.Sort(w.Subresources)
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("resource %d: legacy %+v, aggregated %+v", i, g, w)
		}
	}
}
