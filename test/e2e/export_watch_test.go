package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestExportWatchFollowsTheCluster exports ConfigMaps and gadgets into a
// git tree with --watch --commit, changes objects while it runs and while
// the API server is down (through a second API server on the same etcd),
// and checks that the tree then equals a fresh export (kdx diff --dir
// shows nothing) and that each batch of changes is a commit naming them.
func TestExportWatchFollowsTheCluster(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	obj := newObjects(t, env.Config, ns)
	for _, name := range []string{"keep", "change", "remove"} {
		obj.create(configMapsGVR, name)
		obj.create(gadgetsGVR, name)
	}
	tree := t.TempDir()
	git := testenv.GitRepo(t, tree)

	p := startKdx(t, env, env.Kubeconfig, "export", "configmaps,gadgets", "-n", ns, "--dir", tree, "--watch", "--commit")
	waitStderr(t, p, "Watching 2 types")
	file := func(kind, name string) string {
		group := "core"
		if kind == "Gadget" {
			group = "multi.example.org"
		}
		return filepath.Join(ns, group, kind, name+".yaml")
	}
	obj.modify(configMapsGVR, "change")
	obj.delete(gadgetsGVR, "remove")
	waitLines(t, p, "wrote "+file("ConfigMap", "change"), "removed "+file("Gadget", "remove"))

	whileAPIServerDown(t, env, func(extra *rest.Config) {
		down := newObjects(t, extra, ns)
		down.create(configMapsGVR, "new")
		down.modify(gadgetsGVR, "change")
		down.delete(configMapsGVR, "remove")
	})
	waitLines(t, p, "wrote "+file("ConfigMap", "new"), "wrote "+file("Gadget", "change"), "removed "+file("ConfigMap", "remove"))
	p.interrupt(t)

	if res := env.Kdx(t, "diff", "configmaps,gadgets", "-n", ns, "--dir", tree); res.ExitCode != 0 || res.Stdout != "" {
		t.Errorf("the tree differs from a fresh export: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	log := git("log", "--format=%s")
	if !strings.Contains(log, "kdx export: 6 objects") || !strings.Contains(git("log", "--format=%B"), "removed "+file("ConfigMap", "remove")) {
		t.Errorf("git log:\n%s", log)
	}
	if n := strings.Count(strings.TrimSpace(log), "\n") + 1; n < 3 {
		t.Errorf("%d commits, want the export's and at least two batches:\n%s", n, log)
	}
	if status := git("status", "--porcelain"); status != "" {
		t.Errorf("uncommitted changes:\n%s", status)
	}
	if strings.Contains(p.output(), "wrote "+file("ConfigMap", "keep")) {
		t.Errorf("an unchanged object was written again:\n%s", p.output())
	}
}

// waitStderr waits until p's stderr contains s.
func waitStderr(t *testing.T, p *watchProc, s string) {
	t.Helper()
	for deadline := time.Now().Add(watchTimeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(p.errText(), s) {
			return
		}
	}
	t.Fatalf("stderr has no %q:\n%s", s, p.errText())
}

// waitLines waits until p printed every one of lines, in any order.
func waitLines(t *testing.T, p *watchProc, lines ...string) {
	t.Helper()
	pending := map[string]bool{}
	for _, l := range lines {
		pending[l] = true
	}
	p.waitFor(t, strings.Join(lines, ", "), func(l string) bool {
		delete(pending, l)
		return len(pending) == 0
	})
}
