package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/golden"
)

// fakeLister serves objects per resource, in pages of opts.Limit.
type fakeLister struct {
	objects map[string][]string // resource -> YAML objects
	fail    map[string]error
	// onPage, if set, runs before each page is handed over.
	onPage func()
	t      *testing.T
}

func (f *fakeLister) ListPages(ctx context.Context, typ Type, ns string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
	if err := f.fail[typ.GVR.Resource]; err != nil {
		return err
	}
	var items []unstructured.Unstructured
	for _, doc := range f.objects[typ.GVR.Resource] {
		u := obj(f.t, doc)
		if (ns == "" || u.GetNamespace() == ns) && (opts.FieldSelector == "" || opts.FieldSelector == "metadata.name="+u.GetName()) {
			items = append(items, *u)
		}
	}
	for len(items) > 0 {
		n := min(int(opts.Limit), len(items))
		if f.onPage != nil {
			f.onPage()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(&unstructured.UnstructuredList{Items: items[:n]}); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

var (
	typeCM     = Type{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}}
	typeSecret = Type{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, Namespaced: true}}
	typeCS     = Type{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "componentstatuses"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "ComponentStatus"}}, ReadOnly: true}
)

func newFake(t *testing.T) *fakeLister {
	return &fakeLister{t: t, objects: map[string][]string{
		"configmaps":        {cmA, cmB, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-root-ca.crt, namespace: shop, uid: x}\n"},
		"secrets":           {secret, "apiVersion: v1\nkind: Secret\nmetadata: {name: tok, namespace: shop}\ntype: kubernetes.io/service-account-token\n"},
		"componentstatuses": {"apiVersion: v1\nkind: ComponentStatus\nmetadata: {name: etcd-0}\n"},
	}}
}

func TestRunStreamFormats(t *testing.T) {
	for _, o := range Outputs {
		f := Format(o)
		t.Run(o, func(t *testing.T) {
			var out bytes.Buffer
			sink := NewStreamSink(&out, f)
			opts := Options{Types: []Type{typeCM, typeSecret, typeCS}, PageSize: 1, Cleaner: NewCleaner(CleanOptions{}), Sink: sink}
			sum, err := Run(context.Background(), newFake(t), opts)
			if err == nil {
				err = sink.Close(context.Background())
			}
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("stream", string(f)), out.Bytes())
			var text bytes.Buffer
			if err := sum.Write(&text); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "summary.txt", text.Bytes())
		})
	}
}

func TestRunEmptyJSONList(t *testing.T) {
	var out bytes.Buffer
	sink := NewStreamSink(&out, FormatJSON)
	if _, err := Run(context.Background(), newFake(t), Options{Cleaner: NewCleaner(CleanOptions{}), Sink: sink}); err != nil {
		t.Fatal(err)
	}
	_ = sink.Close(context.Background())
	want := "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestRunNamesAndFailures(t *testing.T) {
	lister := newFake(t)
	lister.fail = map[string]error{"secrets": errors.New("forbidden")}
	cm := typeCM
	cm.Names = []string{"a", "missing"}
	var out bytes.Buffer
	sum, err := Run(context.Background(), lister, Options{Types: []Type{cm, typeSecret}, Cleaner: NewCleaner(CleanOptions{}), Sink: NewStreamSink(&out, FormatJSONL)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Exported() != 1 || !strings.Contains(out.String(), `"name":"a"`) {
		t.Errorf("exported %d: %s", sum.Exported(), out.String())
	}
	// the types named: each error in its own words
	want := "configmaps \"missing\" not found\nforbidden"
	if got := strings.Join(sum.Report(true).Lines(), "\n"); got != want {
		t.Errorf("Report(true) = %q, want %q", got, want)
	}
	scope := sum.PruneScope(Options{}, false)
	if len(scope.Failed) != 2 || len(scope.Types) != 0 {
		t.Errorf("scope = %+v, want both types failed", scope)
	}
}

// TestRunCancelledLeavesNoPartialFiles cancels an export to a directory in
// the middle of a type: no temporary file stays, and every file that is
// there is complete.
func TestRunCancelledLeavesNoPartialFiles(t *testing.T) {
	lister := &fakeLister{t: t, objects: map[string][]string{}}
	for i := range 50 {
		lister.objects["configmaps"] = append(lister.objects["configmaps"],
			fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d, namespace: shop}\ndata: {k: v}\n", i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	pages := 0
	lister.onPage = func() {
		if pages++; pages == 3 {
			cancel()
		}
	}
	root := t.TempDir()
	sink, _ := NewDirSink(root, FormatYAML)
	_, err := Run(ctx, lister, Options{Types: []Type{typeCM}, PageSize: 10, Cleaner: NewCleaner(CleanOptions{}), Sink: sink})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	files := tree(t, root)
	if len(files) != 20 {
		t.Errorf("%d files, want the 20 of the first two pages", len(files))
	}
	for p := range files {
		data, _ := os.ReadFile(filepath.Join(root, p))
		if strings.Contains(p, tempPrefix) || !strings.HasSuffix(string(data), "namespace: shop\n") {
			t.Errorf("partial or temporary file %s: %q", p, data)
		}
	}
}

// checkGolden compares got with testdata/export/<name>, rewriting it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("..", "testdata", "export", name), got)
}

func TestRulesDoc(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRulesDoc(&b, DefaultRules(), DefaultSkipRules()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "RULES.md", b.Bytes())
	want, err := os.ReadFile("RULES.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range DefaultRules() {
		if !bytes.Contains(want, []byte("| `"+r.ID+"` |")) {
			t.Errorf("RULES.md lacks rule %s", r.ID)
		}
	}
}

// TestReadmeRulesTable checks that the README shows the rules as they are.
func TestReadmeRulesTable(t *testing.T) {
	const begin, end = "<!-- BEGIN export rules -->\n", "<!-- END export rules -->"
	var b bytes.Buffer
	if err := WriteRulesDoc(&b, DefaultRules(), DefaultSkipRules()); err != nil {
		t.Fatal(err)
	}
	golden.CheckSection(t, "../README.md", begin, end, b.Bytes())
}

// failingSink fails the write of one object and counts the others.
type failingSink struct {
	failName string
	mu       sync.Mutex
	written  int
}

func (s *failingSink) Write(_ context.Context, obj *unstructured.Unstructured) error {
	if obj.GetName() == s.failName {
		return errors.New("disk full")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.written++
	return nil
}

func (s *failingSink) Close(context.Context) error { return nil }

// TestRunParallelWriters writes pages with several writers: every object
// is written once and counted, and a failed write stops the export with its
// error.
func TestRunParallelWriters(t *testing.T) {
	lister := &fakeLister{t: t, objects: map[string][]string{}}
	for i := range 95 {
		lister.objects["configmaps"] = append(lister.objects["configmaps"],
			fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%02d, namespace: ns%d}\ndata: {k: v}\n", i, i%3))
	}
	root := t.TempDir()
	sink, _ := NewDirSink(root, FormatYAML)
	opts := Options{Types: []Type{typeCM, typeSecret}, PageSize: 10, Writers: 4, Cleaner: NewCleaner(CleanOptions{}), Sink: sink}
	sum, err := Run(context.Background(), lister, opts)
	if err != nil {
		t.Fatal(err)
	}
	if files := tree(t, root); len(files) != 95 || sum.Exported() != 95 || sum.Types[0].Exported != 95 {
		t.Errorf("%d files, %d exported (%d configmaps), want 95", len(files), sum.Exported(), sum.Types[0].Exported)
	}

	failing := &failingSink{failName: "c42"}
	opts.Sink = failing
	sum, err = Run(context.Background(), lister, opts)
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("err = %v, want the sink's error", err)
	}
	if sum.Types[0].Exported != failing.written || failing.written >= 95 {
		t.Errorf("counted %d exported, the sink wrote %d of 95", sum.Types[0].Exported, failing.written)
	}
}

// TestRunItemsOfAnotherKind lists Secrets from a server that says one is a
// ConfigMap and another an apps/v1 Deployment: both are exported as
// Secrets (file, mode, redaction), with a warning.
func TestRunItemsOfAnotherKind(t *testing.T) {
	lister := &fakeLister{t: t, objects: map[string][]string{"secrets": {
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s1, namespace: shop}\ndata: {k: dg==}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: s2, namespace: shop}\ndata: {k: dg==}\n",
		"metadata: {name: s3, namespace: shop}\ndata: {k: dg==}\n",
		secret,
	}}}
	root := t.TempDir()
	sink, _ := NewDirSink(root, FormatYAML)
	opts := Options{Types: []Type{typeSecret}, PageSize: 10, Cleaner: NewCleaner(CleanOptions{RedactSecrets: true}), Sink: sink}
	sum, err := Run(context.Background(), lister, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{}
	for _, n := range []string{"s", "s1", "s2", "s3"} {
		want["shop/core/Secret/"+n+".yaml"] = SecretMode
	}
	if got := tree(t, root); !mapsEqual(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	data, _ := os.ReadFile(filepath.Join(root, "shop/core/Secret/s1.yaml"))
	if !strings.Contains(string(data), "kind: Secret\n") || strings.Contains(string(data), "dg==") {
		t.Errorf("s1.yaml is not a redacted Secret:\n%s", data)
	}
	warnings := strings.Join(sum.Warnings(nil), "\n")
	for _, w := range []string{
		`Warning: the server listed 1 secrets that said they were "apps/v1 Deployment": exported as Secret, the type listed`,
		`Warning: the server listed 1 secrets that said they were "v1 ConfigMap": exported as Secret, the type listed`,
	} {
		if !strings.Contains(warnings, w) {
			t.Errorf("warnings:\n%s\nwant %s", warnings, w)
		}
	}
	if strings.Count(warnings, "\n") != 1 {
		t.Errorf("warnings:\n%s\nwant two lines", warnings)
	}
}

// forbiddenTypes are n types the fake lister refuses as the API server
// refuses a user who may not list them, and the lister.
func forbiddenTypes(t *testing.T, n int) ([]Type, *fakeLister) {
	lister := newFake(t)
	lister.fail = map[string]error{}
	var types []Type
	for i := range n {
		typ := Type{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Group: "g.example.org", Version: "v1", Resource: fmt.Sprintf("things%d", i)},
			GVK: schema.GroupVersionKind{Group: "g.example.org", Version: "v1", Kind: fmt.Sprintf("Thing%d", i)}, Namespaced: true}}
		lister.fail[typ.GVR.Resource] = apierrors.NewForbidden(typ.GVR.GroupResource(), "", errors.New(`User "u" cannot list resource`))
		types = append(types, typ)
	}
	return append(types, typeCM), lister
}

// TestReportGroupsFailures: every type of an export that failed for one
// cause is one line, as get --all-types reports it, not a line per type.
func TestReportGroupsFailures(t *testing.T) {
	types, lister := forbiddenTypes(t, 233)
	sum, err := Run(context.Background(), lister, Options{Types: types, Cleaner: NewCleaner(CleanOptions{}), Sink: NewStreamSink(io.Discard, FormatYAML)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"could not list 233 types (forbidden): things0.g.example.org, things1.g.example.org, things2.g.example.org, things3.g.example.org, things4.g.example.org and 228 more"}
	if got := sum.Report(false).Lines(); !slices.Equal(got, want) {
		t.Errorf("Report(false).Lines() = %q, want %q", got, want)
	}
	var text bytes.Buffer
	if err := sum.Write(&text); err != nil || strings.Contains(text.String(), "things") {
		t.Errorf("the summary names the failed types again (%v):\n%s", err, text.String())
	}
}

// TestRunIgnoreForbidden: --ignore-forbidden leaves the forbidden types
// out without a failure, other failures are still reported, and the files
// of a forbidden type are never pruned (it could not be read).
func TestRunIgnoreForbidden(t *testing.T) {
	types, lister := forbiddenTypes(t, 3)
	lister.fail["configmaps"] = apierrors.NewServiceUnavailable("down")
	sum, err := Run(context.Background(), lister, Options{Types: types, IgnoreForbidden: true, Cleaner: NewCleaner(CleanOptions{}), Sink: NewStreamSink(io.Discard, FormatYAML)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"could not list 1 type (API unavailable: down): configmaps"}
	if got := sum.Report(false).Lines(); !slices.Equal(got, want) {
		t.Errorf("Report(false).Lines() = %q, want %q", got, want)
	}
	if scope := sum.PruneScope(Options{}, true); len(scope.Failed) != 4 || len(scope.Types) != 0 {
		t.Errorf("scope = %+v, want every type failed (not pruned)", scope)
	}
}

// TestRunDeletingObjects: an object being deleted is written with a
// warning (stdout: IncludeDeleting), left out of a tree with a warning
// naming the flag that writes it, and written when named, warned once.
func TestRunDeletingObjects(t *testing.T) {
	lister := newFake(t)
	var docs []string
	for i := range 7 {
		docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone-%d, namespace: shop, deletionTimestamp: \"2026-01-01T00:00:00Z\", finalizers: [example.com/x]}\n", i))
	}
	lister.objects["configmaps"] = append(lister.objects["configmaps"], docs...)
	run := func(includeDeleting bool, names ...string) (*Summary, string) {
		t.Helper()
		var out bytes.Buffer
		typ := typeCM
		typ.Names = names
		sum, err := Run(context.Background(), lister, Options{Types: []Type{typ}, Cleaner: NewCleaner(CleanOptions{IncludeDeleting: includeDeleting}), Sink: NewStreamSink(&out, FormatJSONL)})
		if err != nil {
			t.Fatal(err)
		}
		return sum, out.String()
	}
	sum, out := run(true)
	want := []string{"Warning: 7 configmaps are being deleted (metadata.deletionTimestamp set): shop/gone-0, shop/gone-1, shop/gone-2, shop/gone-3, shop/gone-4 and 2 more; applying this export would make them again"}
	if got := sum.Warnings(nil); !slices.Equal(got, want) || strings.Count(out, "gone-") != 7 {
		t.Errorf("stdout: warnings %q, want %q; written:\n%s", got, want, out)
	}
	sum, out = run(false)
	want = []string{"Warning: 7 configmaps are being deleted (metadata.deletionTimestamp set): shop/gone-0, shop/gone-1, shop/gone-2, shop/gone-3, shop/gone-4 and 2 more; not written, since restoring the tree would make them again (--include-deleting writes them)"}
	if got := sum.Warnings(nil); !slices.Equal(got, want) || strings.Contains(out, "gone-") || sum.SkippedByRule()[RuleBeingDeleted] != 7 {
		t.Errorf("tree: warnings %q, want %q; skipped %v; written:\n%s", got, want, sum.SkippedByRule(), out)
	}
	sum, out = run(false, "gone-3")
	want = []string{"Warning: configmaps shop/gone-3 is being deleted (metadata.deletionTimestamp set); applying this export would make it again"}
	if got := sum.Warnings(nil); !slices.Equal(got, want) || !strings.Contains(out, "gone-3") {
		t.Errorf("named: warnings %q, want %q; written:\n%s", got, want, out)
	}
}
