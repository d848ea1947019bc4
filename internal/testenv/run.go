package testenv

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// commandTimeout bounds one run of kdx or kubectl.
const commandTimeout = 2 * time.Minute

// kdxBuild is the kdx binary built once per test binary by KdxBinary.
var kdxBuild struct {
	once sync.Once
	// dir is the temporary directory holding the binary, removed by Main.
	dir string
	// path is the binary, err why it could not be built.
	path string
	err  error
}

// plainBuild is the kdx binary built without -race by PlainKdxBinary, in
// kdxBuild.dir.
var plainBuild struct {
	once sync.Once
	path string
	err  error
}

// Result is what a run of kdx or kubectl printed and how it exited.
type Result struct {
	Stdout, Stderr string
	// ExitCode is the process's exit code.
	ExitCode int
}

// KdxBinary builds ./cmd/kdx once per test binary and returns its path.
func KdxBinary(t testing.TB) string {
	t.Helper()
	kdxBuild.once.Do(buildKdx)
	if kdxBuild.err != nil {
		t.Fatalf("failed to build kdx: %v", kdxBuild.err)
	}
	return kdxBuild.path
}

// PlainKdxBinary is KdxBinary built without -race even when the tests are
// (RaceBuild): for the tests that feed kdx tens of MiB to check a cap and
// the memory it took, where the race detector multiplies the CPU time
// several times over and its shadow memory hides kdx's own. Every other
// test runs KdxBinary.
func PlainKdxBinary(t testing.TB) string {
	t.Helper()
	bin := KdxBinary(t) // its directory, and the environment of a cover build
	if !RaceBuild {
		return bin
	}
	plainBuild.once.Do(func() {
		path := filepath.Join(filepath.Dir(bin), "kdx-plain")
		plainBuild.err = goBuildKdx(path, false, os.Getenv(CoverDirEnv) != "")
		plainBuild.path = path
	})
	if plainBuild.err != nil {
		t.Fatalf("failed to build kdx without -race: %v", plainBuild.err)
	}
	return plainBuild.path
}

// buildKdx runs go build for cmd/kdx into a new temporary directory.
func buildKdx() {
	if kdxBuild.dir, kdxBuild.err = makeOwnedTemp("", "kdx-bin-"); kdxBuild.err != nil {
		return
	}
	path := filepath.Join(kdxBuild.dir, "kdx")
	coverDir := os.Getenv(CoverDirEnv)
	if coverDir != "" {
		// A binary built with -cover warns on exit when GOCOVERDIR is
		// unset: set it for this process and every command it starts.
		if kdxBuild.err = os.MkdirAll(coverDir, 0o755); kdxBuild.err != nil {
			return
		}
		if kdxBuild.err = os.Setenv("GOCOVERDIR", coverDir); kdxBuild.err != nil {
			return
		}
	}
	if RaceBuild {
		// Set for this process and every command it starts, as GOCOVERDIR.
		if kdxBuild.err = os.Setenv("GORACE", raceOptions(os.Getenv("GORACE"))); kdxBuild.err != nil {
			return
		}
	}
	if kdxBuild.err = goBuildKdx(path, RaceBuild, coverDir != ""); kdxBuild.err == nil {
		kdxBuild.path = path
	}
}

// goBuildKdx runs go build for cmd/kdx into path (see kdxBuildArgs).
func goBuildKdx(path string, race, cover bool) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", kdxBuildArgs(path, race, cover)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return errors.Join(err, errors.New(strings.TrimSpace(string(out))))
	}
	return nil
}

// raceOptions returns the GORACE options of the race-built kdx, given the
// user's: atexit_sleep_ms=0 unless the user set it. By default a race-built
// program sleeps a second before it exits (for the reports of goroutines
// still running); the end-to-end tests run kdx hundreds of times, and
// that second was most of each run (1.7 s of wall time for 0.13 s of CPU
// for a `kdx version --client`). A race found while kdx runs is still
// reported, and still exits 66.
func raceOptions(user string) string {
	if strings.Contains(user, "atexit_sleep_ms=") {
		return user
	}
	return strings.TrimSpace(user + " atexit_sleep_ms=0")
}

// CoverDirEnv names the variable that, set to a directory, builds the kdx
// binary of the end-to-end tests with coverage of every kdx package and has
// each run write its counters there (GOCOVERDIR); `make cover` reads them.
const CoverDirEnv = "KDX_E2E_COVERDIR"

// kdxBuildArgs returns go's arguments to build cmd/kdx into path: with -race
// when the tests are (RaceBuild), with coverage of every kdx package when
// cover is set.
func kdxBuildArgs(path string, race, cover bool) []string {
	// -w: no DWARF, linked faster; panics and race reports keep their lines.
	args := []string{"build", "-o", path, "-ldflags=-w"}
	if race {
		args = append(args, "-race")
	}
	if cover {
		args = append(args, "-cover", "-coverpkg="+modulePath+"/...")
	}
	return append(args, modulePath+"/cmd/kdx")
}

// removeKdxBinary removes the directory of the binary KdxBinary built.
func removeKdxBinary() {
	if kdxBuild.dir != "" {
		_ = os.RemoveAll(kdxBuild.dir)
	}
}

// Kdx runs the kdx binary with args against e; see KdxIn.
func (e *Env) Kdx(t testing.TB, args ...string) Result {
	t.Helper()
	return e.KdxIn(t, nil, nil, args...)
}

// KdxIn runs the kdx binary with args and stdin (nil for none) against e:
// KUBECONFIG is e.Kubeconfig, and HOME and XDG_CACHE_HOME point into a
// directory private to t, shared by all runs of the test. Variables in env
// ("NAME=value") are set last, so they override those. A run that cannot
// start or outlives its timeout fails t; a non-zero exit does not.
func (e *Env) KdxIn(t testing.TB, stdin io.Reader, env []string, args ...string) Result {
	t.Helper()
	return e.run(t, KdxBinary(t), stdin, env, args)
}

// RunKubectl runs the kubectl binary with args against e, with the same
// environment as Kdx (its cache goes under the test's HOME).
func (e *Env) RunKubectl(t testing.TB, args ...string) Result {
	t.Helper()
	return e.RunKubectlIn(t, nil, nil, args...)
}

// RunKubectlIn is RunKubectl with stdin and extra environment, as in KdxIn.
func (e *Env) RunKubectlIn(t testing.TB, stdin io.Reader, env []string, args ...string) Result {
	t.Helper()
	return e.run(t, e.Kubectl(), stdin, env, args)
}

// Kubectl runs kubectl with args against the shared Env (see Require).
func Kubectl(t testing.TB, args ...string) Result {
	t.Helper()
	return Require(t).RunKubectl(t, args...)
}

// run runs bin with args in t's environment and returns what it printed.
func (e *Env) run(t testing.TB, bin string, stdin io.Reader, env []string, args []string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(e.commandEnv(t), env...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: cmd.ProcessState.ExitCode()}
	var exitErr *exec.ExitError
	if ctx.Err() != nil || (err != nil && !errors.As(err, &exitErr)) {
		t.Fatalf("failed to run %s %s: %v\nstdout:\n%s\nstderr:\n%s",
			filepath.Base(bin), strings.Join(args, " "), errors.Join(err, ctx.Err()), res.Stdout, res.Stderr)
	}
	return res
}

// commandEnv returns the environment of a command run for t.
func (e *Env) commandEnv(t testing.TB) []string {
	home := e.home(t)
	env := make([]string, 0, len(os.Environ())+4)
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "KUBECONFIG", "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "KUBECACHEDIR", "TMPDIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"KUBECONFIG="+e.Kubeconfig,
		"HOME="+home,
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"KUBECACHEDIR="+filepath.Join(home, ".kube", "cache"),
		// What a command leaves in its temporary directory (the copy
		// `edit` keeps of a change it could not apply, as kubectl's does)
		// goes with the test's directory, not into the machine's /tmp.
		"TMPDIR="+filepath.Join(home, "tmp"))
}

// home returns the HOME directory private to t, created on first use.
func (e *Env) home(t testing.TB) string {
	e.homesMu.Lock()
	defer e.homesMu.Unlock()
	if home, ok := e.homes[t]; ok {
		return home
	}
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	e.homes[t] = home
	t.Cleanup(func() {
		e.homesMu.Lock()
		defer e.homesMu.Unlock()
		delete(e.homes, t)
	})
	return home
}

// KdxCommand is the command Kdx runs, in the same environment, not
// started: for a test that reads kdx's output while it runs. ctx kills it.
func (e *Env) KdxCommand(ctx context.Context, t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, KdxBinary(t), args...)
	cmd.Env = e.commandEnv(t)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}
