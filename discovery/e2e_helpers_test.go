package discovery

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/golden"
	"github.com/kdxproject/kdx/internal/testenv"
)

// repoRoot is the module root (where go.mod is).
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatalf("failed to find the module root: %v", err)
	}
	return root
}

var demoOnce sync.Once

// installDemo applies testdata/demo (namespace, CRDs, objects) once per
// test binary; the CRDs are the collisions and versions kdx must handle.
func installDemo(t testing.TB, env *testenv.Env) {
	t.Helper()
	demoOnce.Do(func() {
		dir := filepath.Join(repoRoot(t), "testdata", "demo")
		for _, f := range []string{"00-namespace.yaml", "10-crds.yaml", "20-objects.yaml"} {
			env.ApplyFile(t, filepath.Join(dir, f))
		}
		for _, crd := range []string{"gadgets.multi.example.org", "widgetclasses.multi.example.org", "deployments.shadow.example.org"} {
			env.WaitForCRD(t, crd)
		}
	})
}

var sharedOnce sync.Once

// installSharedCRDs applies the real-world CRDs of ../shared/crds once
// (testenv.SharedCRDs: a test without them fails under CI, else is skipped).
func installSharedCRDs(t testing.TB, env *testenv.Env) {
	t.Helper()
	dir := testenv.SharedCRDs(t)
	sharedOnce.Do(func() {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.yaml"))
		for _, f := range files {
			for _, obj := range env.ApplyFile(t, f) {
				if obj.GetKind() == "CustomResourceDefinition" {
					env.WaitForCRD(t, obj.GetName())
				}
			}
		}
	})
}

// waitDiscovered waits until aggregated discovery (read afresh, no cache)
// lists gr: the CRD controller updates it shortly after the CRD is served.
func waitDiscovered(t testing.TB, cfg *rest.Config, gr schema.GroupResource) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		c, err := NewClient(cfg, Options{})
		if err != nil {
			return false, err
		}
		s, err := c.Snapshot(ctx)
		if err != nil {
			return false, nil
		}
		_, ok := s.Lookup(gr)
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s never appeared in aggregated discovery: %v", gr, err)
	}
}

// requestLog counts the requests a client makes, by path and status.
type requestLog struct {
	mu   sync.Mutex
	seen []string // "GET /apis 304"
	n    atomic.Int32
}

func (l *requestLog) wrap(cfg *rest.Config) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(req)
			if err == nil {
				l.mu.Lock()
				l.seen = append(l.seen, req.Method+" "+req.URL.Path+" "+strings.Fields(resp.Status)[0])
				l.mu.Unlock()
			}
			return resp, err
		})
	})
	return cfg
}

// take returns the requests seen since the last call, sorted.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.seen
	l.seen = nil
	sort.Strings(out)
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// listURL matches the list requests of kubectl get in its -v=6 log.
var listURL = regexp.MustCompile(`url="https?://[^/"]+/(?:api|apis)/([^?"]+)\?limit=500"`)

// kubectlResolves returns the group/version/resources kubectl get lists for
// typ (read from its -v=6 request log), or its error line.
func kubectlResolves(t *testing.T, env *testenv.Env, typ string) ([]string, string) {
	t.Helper()
	res := env.RunKubectl(t, "get", typ, "--all-namespaces", "-v=6", "--ignore-not-found")
	var out []string
	for _, m := range listURL.FindAllStringSubmatch(res.Stderr, -1) {
		parts := strings.Split(m[1], "/")
		if len(parts) == 2 { // core: v1/pods
			parts = append([]string{""}, parts...)
		}
		gvr := strings.Join(parts, "/")
		if !contains(out, gvr) {
			out = append(out, gvr)
		}
	}
	if res.ExitCode != 0 {
		for _, line := range strings.Split(res.Stderr, "\n") {
			if strings.HasPrefix(line, "error: ") {
				return out, strings.TrimPrefix(line, "error: ")
			}
		}
		return out, "exit status " + res.Stderr
	}
	return out, ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func gvrString(gvr schema.GroupVersionResource) string {
	return gvr.Group + "/" + gvr.Version + "/" + gvr.Resource
}

// checkGolden compares got with testdata/discovery/name, rewriting it under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join(repoRoot(t), "testdata", "discovery", name), []byte(got))
}

// newCRD is a minimal namespaced CRD served as v1.
func newCRD(plural, kind, group string) string {
	return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: %[1]s.%[3]s
spec:
  group: %[3]s
  scope: Namespaced
  names: {plural: %[1]s, singular: %[4]s, kind: %[2]s}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`, plural, kind, group, strings.ToLower(kind))
}

// legacyOnly makes every request ask for the legacy discovery format, as
// a server without aggregated discovery would answer.
func legacyOnly(cfg *rest.Config) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if strings.Contains(req.Header.Get("Accept"), "apidiscovery") {
				req = req.Clone(req.Context())
				req.Header.Set("Accept", "application/json")
			}
			return rt.RoundTrip(req)
		})
	})
	return cfg
}
