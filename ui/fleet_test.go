package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// downBackend is a cluster that cannot be reached.
type downBackend struct{ *fakeBackend }

var errRefused = errors.New(`Get "https://127.0.0.1:1/api": dial tcp 127.0.0.1:1: connect: connection refused`)

func (downBackend) Snapshot(context.Context) (*discovery.Snapshot, error) { return nil, errRefused }
func (downBackend) Resolve(context.Context, []string) ([]discovery.Target, error) {
	return nil, errRefused
}

// lostBackend resolves (from its cache) but its watch cannot reach it.
type lostBackend struct{ *fakeBackend }

func (lostBackend) Watch(ctx context.Context, targets []discovery.Target, _ string, h WatchHandlers) error {
	h.Notice(dynamicclient.Notice{Kind: dynamicclient.NoticeDisconnected, Resource: targets[0].QualifiedName(), Err: errRefused})
	<-ctx.Done()
	return nil
}

// fleetOf is the fakes of contexts a and b (b with its own config maps)
// and the backends of the fleet a, b, and down.
func fleetOf() (fa, fb *fakeBackend, backends map[string]Backend) {
	fa, fb = newFake(), newFake()
	fb.rows["configmaps"] = []Change{cm("team-a", "only-in-b", 1, "2m"), cm("team-b", "elsewhere", 4, "1m")}
	return fa, fb, map[string]Backend{"a": fa, "b": fb, "c-down": downBackend{newFake()}, "d-lost": lostBackend{newFake()}}
}

func startFleet(t *testing.T, backends map[string]Backend, inUse []string, all []KubeContext, opts Options, w, h int) *App {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a := New(ctx, nil, opts)
	connect := func(name string) (Backend, error) {
		if b, ok := backends[name]; ok {
			return b, nil
		}
		return nil, errors.New("context " + name + ": no such fake")
	}
	if err := a.SetContexts(inUse, all, connect); err != nil {
		t.Fatal(err)
	}
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drive(t, a, a.Init())
	return a
}

func TestFleetTable(t *testing.T) {
	fa, fb, backends := fleetOf()
	a := startFleet(t, backends, []string{"a", "b", "c-down"}, nil, Options{Namespace: "team-a", Open: []string{"cm"}}, 100, 10)
	if got, got2 := <-fa.watched, <-fb.watched; got != `configmaps in "team-a"` || got2 != got {
		t.Errorf("watched %s and %s", got, got2)
	}
	goldenScreen(t, "fleet-configmaps", a)
	// home is a's API surface
	press(t, a, "esc")
	if s := screen(a); !strings.Contains(s, "| api-resources of a: 7") {
		t.Errorf("home does not say whose API surface it is:\n%s", s)
	}
}

func TestFleetAllNamespacesAndALostWatch(t *testing.T) {
	_, _, backends := fleetOf()
	a := startFleet(t, backends, []string{"a", "b", "d-lost"}, nil, Options{Namespace: "team-a", AllNamespaces: true, Open: []string{"cm"}}, 100, 10)
	goldenScreen(t, "fleet-configmaps-all-namespaces", a)
	if tbl := a.table(); !tbl.synced {
		t.Errorf("a fleet's table waits for a cluster that is down")
	}
}

func TestFleetActionsGoToTheRowsContext(t *testing.T) {
	fa, fb, backends := fleetOf()
	a := startFleet(t, backends, []string{"a", "b"}, nil, Options{Namespace: "team-a", Open: []string{"cm"}}, 100, 14)
	press(t, a, "down", "down", "ctrl+d") // b's only-in-b
	goldenScreen(t, "fleet-delete-dialog", a)
	press(t, a, "y")
	if len(fa.acts.done) != 0 || strings.Join(fb.acts.done, ";") != "delete configmaps team-a/only-in-b" {
		t.Errorf("done in a %q, in b %q", fa.acts.done, fb.acts.done)
	}
	if got := footer(a); got != `configmap "only-in-b" deleted from team-a namespace (context b)` {
		t.Errorf("status %q", got)
	}
	// the YAML of b's row is read in b, and written there
	press(t, a, "enter")
	if a.object == nil || a.object.context != "b" {
		t.Fatalf("the object view of b's row: %+v", a.object)
	}
	if s := screen(a); !strings.Contains(s, "| configmap/only-in-b -n team-a --context b\n") {
		t.Errorf("the title does not name the object's context:\n%s", s)
	}
	press(t, a, "ctrl+d", "y")
	if len(fa.acts.done) != 0 || len(fb.acts.done) != 2 {
		t.Errorf("done in a %q, in b %q", fa.acts.done, fb.acts.done)
	}
}

func TestContextsList(t *testing.T) {
	fa, fb, backends := fleetOf()
	kubeconfig := []KubeContext{{Name: "a", Cluster: "kind-a", User: "admin-a", Namespace: "team-a"},
		{Name: "b", Cluster: "kind-b", User: "admin-b", Current: true}, {Name: "c-down", Cluster: "gone", User: "admin-a", Namespace: "kube-system"}}
	a := startFleet(t, backends, []string{"a"}, kubeconfig, Options{Namespace: "team-a"}, 80, 8)
	press(t, a, ":", "ctx", "enter")
	goldenScreen(t, "contexts", a)
	press(t, a, "down", "enter") // b
	if s := screen(a); !strings.Contains(s, "context: b | namespace: team-a | api-resources: 7") || strings.Contains(s, "CONTEXT") {
		t.Errorf("enter on b did not switch to b's home:\n%s", s)
	}
	// what is read of a before the switch comes too late: dropped
	a.Update(snapshotMsg{snap: discovery.NewSnapshot(nil, nil, nil)})
	a.Update(countsMsg{snap: discovery.NewSnapshot(nil, nil, nil)})
	if s := screen(a); !strings.Contains(s, "api-resources: 7") || !strings.Contains(s, "configmaps ") {
		t.Errorf("a snapshot read before the switch replaced b's:\n%s", s)
	}
	press(t, a, ":", "cm", "enter")
	if got := <-fb.watched; got != `configmaps in "team-a"` {
		t.Errorf("watched %s", got)
	}
	// a fleet: space marks, enter switches to those marked
	press(t, a, ":", "ctx", "enter", "up", "space", "down", "space", "enter")
	if s := screen(a); !strings.Contains(s, "context: a, b |") {
		t.Errorf("the marked contexts are not in use:\n%s", s)
	}
	press(t, a, ":", "ctx", "enter")
	if s := screen(a); !strings.Contains(s, "\n*  a        kind-a ") || !strings.Contains(s, "\n*  b(*)     kind-b ") || !strings.Contains(s, "\n   c-down   gone ") {
		t.Errorf(":ctx does not mark the fleet in use:\n%s", s)
	}
	press(t, a, "esc")
	press(t, a, ":", "cm", "enter")
	select {
	case <-fa.watched:
	case <-time.After(5 * time.Second):
		t.Fatalf("a is not watched:\n%s", screen(a))
	}
	if s := screen(a); !strings.Contains(s, "CONTEXT") || !strings.Contains(s, "only-in-b") {
		t.Errorf("no fleet table:\n%s", s)
	}
	// :ctx NAME, and a name the kubeconfig lacks
	press(t, a, ":", "ctx nosuch", "enter")
	if got := footer(a); got != `context "nosuch" not found in kubeconfig` {
		t.Errorf("status %q", got)
	}
	press(t, a, ":", "ctx c-down", "enter")
	if got := footer(a); !strings.Contains(got, "discovery: Get \"https://127.0.0.1:1/api\"") {
		t.Errorf("a context down: status %q", got)
	}
}
