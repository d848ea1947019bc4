package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
)

func TestHome(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a"}, 100, 14)
	goldenScreen(t, "home-100x14", a)
}

func TestHomeSmall(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a"}, 80, 6)
	press(t, a, "down", "down")
	goldenScreen(t, "home-80x6-scrolled", a)
}

func TestHomeEnterOpensTheType(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a"}, 100, 10)
	press(t, a, "enter") // configmaps, the first resource
	if got := <-f.watched; got != `configmaps in "team-a"` {
		t.Errorf("watched %s", got)
	}
	goldenScreen(t, "configmaps-team-a", a)
	press(t, a, "esc")
	if !strings.Contains(screen(a), "api-resources: 7") {
		t.Errorf("esc did not go back home:\n%s", screen(a))
	}
}

func TestAllNamespaces(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a", AllNamespaces: true, Open: []string{"cm"}}, 100, 10)
	if got := <-f.watched; got != `configmaps in ""` {
		t.Errorf("watched %s", got)
	}
	goldenScreen(t, "configmaps-all-namespaces", a)
}

func TestPaletteCategory(t *testing.T) {
	f := newFake()
	a := start(t, f, Options{Context: "kind-a", Namespace: "team-a"}, 100, 12)
	press(t, a, ":", "al")
	if s := screen(a); !strings.Contains(s, ":al_   all") {
		t.Errorf("the palette does not show what is typed:\n%s", s)
	}
	press(t, a, "l", "enter")
	if got := <-f.watched; got != `pods, deployments.apps in "team-a"` {
		t.Errorf("watched %s", got)
	}
	goldenScreen(t, "all-team-a", a)
}

func TestPaletteCompletes(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a"}, 100, 12)
	press(t, a, ":", "gadg")
	if s := screen(a); !strings.Contains(s, ":gadg_   gadgets.example.com") {
		t.Errorf("no suggestion:\n%s", s)
	}
	press(t, a, "tab")
	if s := screen(a); !strings.Contains(s, ":gadgets.example.com_") {
		t.Errorf("tab did not complete:\n%s", s)
	}
}

func TestPaletteUnknownType(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a"}, 100, 8)
	press(t, a, ":", "nosuch", "enter")
	goldenScreen(t, "unknown-type", a)
}

func TestFilter(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a", AllNamespaces: true, Open: []string{"configmaps"}}, 100, 10)
	press(t, a, "/", "TEAM-B")
	goldenScreen(t, "filter-typed", a)
	press(t, a, "enter")
	if s := screen(a); !strings.Contains(s, "filter: /TEAM-B") || strings.Contains(s, "settings") {
		t.Errorf("the filter is not kept:\n%s", s)
	}
	press(t, a, "/", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "set.*s", "enter")
	if s := screen(a); !strings.Contains(s, "settings") || strings.Contains(s, "kube-root") {
		t.Errorf("the regexp filter:\n%s", s)
	}
	press(t, a, "esc")
	if s := screen(a); strings.Contains(s, "filter:") || !strings.Contains(s, "kube-root") {
		t.Errorf("esc did not clear the filter:\n%s", s)
	}
}

func TestLiveRows(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 100, 10)
	id := a.table().id
	press(t, a, "down") // on settings
	a.Update(batchMsg{id: id, changes: []Change{
		cm("team-a", "added", 7, "0s"),
		{Type: watch.Deleted, Namespace: "team-a", Name: "kube-root-ca.crt"},
		cm("team-a", "settings", 3, "5m"),
	}})
	goldenScreen(t, "live-rows", a)
	a.Update(batchMsg{id: id, notices: nil, done: true})
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		a := start(t, newFake(), Options{Namespace: "team-a", Open: []string{"configmaps"}}, 100, 10)
		tbl := a.table()
		if !press(t, a, k) {
			t.Errorf("%s did not quit", k)
		}
		select {
		case <-tbl.mb.signal:
		default:
		}
		if len(a.tables) != 0 {
			t.Errorf("%s left %d tables open", k, len(a.tables))
		}
	}
}

func TestHelp(t *testing.T) {
	a := start(t, newFake(), Options{Namespace: "team-a"}, 100, 14)
	press(t, a, "?")
	goldenScreen(t, "help", a)
	press(t, a, "x")
	if strings.Contains(screen(a), "Keys (") {
		t.Errorf("a key did not close the help")
	}
}

// TestHelpScrolls: the key table is longer than the screen; pgdown shows
// its last lines, and a key that does not scroll closes it.
func TestHelpScrolls(t *testing.T) {
	a := start(t, newFake(), Options{Namespace: "team-a"}, 80, 24)
	press(t, a, "?")
	if strings.Contains(screen(a), "q, ctrl+c") {
		t.Fatalf("the whole key table fits: this test needs a longer one")
	}
	press(t, a, "pgdown", "pgdown", "pgdown")
	goldenScreen(t, "help-scrolled", a)
	if !strings.Contains(screen(a), "q, ctrl+c") {
		t.Errorf("the last key is not reachable")
	}
	press(t, a, "up")
	if !strings.Contains(screen(a), "open a type") {
		t.Errorf("up closed the help")
	}
	press(t, a, "x")
	if strings.Contains(screen(a), "q, ctrl+c") {
		t.Errorf("a key did not close the help")
	}
}

func TestScrollSideways(t *testing.T) {
	a := start(t, newFake(), Options{Namespace: "team-a"}, 40, 6)
	press(t, a, "l", "l")
	goldenScreen(t, "home-40x6-right", a)
	press(t, a, "h", "h")
	if !strings.HasPrefix(strings.Split(screen(a), "\n")[1], "NAME ") {
		t.Errorf("h did not scroll back:\n%s", screen(a))
	}
}

func TestAgesGoOn(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := start(t, newFake(), Options{Namespace: "team-a", Open: []string{"configmaps"}}, 80, 8)
	a.now = func() time.Time { return now }
	old := cm("team-a", "old", 1, "90m")
	old.Created = now.Add(-90 * time.Minute)
	other := cm("team-a", "other", 1, "3d") // an Age column of another date
	other.Created = now.Add(-90 * time.Minute)
	a.Update(batchMsg{id: a.table().id, changes: []Change{old, other}})
	now = now.Add(30 * time.Minute)
	s := screen(a)
	if !strings.Contains(s, "\nold                1      120m\n") {
		t.Errorf("the age of a row read 30 minutes ago at 90m:\n%s", s)
	}
	if !strings.Contains(s, "\nother              1      3d\n") {
		t.Errorf("an Age cell that is not the age of the creation changed:\n%s", s)
	}
}

func TestObjectYAML(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 80, 14)
	press(t, a, "down", "enter")
	goldenScreen(t, "configmap-yaml", a)
	press(t, a, "esc")
	if s := screen(a); !strings.Contains(s, "configmaps: 2") || !regexp.MustCompile(`\nsettings +2 +5m  <- cursor`).MatchString(s) {
		t.Errorf("esc did not go back to the table, on the row:\n%s", s)
	}
}

func TestSecretValuesHidden(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a", Open: []string{"secrets"}}, 80, 12)
	press(t, a, "enter")
	goldenScreen(t, "secret-yaml-hidden", a)
	if s := screen(a); strings.Contains(s, "aHVudGVyMg==") {
		t.Errorf("a Secret's value is on screen:\n%s", s)
	}
	press(t, a, "x")
	if s := screen(a); !strings.Contains(s, "password: aHVudGVyMg==") || strings.Contains(s, "values hidden") {
		t.Errorf("x did not show the values:\n%s", s)
	}
	press(t, a, "x")
	if s := screen(a); strings.Contains(s, "aHVudGVyMg==") {
		t.Errorf("x again did not hide the values:\n%s", s)
	}
}

func TestFiltersShown(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a", LabelSelector: "app=web", Where: []string{"object.data.a == '1'"}, Open: []string{"cm"}}, 100, 6)
	goldenScreen(t, "filters-shown", a)
}

func TestDescribe(t *testing.T) {
	a := start(t, newFake(), Options{Context: "kind-a", Namespace: "team-a", Open: []string{"configmaps"}}, 80, 20)
	a.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	press(t, a, "down", "d")
	goldenScreen(t, "configmap-describe", a)
	press(t, a, "y")
	if s := screen(a); !strings.Contains(s, "apiVersion: v1") {
		t.Errorf("y did not show the YAML:\n%s", s)
	}
	press(t, a, "d")
	if s := screen(a); !strings.Contains(s, "describe configmap/settings") {
		t.Errorf("d did not show the description again:\n%s", s)
	}
}

func TestSort(t *testing.T) {
	a := start(t, newFake(), Options{Namespace: "team-a", AllNamespaces: true, Open: []string{"configmaps"}}, 100, 8)
	press(t, a, "o", "o") // NAME, then DATA
	goldenScreen(t, "sort-data", a)
	press(t, a, "O")
	if s := screen(a); !regexp.MustCompile(`DATA descending\n.*\nteam-a +settings +2`).MatchString(s) {
		t.Errorf("O did not reverse the sort:\n%s", s)
	}
	press(t, a, "o", "o") // AGE, then as listed
	if s := screen(a); strings.Contains(s, "sort:") || !regexp.MustCompile(`\nteam-a +kube-root-ca.crt +1 +9m  <- cursor\nteam-a +settings`).MatchString(s) {
		t.Errorf("after the last column, the rows are not as listed:\n%s", s)
	}
}

func TestUseNamespace(t *testing.T) {
	f := newFake()
	f.rows["namespaces"] = []Change{{Type: watch.Added, Name: "team-b", Columns: nameDataAge[:1], Cells: []any{"team-b"}}}
	a := start(t, f, Options{Namespace: "team-a", AllNamespaces: true, Open: []string{"ns"}}, 100, 8)
	<-f.watched
	press(t, a, "u", "esc", ":", "cm", "enter")
	if got := <-f.watched; got != `configmaps in "team-b"` {
		t.Errorf("after u on team-b, watched %s", got)
	}
	if s := screen(a); !strings.Contains(s, "namespace: team-b") || strings.Contains(s, "NAMESPACE") {
		t.Errorf("the namespace used is not said, or the table still shows every namespace:\n%s", s)
	}
}

// brokenBackend answers a snapshot of nothing without an error.
type brokenBackend struct{ *fakeBackend }

func (brokenBackend) Snapshot(context.Context) (*discovery.Snapshot, error) { return nil, nil }

func TestPanicIsAStatusLine(t *testing.T) {
	a := start(t, brokenBackend{newFake()}, Options{Namespace: "team-a"}, 160, 6)
	s := screen(a)
	if !strings.Contains(s, "internal error: runtime error: invalid memory address or nil pointer dereference (please report this as a kdx bug)") {
		t.Errorf("the panic is not on the status line:\n%s", s)
	}
}
