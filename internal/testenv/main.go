package testenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shared is the control plane Main starts for a test package.
var shared struct {
	// env is the shared Env, nil when it did not start (or under -short).
	env *Env
	// err says why env is nil.
	err error
}

// errNoMain is Require's error when TestMain did not call Main.
var errNoMain = errors.New("testenv.Main was not called from TestMain")

// Main is for TestMain: it starts one shared control plane (unless -short),
// runs the tests, prints the components' logs to stderr if they failed, stops
// everything and exits with the tests' code. SIGINT and SIGTERM stop the
// control plane before the process exits.
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
	env, stopSignals := startShared(opts)
	defer stopSignals()
	code := m.Run()
	reportNotRun()
	if env != nil {
		if code != 0 {
			fmt.Fprintf(os.Stderr, "testenv: tests failed; control plane logs:\n%s", env.Logs())
		}
		env.Stop()
	}
	return code
}

// startShared starts the shared Env while watching for SIGINT and SIGTERM,
// which stop it and exit. It returns the Env (nil on failure) and a function
// that stops watching for signals.
func startShared(opts Options) (*Env, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex // guards started
	var started *Env
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	startDone := make(chan struct{})
	go func() {
		sig, ok := <-signals
		if !ok {
			return
		}
		cancel()
		<-startDone // Start cleans up after itself once cancelled
		mu.Lock()
		started.stopIfSet()
		fmt.Fprintf(os.Stderr, "testenv: stopped the control plane on %v\n", sig)
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	begin := time.Now()
	env, err := Start(ctx, opts)
	mu.Lock()
	started, shared.env, shared.err = env, env, err
	mu.Unlock()
	close(startDone)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testenv: failed to start the control plane: %v\n", err)
	} else if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "testenv: control plane %s ready at %s in %v\n", Version, env.URL, time.Since(begin).Round(time.Millisecond))
	}
	return env, func() { signal.Stop(signals); cancel() }
}

// stopIfSet stops e unless it is nil.
func (e *Env) stopIfSet() {
	if e != nil {
		e.Stop()
	}
}

// Shared returns the Env started by Main, or nil.
func Shared() *Env {
	return shared.env
}

// Require returns the Env started by Main for an end-to-end test. It skips
// the test under -short and fails it when the control plane did not start.
func Require(t testing.TB) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping end-to-end test in -short mode")
	}
	if shared.env == nil {
		err := shared.err
		if err == nil {
			err = errNoMain
		}
		t.Fatalf("control plane did not start: %v", err)
	}
	return shared.env
}
