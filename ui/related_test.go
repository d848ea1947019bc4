package ui

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/refs"
	"github.com/kdxproject/kdx/relate"
	"github.com/kdxproject/kdx/search"
)

// clock is the time of the tests of related views.
var clock = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeObjects are the objects Get reads beside app_test.go's: the
// Deployment web and its Pod web-0, which has a second owner that is gone.
var fakeObjects = map[string]string{
	"Deployment": `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: team-a, uid: u-web, creationTimestamp: "2026-01-02T02:04:05Z"},
  spec: {replicas: 1, template: {spec: {containers: [{name: web, image: "nginx:1.27", args: ["--port", "80"]}], volumes: [{name: s, configMap: {name: settings}}]}}},
  status: {conditions: [{type: Available, status: "True", reason: MinimumReplicasAvailable}]}}`,
	"Pod": `{apiVersion: v1, kind: Pod, metadata: {name: web-0, namespace: team-a, uid: u-web-0, creationTimestamp: "2026-01-02T03:00:05Z",
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u-web, controller: true}, {apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: u-gone}]},
  spec: {containers: [{name: web, image: "nginx:1.27"}]}, status: {conditions: [{type: Ready, status: "False", reason: ContainersNotReady}]}}`,
}

func fakeObject(kind, namespace, name string) *unstructured.Unstructured {
	doc, ok := fakeObjects[kind]
	if !ok {
		return nil
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		panic(err)
	}
	obj := &unstructured.Unstructured{Object: m}
	if obj.GetNamespace() != namespace || obj.GetName() != name {
		return nil
	}
	return obj
}

func (f *fakeBackend) Events(context.Context, *unstructured.Unstructured) ([]describe.Event, error) {
	return []describe.Event{
		{Type: "Normal", Reason: "ScalingReplicaSet", From: "deployment-controller", Message: "Scaled up to 1", Count: 1, First: clock.Add(-time.Hour), Last: clock.Add(-time.Hour)},
		{Type: "Warning", Reason: "Unhealthy", From: "kubelet", Message: "Readiness probe failed", Count: 3, First: clock.Add(-10 * time.Minute), Last: clock.Add(-time.Minute)},
	}, nil
}

// Tree walks the fake objects with relate's index, as kdx tree does.
func (f *fakeBackend) Tree(_ context.Context, t discovery.Target, obj *unstructured.Unstructured, up bool, _ string) (*relate.Node, error) {
	ix := relate.NewIndex()
	for _, o := range []*unstructured.Unstructured{fakeObject("Deployment", "team-a", "web"), fakeObject("Pod", "team-a", "web-0")} {
		ix.Add(relate.ObjectOf(o, o.GroupVersionKind()))
		ix.Listed(o.GroupVersionKind().GroupKind(), true)
	}
	ix.Listed(schema.GroupKind{Group: "apps", Kind: "ReplicaSet"}, true)
	root := relate.ObjectOf(obj, t.GVK)
	tree := ix.Down(root, 0)
	if up {
		tree = ix.Up(root, 0)
	}
	tree.Walk(func(n *relate.Node) {
		if o := fakeObject(n.GVK.Kind, n.Namespace, n.Name); o != nil {
			n.Ready, n.Reason = relate.Ready(o.Object)
		}
	})
	return tree, nil
}

func (f *fakeBackend) Refs(_ context.Context, _ discovery.Target, obj *unstructured.Unstructured, _ bool) ([]refs.Row, error) {
	if obj.GetKind() != "Deployment" {
		return nil, nil
	}
	return []refs.Row{
		{Direction: refs.Uses, Object: refs.Object{Kind: "ConfigMap", Namespace: "team-a", Name: "settings"}, Field: "spec.template.spec.volumes[0].configMap.name"},
		{Direction: refs.Uses, Object: refs.Object{Kind: "Secret", Namespace: "team-a", Name: "tls"}, Field: "spec.template.spec.containers[0].envFrom[0].secretRef.name", Status: refs.Missing},
		{Direction: refs.UsedBy, Object: refs.Object{Kind: "Pod", Namespace: "team-a", Name: "web-0"}, Field: "metadata.ownerReferences[0]"},
	}, errors.New("cannot list gadgets.example.com: forbidden")
}

// Explain knows no key of a map (a ConfigMap's data.color), as explain's
// walk says.
func (f *fakeBackend) Explain(_ context.Context, gvk schema.GroupVersionKind, path string) (string, error) {
	if strings.Contains(path, "color") {
		return "", errors.New(`field "color" does not exist`)
	}
	return "KIND:       " + gvk.Kind + "\nVERSION:    " + gvk.Version + "\n\nFIELD: " + path + "\n\nDESCRIPTION:\n    The fake schema of " + path + ".\n", nil
}

func (f *fakeBackend) AllTypes(_ context.Context, allNamespaces bool) ([]discovery.Target, error) {
	return query.SelectTypes(f.snap, query.AllTypes{ClusterScoped: allNamespaces}), nil
}

// Grep searches the objects of the rows with search's sink, as kdx grep
// does, one type after the other; with f.release set, it waits for a
// receive from it before each type but the first (or for ctx's end).
func (f *fakeBackend) Grep(ctx context.Context, m *search.Matcher, targets []discovery.Target, ns string, match func(GrepMatch), done func(int)) error {
	for i, t := range targets {
		if i > 0 && f.release != nil {
			select {
			case <-f.release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		page := &unstructured.UnstructuredList{}
		for _, c := range f.rows[t.QualifiedName()] {
			if ns != "" && c.Namespace != ns {
				continue
			}
			if obj, err := f.Get(ctx, t, c.Namespace, c.Name); err == nil {
				page.Items = append(page.Items, *obj)
			}
		}
		s := &search.Sink{Matcher: m, Match: func(item *unstructured.Unstructured, secret bool, sm search.Match) {
			match(GrepMatch{Target: i, Object: item, Match: sm, Secret: secret})
		}}
		if err := s.Page(page); err != nil {
			return err
		}
		done(i)
	}
	return nil
}

func startAt(t *testing.T, opts Options, w, h int) (*App, *fakeBackend) {
	t.Helper()
	f := newFake()
	a := start(t, f, opts, w, h)
	a.now = func() time.Time { return clock }
	return a, f
}

// TestTreeJump: t on a Deployment's row draws what it owns, as kdx tree
// does; enter on the Pod opens it; esc comes back to the tree, then the
// table, on the row.
func TestTreeJump(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"deploy"}}, 100, 10)
	press(t, a, "t")
	goldenScreen(t, "deployment-tree", a)
	press(t, a, "down", "enter")
	if s := screen(a); !strings.Contains(s, "| pod/web-0 -n team-a\n") || !strings.Contains(s, "kind: Pod") {
		t.Fatalf("enter did not open the pod:\n%s", s)
	}
	press(t, a, "esc")
	if s := screen(a); !regexp.MustCompile(`tree deployment.apps/web -n team-a\n(.*\n){2}team-a +└─pod/web-0 .*<- cursor`).MatchString(s) {
		t.Errorf("esc did not come back to the tree, on the pod:\n%s", s)
	}
	press(t, a, "esc")
	if s := screen(a); !regexp.MustCompile(`deploy: 1`).MatchString(s) || !strings.Contains(s, "<- cursor") {
		t.Errorf("esc did not go back to the table:\n%s", s)
	}
}

func TestOwners(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"pods"}}, 100, 10)
	press(t, a, "enter", "T") // from the pod's YAML
	goldenScreen(t, "pod-owners", a)
	press(t, a, "down", "down") // the missing ReplicaSet names nothing to open: the cursor stays
	if s := screen(a); !regexp.MustCompile(`deployment.apps/web .*<- cursor`).MatchString(s) {
		t.Errorf("the cursor left the deployment for a missing owner:\n%s", s)
	}
}

func TestRefs(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"deploy"}}, 110, 10)
	press(t, a, "r")
	goldenScreen(t, "deployment-refs", a)
	press(t, a, "enter")
	if s := screen(a); !strings.Contains(s, "configmap/settings -n team-a") || !strings.Contains(s, "color: blue") {
		t.Errorf("enter on the config map used did not open it:\n%s", s)
	}
}

func TestEvents(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"deploy"}}, 100, 8)
	press(t, a, "E")
	goldenScreen(t, "deployment-events", a)
}

// TestExplainField: i on a line of the YAML explains its field; a map's
// key, which the schema does not name, explains the map.
func TestExplainField(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a", Open: []string{"deploy"}}, 80, 12)
	press(t, a, "enter", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down")
	goldenScreen(t, "deployment-yaml-cursor", a)
	press(t, a, "i")
	goldenScreen(t, "explain-field", a)
	press(t, a, "esc", ":", "cm", "enter", "enter", "G", "up", "up", "up", "up", "up", "i") // data.color
	if s := screen(a); !strings.Contains(s, "explain configmaps data\n") || !strings.Contains(s, "FIELD: data\n") {
		t.Errorf("a key of a map did not explain the map:\n%s", s)
	}
}

func TestExplainType(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 80, 10)
	press(t, a, "i") // configmaps, on home
	if s := screen(a); !strings.Contains(s, "explain configmaps\n") || !strings.Contains(s, "KIND:       ConfigMap") {
		t.Errorf("i on home did not explain the type:\n%s", s)
	}
}

// TestHistory: every view opened is a location; esc and [ go back, ]
// forward, - to the location shown before; opening a view after going
// back ends the watches of the tables left ahead.
func TestHistory(t *testing.T) {
	a, f := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 100, 10)
	title := func() string { return strings.SplitN(screen(a), "\n", 2)[0] }
	press(t, a, ":", "cm", "enter")
	<-f.watched
	cms := a.table()
	press(t, a, "enter") // kube-root-ca.crt's YAML
	if !strings.Contains(title(), "configmap/kube-root-ca.crt") {
		t.Fatalf("no YAML: %s", title())
	}
	press(t, a, "[")
	if !strings.Contains(title(), "cm: 2") {
		t.Errorf("[ did not go back to the table: %s", title())
	}
	press(t, a, "[")
	if !strings.Contains(title(), "api-resources: 7") {
		t.Errorf("[ did not go back home: %s", title())
	}
	press(t, a, "]", "]")
	if !strings.Contains(title(), "configmap/kube-root-ca.crt") {
		t.Errorf("] ] did not come back to the YAML: %s", title())
	}
	press(t, a, "-")
	if !strings.Contains(title(), "cm: 2") {
		t.Errorf("- did not go to the table shown before: %s", title())
	}
	press(t, a, "-")
	if !strings.Contains(title(), "configmap/kube-root-ca.crt") {
		t.Errorf("- again did not come back: %s", title())
	}
	press(t, a, "esc", "esc", ":", "secrets", "enter")
	<-f.watched
	select {
	case <-cmsDone(cms):
	case <-time.After(5 * time.Second):
		t.Errorf("the config maps' watch goes on after a view opened from home dropped it")
	}
	press(t, a, "]")
	if !strings.Contains(title(), "secrets: 1") {
		t.Errorf("] went past the newest location: %s", title())
	}
}

// cmsDone is closed when t's watch ends.
func cmsDone(t *tableView) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for {
			t.mb.mu.Lock()
			d := t.mb.done
			t.mb.mu.Unlock()
			if d {
				close(done)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return done
}

func TestAllTypes(t *testing.T) {
	a, f := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 100, 16)
	press(t, a, ":", "all-types", "enter")
	if got := <-f.watched; got != `configmaps, pods, secrets and 2 more in "team-a"` {
		t.Errorf("watched %s", got)
	}
	goldenScreen(t, "all-types", a)
}

// TestGrepMatchOpened: :grep searches every type; each match says its
// field path; a Secret's value is not shown; enter opens the YAML with
// the cursor on the field.
func TestGrepMatchOpened(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 100, 10)
	press(t, a, ":", "grep (nginx|hunter)", "enter")
	goldenScreen(t, "grep", a)
	press(t, a, "enter")
	goldenScreen(t, "grep-opened", a)
	press(t, a, "esc", "down", "enter")
	if s := screen(a); !strings.Contains(s, "secret/token -n team-a (values hidden)") || !regexp.MustCompile(`password: '\*\*\*'  <- cursor`).MatchString(s) {
		t.Errorf("the Secret's match did not open its YAML, values hidden, at the field:\n%s", s)
	}
	press(t, a, ":", "grep", "enter")
	if s := screen(a); !strings.Contains(s, "grep needs a PATTERN") {
		t.Errorf("grep without a pattern:\n%s", s)
	}
	press(t, a, ":", "grep nothing-matches cm", "enter")
	if s := screen(a); !strings.Contains(s, "grep nothing-matches in cm: 0 matches in 0 objects") || !strings.Contains(s, "No match.") {
		t.Errorf("a search of one type without a match:\n%s", s)
	}
}

func TestYAMLPaths(t *testing.T) {
	doc := `metadata:
  labels:
    app.kubernetes.io/name: web
spec:
  containers:
  - args:
    - --port
    image: nginx
  script: |
    one
    two
`
	want := []string{"metadata", "metadata.labels", `metadata.labels["app.kubernetes.io/name"]`, "spec", "spec.containers",
		"spec.containers[0].args", "spec.containers[0].args[0]", "spec.containers[0].image", "spec.script", "spec.script", "spec.script"}
	got := yamlPaths([]byte(doc), strings.Count(doc, "\n"))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHistoryBounded: the history keeps the newest locations, home first.
func TestHistoryBounded(t *testing.T) {
	a, _ := startAt(t, Options{Context: "kind-a", Namespace: "team-a"}, 100, 10)
	for range 3 * maxHistory {
		a.show(&textPage{title: "p"})
	}
	if n := len(a.hist.entries); n != maxHistory || a.hist.at != n-1 || a.hist.entries[0].overlay != nil {
		t.Errorf("%d locations, at %d, home %+v", n, a.hist.at, a.hist.entries[0])
	}
	for range maxHistory {
		press(t, a, "[")
	}
	if s := screen(a); !strings.Contains(s, "api-resources: 7") {
		t.Errorf("[ did not reach home:\n%s", s)
	}
}
