package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/golden"
)

const rw = "get,list,watch,create,delete"

func apiGroup(name, version string) metav1.APIGroup {
	gv := metav1.GroupVersionForDiscovery{GroupVersion: version, Version: version}
	if name != "" {
		gv.GroupVersion = name + "/" + version
	}
	return metav1.APIGroup{Name: name, Versions: []metav1.GroupVersionForDiscovery{gv}, PreferredVersion: gv}
}

// res is "name Kind ns|cluster verbs [short] [categories]".
func res(spec string) metav1.APIResource {
	f := strings.Fields(spec)
	r := metav1.APIResource{Name: f[0], Kind: f[1], Namespaced: f[2] == "ns", Verbs: strings.Split(f[3], ",")}
	if len(f) > 4 && f[4] != "-" {
		r.ShortNames = strings.Split(f[4], ",")
	}
	if len(f) > 5 {
		r.Categories = strings.Split(f[5], ",")
	}
	return r
}

func fakeSnapshot() *discovery.Snapshot {
	groups := []metav1.APIGroup{apiGroup("", "v1"), apiGroup("apps", "v1"), apiGroup("example.com", "v1")}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			res("configmaps ConfigMap ns " + rw + " cm"),
			res("namespaces Namespace cluster " + rw + " ns"),
			res("pods Pod ns " + rw + " po all"),
			res("bindings Binding ns create"),
			res("secrets Secret ns " + rw),
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			res("deployments Deployment ns " + rw + " deploy all"),
			res("deployments/scale Scale ns get,patch,update"),
		}},
		{GroupVersion: "example.com/v1", APIResources: []metav1.APIResource{
			res("gadgets Gadget ns " + rw + " gd"),
		}},
	}
	return discovery.NewSnapshot(groups, lists, []discovery.Failure{{GroupVersion: "metrics.k8s.io/v1beta1", Reason: "the server is currently unable to handle the request"}})
}

var (
	nameDataAge = []metav1.TableColumnDefinition{{Name: "Name", Type: "string", Format: "name"}, {Name: "Data", Type: "integer"}, {Name: "Age", Type: "string"}}
	podColumns  = []metav1.TableColumnDefinition{{Name: "Name", Type: "string", Format: "name"}, {Name: "Ready", Type: "string"},
		{Name: "Status", Type: "string"}, {Name: "IP", Type: "string", Priority: 1}, {Name: "Age", Type: "string"}}
)

// fakeBackend serves a fixed snapshot, counts and rows.
type fakeBackend struct {
	snap    *discovery.Snapshot
	counts  map[string]int64
	rows    map[string][]Change // by qualified name, Target unset
	watched chan string         // "<types> in <namespace>" of each watch started
	acts    fakeActions         // actions_test.go
	release chan struct{}       // related_test.go's Grep waits for it between types
}

func newFake() *fakeBackend {
	return &fakeBackend{snap: fakeSnapshot(), counts: map[string]int64{"configmaps": 3, "pods": 2, "namespaces": 4}, rows: map[string][]Change{
		"configmaps": {
			cm("team-a", "settings", 2, "5m"), cm("team-a", "kube-root-ca.crt", 1, "9m"), cm("team-b", "kube-root-ca.crt", 1, "9m"),
		},
		"deployments.apps": {{Type: watch.Added, Namespace: "team-a", Name: "web", Columns: []metav1.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name"}, {Name: "Ready", Type: "string"}, {Name: "Up-to-date", Type: "integer"}, {Name: "Age", Type: "string"}},
			Cells: []any{"web", "1/1", int64(1), "3m"}}},
		"secrets": {{Type: watch.Added, Namespace: "team-a", Name: "token", Columns: []metav1.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name"}, {Name: "Type", Type: "string"}, {Name: "Data", Type: "string"}, {Name: "Age", Type: "string"}},
			Cells: []any{"token", "Opaque", int64(1), "1m"}}},
		"pods": {{Type: watch.Added, Namespace: "team-a", Name: "web-0", Columns: podColumns, Cells: []any{"web-0", "1/1", "Running", "10.0.0.7", "2m"}}},
	}, watched: make(chan string, 10)}
}

func cm(ns, name string, data int64, age string) Change {
	return Change{Type: watch.Added, Namespace: ns, Name: name, Columns: nameDataAge, Cells: []any{name, data, age}}
}

func (f *fakeBackend) Snapshot(context.Context) (*discovery.Snapshot, error) { return f.snap, nil }

func (f *fakeBackend) Count(_ context.Context, rs []discovery.APIResource, ns string) ([]discovery.Count, error) {
	out := make([]discovery.Count, len(rs))
	for i, r := range rs {
		out[i] = discovery.Count{N: f.counts[r.QualifiedName()], Listable: r.Supports("list")}
	}
	return out, nil
}

func (f *fakeBackend) Resolve(ctx context.Context, args []string) ([]discovery.Target, error) {
	return discovery.NewResolver(f.snap, nil).ResolveArgs(ctx, args)
}

func (f *fakeBackend) Get(_ context.Context, t discovery.Target, ns, name string) (*unstructured.Unstructured, error) {
	if o := fakeObject(t.GVK.Kind, ns, name); o != nil {
		return o, nil // related_test.go's
	}
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": t.GVK.GroupVersion().String(), "kind": t.GVK.Kind,
		"metadata": map[string]any{"name": name, "namespace": ns, "uid": "u-1",
			"managedFields": []any{map[string]any{"manager": "kubectl", "operation": "Update"}}},
	}}
	switch t.GVK.Kind {
	case "Secret":
		obj.Object["data"] = map[string]any{"password": "aHVudGVyMg=="}
		obj.Object["type"] = "Opaque"
	case "ConfigMap":
		obj.Object["data"] = map[string]any{"color": "blue"}
	default:
		return nil, fmt.Errorf("%s %q not found", t.QualifiedName(), name)
	}
	return obj, nil
}

func (f *fakeBackend) Describe(_ context.Context, obj *unstructured.Unstructured) (describe.Description, error) {
	return describe.Description{Object: obj, ShowEvents: true}, nil
}

func (f *fakeBackend) Watch(ctx context.Context, targets []discovery.Target, ns string, h WatchHandlers) error {
	f.watched <- fmt.Sprintf("%s in %q", targetsName(targets), ns)
	for i, t := range targets {
		for _, c := range f.rows[t.QualifiedName()] {
			if ns == "" || c.Namespace == ns {
				c.Target = i
				h.Change(c)
			}
		}
	}
	h.Synced()
	<-ctx.Done()
	return nil
}

// drivers are the drivers of the apps of the tests.
var drivers = map[*App]*driver{}

// driver runs an app's commands as Bubble Tea would: each on its own
// goroutine, their messages handed to Update one at a time. A command that
// waits (a watch's next batch, a warning) keeps waiting, and its message
// is handled whenever it comes, on a later drive.
type driver struct {
	msgs chan tea.Msg
}

// drive runs cmd and handles the messages that come until the app is idle:
// no message for a moment and every table listed.
func drive(t *testing.T, a *App, cmd tea.Cmd) (quit bool) {
	t.Helper()
	return driveUntil(t, a, cmd, a.idle)
}

// driveUntil is drive until done says so, instead of until idle.
func driveUntil(t *testing.T, a *App, cmd tea.Cmd, done func() bool) (quit bool) {
	t.Helper()
	d := drivers[a]
	if d == nil {
		d = &driver{msgs: make(chan tea.Msg, 1024)}
		drivers[a] = d
		t.Cleanup(func() { delete(drivers, a) })
	}
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c != nil {
			go func() { d.msgs <- c() }()
		}
	}
	run(cmd)
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case msg := <-d.msgs:
			switch m := msg.(type) {
			case tea.BatchMsg:
				for _, c := range m {
					run(c)
				}
			case tea.QuitMsg:
				quit = true
			case tickMsg: // no frames in tests
			default:
				_, next := a.Update(m)
				run(next)
			}
		case <-time.After(50 * time.Millisecond):
			if done() || time.Now().After(deadline) {
				return quit
			}
		}
	}
}

// idle says whether the type of Options.Open was opened, every table has
// shown its first list, a page shown is read, and home has its counts (or a
// failure is on the status line).
func (a *App) idle() bool {
	if a.act.running > 0 {
		return false
	}
	if len(a.opts.Open) > 0 && len(a.hist.entries) < 2 && a.status == "" {
		return false // the type to open is being resolved (home may be counted before)
	}
	for _, t := range a.tables {
		if !t.synced && t.err == nil {
			return false
		}
	}
	if p, ok := a.overlay.(*textPage); ok && p.waiting != "" {
		return false // a page is read
	}
	if a.search != nil && !a.search.ended {
		return false // a search runs
	}
	return a.snap != nil && a.home.counts != nil || a.status != ""
}

// press sends keys: names as tea.KeyPressMsg.String says them, or text.
func press(t *testing.T, a *App, keys ...string) (quit bool) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		case "ctrl+c":
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		case "ctrl+d":
			msg = tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		case "pgup":
			msg = tea.KeyPressMsg{Code: tea.KeyPgUp}
		default:
			for _, r := range k {
				_, cmd := a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				quit = drive(t, a, cmd) || quit
			}
			continue
		}
		if msg.String() != k {
			t.Fatalf("key %q reads as %q", k, msg.String())
		}
		_, cmd := a.Update(msg)
		quit = drive(t, a, cmd) || quit
	}
	return quit
}

func start(t *testing.T, b Backend, opts Options, w, h int) *App {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a := New(ctx, b, opts)
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drive(t, a, a.Init())
	return a
}

// screen is the screen as text, without styles and trailing spaces; the
// cursor's line ends in "<- cursor".
func screen(a *App) string {
	lines := strings.Split(a.Screen(), "\n")
	for i, l := range lines {
		cursor := i > 0 && strings.Contains(l, "\x1b[7m")
		lines[i] = strings.TrimRight(ansi.Strip(l), " ")
		if cursor {
			lines[i] += "  <- cursor"
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func goldenScreen(t *testing.T, name string, a *App) {
	t.Helper()
	got := screen(a)
	golden.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}
