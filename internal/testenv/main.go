package testenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// shared are the control planes Main's tests share, each started by the
// first test that asks for it (Require, SharedPeer): a test package, or a
// -run, whose tests need no server starts none.
var shared struct {
	// mu guards the fields below; it is held while a control plane starts,
	// so that the tests asking for it meanwhile wait for it.
	mu sync.Mutex
	// main is set by Main; ctx ends the starts under way on a signal.
	main bool
	ctx  context.Context
	opts Options
	// main and peer are the control planes, each started once.
	primary, peer lazyEnv
	// alone are the control planes of Alone: free ones, and all of them;
	// aloneStarting are being started. aloneFreed is signalled (with mu)
	// when one is handed back or a start failed.
	aloneFree, aloneAll []*Env
	aloneStarting       int
	aloneFreed          sync.Cond
}

// lazyEnv is a control plane started on first use.
type lazyEnv struct {
	tried bool
	// env is the control plane, nil when it did not start; err says why.
	env *Env
	err error
}

// started counts the control planes Start started in this process.
var started atomic.Int32

// errNoMain is Require's error when TestMain did not call Main.
var errNoMain = errors.New("testenv.Main was not called from TestMain")

// Main is for TestMain: it runs the tests, which start the shared control
// plane when one first asks for it (unless -short), prints the components'
// logs to stderr if they failed, stops everything and exits with the tests'
// code. SIGINT and SIGTERM stop the shared control planes before the
// process exits. With -v it says how many control planes the tests started.
func Main(m *testing.M, opts Options) {
	os.Exit(runMain(m, opts))
}

// runMain does Main's work and returns the exit code.
func runMain(m *testing.M, opts Options) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	defer removeKdxBinary()
	if opts.BuildKdx {
		// A failed build fails the tests that run kdx, in KdxBinary.
		kdxBuild.once.Do(buildKdx)
	}
	ctx, stopSignals := watchSignals()
	defer stopSignals()
	shared.mu.Lock()
	shared.main, shared.ctx, shared.opts = true, ctx, opts
	shared.aloneFreed.L = &shared.mu
	shared.mu.Unlock()
	if err := setParallel(opts.Parallel); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		return 2
	}
	code := m.Run()
	reportNotRun()
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "testenv: %d control planes started\n", started.Load())
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if env := shared.primary.env; env != nil && code != 0 {
		fmt.Fprintf(os.Stderr, "testenv: tests failed; control plane logs:\n%s", env.Logs())
	}
	stopShared()
	return code
}

// watchSignals watches for SIGINT and SIGTERM, which cancel the returned
// context (ending a shared start under way), stop the shared control
// planes and exit. It returns a function that stops watching.
func watchSignals() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig, ok := <-signals
		if !ok {
			return
		}
		cancel()
		shared.mu.Lock() // a start under way cleans up after itself once cancelled
		stopShared()
		fmt.Fprintf(os.Stderr, "testenv: stopped the control plane on %v\n", sig)
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	return ctx, func() { signal.Stop(signals); cancel() }
}

// stopShared stops the shared control planes; shared.mu is held.
func stopShared() {
	shared.primary.env.stopIfSet()
	shared.peer.env.stopIfSet()
	for _, e := range shared.aloneAll {
		e.Stop()
	}
	shared.aloneAll, shared.aloneFree = nil, nil
}

// stopIfSet stops e unless it is nil.
func (e *Env) stopIfSet() {
	if e != nil {
		e.Stop()
	}
}

// setParallel sets go test's -parallel to n when n > 0 and the command
// line did not set it: the end-to-end tests mostly wait (on servers, on
// kdx, on controllers), so more of them than GOMAXPROCS can run at once.
func setParallel(n int) error {
	if n <= 0 {
		return nil
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if given {
		return nil
	}
	return flag.Set("test.parallel", strconv.Itoa(n))
}

// get returns l's control plane, started with opts on the first call.
// shared.mu is held.
func (l *lazyEnv) get(what string, opts Options) (*Env, error) {
	if !shared.main {
		return nil, errNoMain
	}
	if !l.tried {
		l.tried = true
		begin := time.Now()
		l.env, l.err = Start(shared.ctx, opts)
		if l.err != nil {
			fmt.Fprintf(os.Stderr, "testenv: failed to start the %s: %v\n", what, l.err)
		} else if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "testenv: %s %s ready at %s in %v\n", what, Version, l.env.URL, time.Since(begin).Round(time.Millisecond))
		}
	}
	return l.env, l.err
}

// Shared returns the Env started by Main's tests so far, or nil.
func Shared() *Env {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return shared.primary.env
}

// Require returns the control plane shared by the tests of Main, started
// on the first call, for an end-to-end test. It skips the test under
// -short and fails it when the control plane did not start.
func Require(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping end-to-end test in -short mode")
	}
	shared.mu.Lock()
	env, err := shared.primary.get("control plane", shared.opts)
	shared.mu.Unlock()
	if env == nil {
		t.Fatalf("control plane did not start: %v", err)
	}
	return env
}

// SharedPeer returns a second control plane (its own etcd and
// kube-apiserver, no controller manager) shared by the tests of Main,
// started on the first call, for the tests of a fleet that neither stop,
// restart nor break it, and change in it only what is theirs (their
// namespace). It skips the test under -short and fails it when the control
// plane did not start.
func SharedPeer(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping end-to-end test in -short mode")
	}
	shared.mu.Lock()
	opts := shared.opts
	opts.NoControllerManager, opts.NoWatchCache = true, false
	env, err := shared.peer.get("peer control plane", opts)
	shared.mu.Unlock()
	if env == nil {
		t.Fatalf("the peer control plane did not start: %v", err)
	}
	return env
}

// Alone returns a control plane (etcd, kube-apiserver and
// kube-controller-manager) that t has to itself until it ends, for a test
// that stops or restarts its server, changes what every test sees (CRDs,
// APIServices, cluster-scoped objects) or compares what the whole cluster
// holds: called after t.Parallel(), such a test runs beside the others
// instead of before them all. The control planes of Alone are kept for the
// next such test (what a test leaves in one, the next may see, as when
// they ran one after the other on the shared one, but no namespace still
// being deleted: Alone waits for them); one more is started
// when every one is held, so there are never more than the tests running
// at once (-parallel), nor more than Options.MaxAlone: beyond it, a test
// waits until one is handed back. It skips the test under -short and fails it when the
// control plane did not start.
func Alone(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping end-to-end test in -short mode")
	}
	env, err := takeAlone()
	if env == nil {
		t.Fatalf("a control plane of its own did not start: %v", err)
	}
	env.waitNamespacesGone(t)
	t.Cleanup(func() { handBackAlone(env) })
	return env
}

// handBackAlone makes env, taken by takeAlone, free for the next test.
func handBackAlone(env *Env) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if slices.Contains(shared.aloneAll, env) { // not after Main stopped them
		shared.aloneFree = append(shared.aloneFree, env)
		shared.aloneFreed.Signal()
	}
}

// takeAlone takes a free control plane of Alone, or starts one, or waits
// for one to be handed back when Options.MaxAlone are held or starting.
func takeAlone() (*Env, error) {
	shared.mu.Lock()
	if !shared.main {
		shared.mu.Unlock()
		return nil, errNoMain
	}
	for limit := shared.opts.MaxAlone; limit > 0 && len(shared.aloneFree) == 0 && len(shared.aloneAll)+shared.aloneStarting >= limit; {
		shared.aloneFreed.Wait()
	}
	if n := len(shared.aloneFree); n > 0 {
		env := shared.aloneFree[n-1]
		shared.aloneFree = shared.aloneFree[:n-1]
		shared.mu.Unlock()
		return env, nil
	}
	ctx, opts := shared.ctx, shared.opts
	shared.aloneStarting++
	shared.mu.Unlock()
	// Started without the lock: the tests asking for the shared control
	// planes meanwhile need not wait for this one.
	begin := time.Now()
	env, err := Start(ctx, opts)
	shared.mu.Lock()
	shared.aloneStarting--
	if err != nil {
		shared.aloneFreed.Signal() // another test may try
		shared.mu.Unlock()
		fmt.Fprintf(os.Stderr, "testenv: failed to start a control plane of its own: %v\n", err)
		return nil, err
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "testenv: control plane %s for tests alone ready at %s in %v\n", Version, env.URL, time.Since(begin).Round(time.Millisecond))
	}
	defer shared.mu.Unlock()
	if ctx.Err() != nil { // Main stopped the shared ones meanwhile
		env.Stop()
		return nil, ctx.Err()
	}
	shared.aloneAll = append(shared.aloneAll, env)
	return env, nil
}

// waitNamespacesGone waits, at most two minutes, until no namespace of e is
// being deleted: those the tests that held it before left behind (Namespace
// deletes without waiting). A test that compares what the whole cluster
// holds then sees none of them go away under it.
func (e *Env) waitNamespacesGone(t testing.TB) {
	t.Helper()
	clientset := e.clientset(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		list, err := clientset.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		var terminating []string
		if err == nil {
			for _, ns := range list.Items {
				if ns.Status.Phase == corev1.NamespaceTerminating {
					terminating = append(terminating, ns.Name+heldBy(ns))
				}
			}
			if len(terminating) == 0 {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Logf("namespaces still being deleted after 2m: %s (%v)", strings.Join(terminating, ", "), err)
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// heldBy says what holds the deletion of the namespace ns, from its
// conditions (" (held by: ...)"), "" when they say nothing.
func heldBy(ns corev1.Namespace) string {
	var why []string
	for _, c := range ns.Status.Conditions {
		if c.Status == corev1.ConditionTrue && c.Message != "" {
			why = append(why, c.Message)
		}
	}
	if len(why) == 0 {
		return ""
	}
	return " (held by: " + strings.Join(why, "; ") + ")"
}
