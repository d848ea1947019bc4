package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/bench"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/testenv"
	"github.com/kdxproject/kdx/query"
)

// watchTimeout bounds how long a test waits for one expected event; a
// restarted apiserver is retried with the reflector's backoff.
const watchTimeout = 90 * time.Second

var (
	configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	gadgetsGVR    = schema.GroupVersionResource{Group: "multi.example.org", Version: "v1", Resource: "gadgets"}
)

// watchEvent is one line of `-o jsonl --output-watch-events`.
type watchEvent struct {
	Type   string                     `json:"type"`
	Object *unstructured.Unstructured `json:"object"`
}

func (e watchEvent) key() string {
	return fmt.Sprintf("%s %s/%s", e.Type, strings.ToLower(e.Object.GetKind()), e.Object.GetName())
}

// watchProc is a running `kdx watch` whose stdout is read line by line.
type watchProc struct {
	cmd   *exec.Cmd
	lines chan outputLine
	done  chan struct{}
	// mu guards stderr and all.
	mu     sync.Mutex
	stderr bytes.Buffer
	all    []string
}

// startKdx starts kdx with args against env, as env.Kdx would run it.
func startKdx(t *testing.T, env *testenv.Env, kubeconfig string, args ...string) *watchProc {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(testenv.KdxBinary(t), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	p := &watchProc{cmd: cmd, lines: make(chan outputLine, 10000), done: make(chan struct{})}
	cmd.Stderr = procStderr{p}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("failed to start kdx: %v", err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			p.mu.Lock()
			p.all = append(p.all, sc.Text())
			p.mu.Unlock()
			p.lines <- outputLine{text: sc.Text(), at: time.Now()}
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return p
}

// outputLine is a line of kdx's stdout and when it was read.
type outputLine struct {
	text string
	at   time.Time
}

type procStderr struct{ p *watchProc }

func (w procStderr) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.stderr.Write(b)
}

func (p *watchProc) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *watchProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.all, "\n")
}

// waitFor reads lines until want returns true for one, failing t after timeout.
func (p *watchProc) waitFor(t *testing.T, what string, want func(string) bool) {
	t.Helper()
	timer := time.NewTimer(watchTimeout)
	defer timer.Stop()
	for {
		select {
		case line := <-p.lines:
			if want(line.text) {
				return
			}
		case <-timer.C:
			t.Fatalf("timed out waiting for %s\nstdout:\n%s\nstderr:\n%s", what, p.output(), p.errText())
		}
	}
}

// events tracks the event lines of a watch.
type events struct {
	p    *watchProc
	seen []watchEvent
}

// waitEvents waits until every one of keys ("ADDED configmap/a") was seen.
func (e *events) waitEvents(t *testing.T, keys ...string) {
	t.Helper()
	for _, key := range keys {
		if e.has(key) {
			continue
		}
		e.p.waitFor(t, key, func(line string) bool {
			var ev watchEvent
			if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Object == nil {
				t.Fatalf("not an event line: %q (%v)", line, err)
			}
			e.seen = append(e.seen, ev)
			return ev.key() == key
		})
	}
}

func (e *events) has(key string) bool {
	for _, ev := range e.seen {
		if ev.key() == key {
			return true
		}
	}
	return false
}

// checkNoDuplicates fails t if an object's version was shown twice, or an
// event is out of place in its object's life (ADDED, MODIFIED..., DELETED).
func (e *events) checkNoDuplicates(t *testing.T) {
	t.Helper()
	versions := map[string]bool{}
	alive := map[string]bool{}
	for _, ev := range e.seen {
		id := strings.ToLower(ev.Object.GetKind()) + "/" + ev.Object.GetName()
		v := id + "@" + ev.Object.GetResourceVersion() + " " + ev.Type
		if versions[v] {
			t.Errorf("event shown twice: %s", v)
		}
		versions[v] = true
		switch ev.Type {
		case "ADDED":
			if alive[id] {
				t.Errorf("%s ADDED while it exists", id)
			}
			alive[id] = true
		case "MODIFIED", "DELETED":
			if !alive[id] {
				t.Errorf("%s %s without ADDED first", id, ev.Type)
			}
			alive[id] = ev.Type == "MODIFIED"
		}
	}
}

// objects writes configmaps and gadgets through a config.
type objects struct {
	t  *testing.T
	dc dynamic.Interface
	ns string
}

func newObjects(t *testing.T, cfg *rest.Config, ns string) *objects {
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &objects{t: t, dc: dc, ns: ns}
}

func (o *objects) resource(gvr schema.GroupVersionResource) dynamic.ResourceInterface {
	return o.dc.Resource(gvr).Namespace(o.ns)
}

func (o *objects) create(gvr schema.GroupVersionResource, name string) {
	o.t.Helper()
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": name}}}
	if gvr == configMapsGVR {
		u.SetAPIVersion("v1")
		u.SetKind("ConfigMap")
		u.Object["data"] = map[string]any{"v": "1"}
	} else {
		u.SetAPIVersion("multi.example.org/v1")
		u.SetKind("Gadget")
		u.Object["spec"] = map[string]any{"color": "red", "size": int64(1)}
	}
	if _, err := o.resource(gvr).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		o.t.Fatalf("failed to create %s %s: %v", gvr.Resource, name, err)
	}
}

func (o *objects) modify(gvr schema.GroupVersionResource, name string) {
	o.t.Helper()
	patch := []byte(`{"metadata":{"labels":{"changed":"yes"}}}`)
	if _, err := o.resource(gvr).Patch(context.Background(), name, "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
		o.t.Fatalf("failed to modify %s %s: %v", gvr.Resource, name, err)
	}
}

func (o *objects) delete(gvr schema.GroupVersionResource, name string) {
	o.t.Helper()
	if err := o.resource(gvr).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		o.t.Fatalf("failed to delete %s %s: %v", gvr.Resource, name, err)
	}
}

// interrupt sends SIGINT and returns the exit code once kdx exited.
func (p *watchProc) interrupt(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("kdx did not stop on SIGINT\nstderr:\n%s", p.errText())
	}
	_ = p.cmd.Wait()
	return p.cmd.ProcessState.ExitCode()
}

func TestWatchSingleKindBuiltIn(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	p := startKdx(t, env, env.Kubeconfig, "watch", "configmaps", "-n", ns, "-o", "jsonl", "--output-watch-events")
	ev := &events{p: p}
	ev.waitEvents(t, "ADDED configmap/kube-root-ca.crt")
	obj := newObjects(t, env.Config, ns)
	obj.create(configMapsGVR, "a")
	ev.waitEvents(t, "ADDED configmap/a")
	obj.modify(configMapsGVR, "a")
	ev.waitEvents(t, "MODIFIED configmap/a")
	obj.delete(configMapsGVR, "a")
	ev.waitEvents(t, "DELETED configmap/a")
	if code := p.interrupt(t); code != cli.InterruptedExitCode {
		t.Errorf("exit code after SIGINT = %d, want kubectl's %d", code, cli.InterruptedExitCode)
	}
	ev.checkNoDuplicates(t)
}

func TestWatchMultiKindWithGet(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	p := startKdx(t, env, env.Kubeconfig, "get", "configmaps,gadgets", "-w", "-n", ns, "-o", "jsonl", "--output-watch-events")
	ev := &events{p: p}
	ev.waitEvents(t, "ADDED configmap/kube-root-ca.crt")
	obj := newObjects(t, env.Config, ns)
	for _, gvr := range []schema.GroupVersionResource{gadgetsGVR, configMapsGVR} {
		obj.create(gvr, "m")
		obj.modify(gvr, "m")
		obj.delete(gvr, "m")
	}
	ev.waitEvents(t, "ADDED gadget/m", "MODIFIED gadget/m", "DELETED gadget/m",
		"ADDED configmap/m", "MODIFIED configmap/m", "DELETED configmap/m")
	p.interrupt(t)
	ev.checkNoDuplicates(t)
}

func TestWatchMultiKindTable(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	obj := newObjects(t, env.Config, ns)
	obj.create(gadgetsGVR, "g1")
	p := startKdx(t, env, env.Kubeconfig, "watch", "gadgets,configmaps", "-n", ns, "--output-watch-events")
	p.waitFor(t, "the gadget row", func(l string) bool {
		return strings.HasPrefix(l, "ADDED") && strings.Contains(l, "gadget.multi.example.org/g1") && strings.Contains(l, "red")
	})
	// a ConfigMap of the test's own: kube-root-ca.crt is created by the
	// controller manager, maybe after this point.
	obj.create(configMapsGVR, "c1")
	obj.modify(configMapsGVR, "c1")
	p.waitFor(t, "the configmap row", func(l string) bool {
		return strings.HasPrefix(l, "MODIFIED") && strings.Contains(l, "configmap/c1")
	})
	// The watch ends once its rows are seen: SIGINT, kubectl's exit code,
	// the output flushed. (An exit 0 at --timeout is TestWhereWatch's get -w
	// and TestGetFleet's watch json.)
	if code := p.interrupt(t); code != cli.InterruptedExitCode {
		t.Errorf("exit code after SIGINT = %d, want kubectl's %d\nstderr:\n%s", code, cli.InterruptedExitCode, p.errText())
	}
	out := p.output()
	for _, want := range []string{"EVENT", "COLOR", "DATA"} {
		if !strings.Contains(out, want) {
			t.Errorf("output has no %s column:\n%s", want, out)
		}
	}
}

func TestWatchForbiddenKindWarnsAndGoesOn(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: watch-configmaps, namespace: %[1]s}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: watch-configmaps, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: watch-configmaps}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: restricted}
`, ns))
	p := startKdx(t, env, env.Kubeconfig, "--context", "restricted", "watch", "secrets,configmaps", "-n", ns, "-o", "jsonl", "--output-watch-events")
	ev := &events{p: p}
	newObjects(t, env.Config, ns).create(configMapsGVR, "after")
	ev.waitEvents(t, "ADDED configmap/after")
	// The secrets watch fails on its own: its warning may come after the
	// configmap's event.
	const warning = "Warning: stopped watching secrets: secrets is forbidden: User \"restricted\""
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.errText(), warning) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if stderr := p.errText(); !strings.Contains(stderr, warning) {
		t.Errorf("stderr has no warning about secrets:\n%s", stderr)
	}
	p.interrupt(t)
}

func TestWatchSurvivesAPIServerRestart(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	obj := newObjects(t, env.Config, ns)
	kinds := []schema.GroupVersionResource{configMapsGVR, gadgetsGVR}
	for _, gvr := range kinds {
		obj.create(gvr, "keep")
		obj.create(gvr, "change")
		obj.create(gvr, "remove")
	}
	p := startKdx(t, env, env.Kubeconfig, "watch", "configmaps,gadgets", "-n", ns, "-o", "jsonl", "--output-watch-events")
	ev := &events{p: p}
	ev.waitEvents(t, "ADDED configmap/remove", "ADDED gadget/remove")

	whileAPIServerDown(t, env, func(extra *rest.Config) {
		down := newObjects(t, extra, ns)
		for _, gvr := range kinds {
			down.create(gvr, "new")
			down.modify(gvr, "change")
			down.delete(gvr, "remove")
		}
	})
	ev.waitEvents(t, "ADDED configmap/new", "MODIFIED configmap/change", "DELETED configmap/remove",
		"ADDED gadget/new", "MODIFIED gadget/change", "DELETED gadget/remove")
	obj.create(configMapsGVR, "later")
	ev.waitEvents(t, "ADDED configmap/later")
	p.interrupt(t)
	ev.checkNoDuplicates(t)
	for _, k := range []string{"MODIFIED configmap/keep", "MODIFIED gadget/keep"} {
		if ev.has(k) {
			t.Errorf("unchanged object shown again: %s", k)
		}
	}
	if stderr := p.errText(); !strings.Contains(stderr, "Warning: ") {
		t.Errorf("no warning about the reconnection or relist on stderr:\n%s", stderr)
	}
	t.Logf("stderr:\n%s", p.errText())
}

// TestWatchResumesFastAfterRestarts: after each of three apiserver
// restarts, a ConfigMap and a gadget created once the server is ready are
// shown by a running watch within a second of their write (see
// restartAndWrite).
func TestWatchResumesFastAfterRestarts(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	p, obj := watchToRestart(t, env, "ADDED configmap/kube-root-ca.crt")
	for i := range 3 {
		restartAndWrite(t, env, p, obj, i)
	}
	p.interrupt(t)
}

// TestWatchResumesFastAfterRestartWithManyCRDs: on a server with 200 CRDs,
// the first lists after a restart are answered 503 with Retry-After: 5
// until the server has installed every CRD's handler; the watch lists
// again after its own short back-off, not 5 s later, so what is written
// once the server is ready is shown within a second of its write.
func TestWatchResumesFastAfterRestartWithManyCRDs(t *testing.T) {
	t.Parallel()
	testenv.Alone(t)
	peer := testenv.StartPeer(t)
	dc, err := dynamic.NewForConfig(peer.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := (&bench.Seeder{Client: dc, Workers: 8}).Seed(ctx, bench.Plan{CRDs: 200}); err != nil {
		t.Fatalf("failed to create 200 CRDs: %v", err)
	}
	p, obj := watchToRestart(t, peer)
	for i := range 3 {
		restartAndWrite(t, peer, p, obj, i)
	}
	p.interrupt(t)
}

// watchToRestart starts kdx watching configmaps and gadgets in a new
// namespace of env, once it has shown a gadget created before and the
// events in also, and returns it with a writer of objects there.
func watchToRestart(t *testing.T, env *testenv.Env, also ...string) (*watchProc, *objects) {
	t.Helper()
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	obj := newObjects(t, env.Config, ns)
	obj.create(gadgetsGVR, "before")
	p := startKdx(t, env, env.Kubeconfig, "watch", "configmaps,gadgets", "-n", ns, "-o", "jsonl", "--output-watch-events")
	ev := &events{p: p}
	ev.waitEvents(t, append([]string{"ADDED gadget/before"}, also...)...)
	return p, obj
}

// shownWithin is how soon after its write an object written once a
// restarted API server is ready must be shown by a running watch: the
// reflector's back-off is capped at 300 ms. -race slows everything down.
func shownWithin() time.Duration {
	if testenv.RaceBuild {
		return 2 * time.Second
	}
	return time.Second
}

// restartAndWrite restarts env's API server, creates a ConfigMap and a
// gadget (as soon as its CRD is served again) once it is ready, and checks
// that the watch p shows each within shownWithin of its write.
func restartAndWrite(t *testing.T, env *testenv.Env, p *watchProc, obj *objects, i int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	err := env.RestartAPIServer(ctx)
	cancel()
	if err != nil {
		t.Fatalf("restart %d: %v", i, err)
	}
	ready := time.Now()
	cm, gadget := fmt.Sprintf("cm-%d", i), fmt.Sprintf("gadget-%d", i)
	obj.create(configMapsGVR, cm)
	written := map[string]time.Duration{"configmap/" + cm: time.Since(ready)}
	createWhenServed(t, obj, gadgetsGVR, gadget)
	written["gadget/"+gadget] = time.Since(ready)
	seen := waitSeen(t, p, ready, watchTimeout, "configmap/"+cm, "gadget/"+gadget)
	for _, id := range []string{"configmap/" + cm, "gadget/" + gadget} {
		after := seen[id] - written[id]
		t.Logf("restart %d: %s written %v after ready, seen %v after its write", i, id, written[id].Round(time.Millisecond), after.Round(time.Millisecond))
		if after > shownWithin() {
			t.Errorf("restart %d: %s shown %v after its write, want at most %v\nstderr:\n%s", i, id, after.Round(time.Millisecond), shownWithin(), p.errText())
		}
	}
}

// createWhenServed creates an object, retrying while the restarted server
// does not serve its type yet (a CRD is served once its informer synced).
func createWhenServed(t *testing.T, o *objects, gvr schema.GroupVersionResource, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "multi.example.org/v1", "kind": "Gadget",
			"metadata": map[string]any{"name": name}, "spec": map[string]any{"color": "red", "size": int64(1)}}}
		_, err := o.resource(gvr).Create(context.Background(), u, metav1.CreateOptions{})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("failed to create %s %s: %v", gvr.Resource, name, err)
		}
		t.Logf("create %s %s: %v (retrying)", gvr.Resource, name, err)
		time.Sleep(20 * time.Millisecond)
	}
}

// waitSeen waits until an ADDED event of each "kind/name" was printed and
// returns when kdx printed each, as durations since start; it fails t when
// they are not all seen within bound.
func waitSeen(t *testing.T, p *watchProc, start time.Time, bound time.Duration, ids ...string) map[string]time.Duration {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	seen := map[string]time.Duration{}
	timer := time.NewTimer(bound)
	defer timer.Stop()
	for len(seen) < len(ids) {
		select {
		case line := <-p.lines:
			var ev watchEvent
			if json.Unmarshal([]byte(line.text), &ev) != nil || ev.Object == nil {
				continue
			}
			id := strings.ToLower(ev.Object.GetKind()) + "/" + ev.Object.GetName()
			if ev.Type == "ADDED" && want[id] {
				seen[id] = line.at.Sub(start)
			}
		case <-timer.C:
			t.Fatalf("not seen within %v: %v (seen %v)\nstderr:\n%s", bound, ids, seen, p.errText())
		}
	}
	return seen
}

// TestGetWatchMissingNameFails: get NAME -w of an object that does not
// exist fails at once, as kubectl v1.37.2 does, instead of waiting.
func TestGetWatchMissingNameFails(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	want := env.RunKubectl(t, "get", "configmap", "nope", "-n", ns, "-w")
	t.Logf("kubectl: exit %d, stdout %q, stderr %q", want.ExitCode, want.Stdout, want.Stderr)
	begin := time.Now()
	got := env.Kdx(t, "get", "configmap", "nope", "-n", ns, "-w")
	took := time.Since(begin)
	t.Logf("kdx: exit %d after %v, stderr %q", got.ExitCode, took.Round(time.Millisecond), got.Stderr)
	if took > 20*time.Second {
		t.Errorf("kdx took %v to fail", took)
	}
	if got.ExitCode != want.ExitCode || got.Stdout != want.Stdout {
		t.Errorf("kdx: exit %d, stdout %q; want kubectl's exit %d, stdout %q", got.ExitCode, got.Stdout, want.ExitCode, want.Stdout)
	}
	for _, res := range []testenv.Result{want, got} {
		if !strings.Contains(res.Stderr, `configmaps "nope" not found`) || strings.Count(strings.TrimSpace(res.Stderr), "\n") != 0 {
			t.Errorf("stderr = %q, want one line saying configmaps \"nope\" not found", res.Stderr)
		}
	}
	begin = time.Now()
	ign := env.RunKubectl(t, "get", "configmap", "nope", "-n", ns, "-w", "--ignore-not-found", "--request-timeout", "3s")
	t.Logf("kubectl --ignore-not-found: exit %d after %v, stdout %q, stderr %q", ign.ExitCode, time.Since(begin).Round(time.Millisecond), ign.Stdout, ign.Stderr)
	begin = time.Now()
	got = env.Kdx(t, "get", "configmap", "nope", "-n", ns, "-w", "--ignore-not-found", "--request-timeout", "3s")
	t.Logf("kdx --ignore-not-found: exit %d after %v", got.ExitCode, time.Since(begin).Round(time.Millisecond))
	if got != ign {
		t.Errorf("kdx --ignore-not-found: %+v, want kubectl's %+v", got, ign)
	}
}

// TestWatchMissingNameWaits: kdx watch TYPE/NAME of an object that does not
// exist yet says that it waits for it, and shows it once created.
func TestWatchMissingNameWaits(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	p := startKdx(t, env, env.Kubeconfig, "watch", "configmap/nope", "-n", ns, "-o", "jsonl", "--output-watch-events")
	const waiting = `Waiting for configmap "nope" to be created...` + "\n"
	deadline := time.Now().Add(20 * time.Second)
	for p.errText() != waiting && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := p.errText(); got != waiting {
		t.Fatalf("stderr = %q, want %q", got, waiting)
	}
	newObjects(t, env.Config, ns).create(configMapsGVR, "nope")
	ev := &events{p: p}
	ev.waitEvents(t, "ADDED configmap/nope")
	p.interrupt(t)
}

// TestWatchAllTypesRestricted: watch --all-types as a user who may watch
// few types reports what it cannot watch once, one line per cause, watches
// the rest and exits 1 at the end; --ignore-forbidden leaves them out (exit
// 0); a user who may watch nothing gets the report and exit 1 at once.
func TestWatchAllTypesRestricted(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)

	begin := time.Now()
	none := env.Kdx(t, "--context", "restricted", "watch", "--all-types", "-n", ns, "--timeout", "60s")
	if none.ExitCode != 1 || time.Since(begin) > 30*time.Second {
		t.Errorf("nothing watchable: exit %d after %v, want 1 at once", none.ExitCode, time.Since(begin))
	}
	checkOneLinePerCause(t, none.Stderr)

	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: watch-configmaps, namespace: %[1]s}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: watch-configmaps, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: watch-configmaps}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: restricted}
`, ns))
	// A watch that left the forbidden types out ends once its ConfigMap is
	// seen (SIGINT, kubectl's exit code). The report of what could not be
	// watched, and the exit 0 of a watch that left them out, come at
	// --timeout: those runs list their ConfigMap, made before they start,
	// and end at a short --timeout, which is what they test.
	for _, tc := range []struct {
		name      string
		args      []string
		wantCode  int
		interrupt bool
	}{
		{"reported", []string{"--timeout", "5s"}, 1, false},
		{"ignore-forbidden", []string{"--ignore-forbidden"}, cli.InterruptedExitCode, true},
		{"ignore-forbidden at timeout", []string{"--ignore-forbidden", "--timeout", "5s"}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--context", "restricted", "watch", "--all-types", "-n", ns, "-o", "jsonl", "--output-watch-events"}, tc.args...)
			name := "seen-" + strings.ReplaceAll(tc.name, " ", "-")
			if !tc.interrupt {
				// listed, not watched: the short --timeout may end the
				// watch before an event could arrive
				newObjects(t, env.Config, ns).create(configMapsGVR, name)
			}
			p := startKdx(t, env, env.Kubeconfig, args...)
			if tc.interrupt {
				newObjects(t, env.Config, ns).create(configMapsGVR, name)
			}
			ev := &events{p: p}
			ev.waitEvents(t, "ADDED configmap/"+name)
			var code int
			if tc.interrupt {
				code = p.interrupt(t)
			} else {
				<-p.done
				_ = p.cmd.Wait()
				code = p.cmd.ProcessState.ExitCode()
			}
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, p.errText())
			}
			if tc.name != "reported" {
				if p.errText() != "" {
					t.Errorf("stderr with --ignore-forbidden:\n%s", p.errText())
				}
				return
			}
			checkOneLinePerCause(t, p.errText())
		})
	}
}

// checkOneLinePerCause fails t unless stderr is a few report lines, one per
// cause, the forbidden one cut with "and N more".
func checkOneLinePerCause(t *testing.T, stderr string) {
	t.Helper()
	t.Logf("stderr:\n%s", stderr)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) > 3 {
		t.Errorf("%d stderr lines, want one per cause:\n%s", len(lines), stderr)
	}
	found := false
	for _, l := range lines {
		if strings.HasPrefix(l, "error: could not watch ") && strings.Contains(l, "(forbidden)") && strings.Contains(l, " more") {
			found = true
		}
		if len(l) > 1000 {
			t.Errorf("stderr line of %d characters", len(l))
		}
	}
	if !found {
		t.Errorf("no forbidden report line:\n%s", stderr)
	}
}

// TestWatchAllTypesFollowsDiscovery: watch --all-types watches a type
// created while it runs from its first object, and drops a type that goes
// away without a word.
func TestWatchAllTypesFollowsDiscovery(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	crd := func(plural, kind string) string {
		return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %[1]s.follow.kdx.example.org}
spec:
  group: follow.kdx.example.org
  scope: Namespaced
  names: {plural: %[1]s, singular: %[3]s, kind: %[2]s}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`, plural, kind, strings.ToLower(kind))
	}
	crds := newObjects(t, env.Config, "").dc.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	deleteCRD := func(name string) {
		if err := crds.Delete(context.Background(), name+".follow.kdx.example.org", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("failed to delete CRD %s: %v", name, err)
		}
	}
	env.Apply(t, crd("olds", "Old"))
	t.Cleanup(func() { _ = crds.Delete(context.Background(), "olds.follow.kdx.example.org", metav1.DeleteOptions{}) })
	waitServed(t, env, "olds")

	p := startKdx(t, env, env.Kubeconfig, "watch", "--all-types", "-n", ns, "-o", "jsonl", "--output-watch-events")
	ev := &events{p: p}
	ev.waitEvents(t, "ADDED configmap/kube-root-ca.crt")
	env.Apply(t, crd("news", "New"))
	t.Cleanup(func() { _ = crds.Delete(context.Background(), "news.follow.kdx.example.org", metav1.DeleteOptions{}) })
	waitServed(t, env, "news")
	news := newObjects(t, env.Config, ns).resource(schema.GroupVersionResource{Group: "follow.kdx.example.org", Version: "v1", Resource: "news"})
	first := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "follow.kdx.example.org/v1", "kind": "New", "metadata": map[string]any{"name": "first"}}}
	if _, err := news.Create(context.Background(), first, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ev.waitEvents(t, "ADDED new/first")

	deleteCRD("olds")
	deleteCRD("news")
	ev.waitEvents(t, "DELETED new/first")
	time.Sleep(2 * query.FollowInterval) // time for a stop to be reported, if it were
	p.interrupt(t)
	if stderr := p.errText(); stderr != "" {
		t.Errorf("stderr after the CRDs went away, want nothing:\n%s", stderr)
	}
}

// waitServed waits until the admin may list plural of follow.kdx.example.org.
func waitServed(t *testing.T, env *testenv.Env, plural string) {
	t.Helper()
	r := newObjects(t, env.Config, "default").resource(schema.GroupVersionResource{Group: "follow.kdx.example.org", Version: "v1", Resource: plural})
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := r.List(context.Background(), metav1.ListOptions{})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not served: %v", plural, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// whileAPIServerDown stops env's API server, makes change through a second
// API server on the same etcd, and starts the first one again: what a watch
// must catch up on after a restart.
func whileAPIServerDown(t *testing.T, env *testenv.Env, change func(extra *rest.Config)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	extra, stopExtra, err := env.StartExtraAPIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stopExtra()
	env.StopAPIServer()
	restarted := false
	defer func() {
		if !restarted {
			_ = env.StartAPIServer(context.Background())
		}
	}()
	change(extra)
	if err := env.StartAPIServer(ctx); err != nil {
		t.Fatalf("failed to restart kube-apiserver: %v", err)
	}
	restarted = true
}
