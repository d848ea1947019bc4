package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// notRun are the tests SharedCRDs skipped, and why, for the summary Main
// prints at the end.
var notRun struct {
	mu    sync.Mutex
	why   string
	tests []string
}

// SharedCRDs returns the directory of the real-world CRDs that some
// end-to-end tests apply, ../shared/crds beside the module. Where it is
// absent (a clone outside the workplace) a test cannot run: under CI
// (CI=true) that is a failure, since a suite that passes must have run;
// elsewhere the test is skipped, and Main names it again in the summary it
// prints at the end, so that a reader sees what did not run.
func SharedCRDs(t testing.TB) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
		return ""
	}
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return sharedCRDsIn(t, filepath.Join(root, "..", "shared", "crds"), ci)
}

// sharedCRDsIn is SharedCRDs for the directory dir, under CI or not.
func sharedCRDsIn(t testing.TB, dir string, ci bool) string {
	t.Helper()
	_, err := os.Stat(dir)
	switch {
	case err == nil:
		return dir
	case ci:
		t.Fatalf("the real-world CRDs are not in %s (%v): under CI (CI=true) every test must run", dir, err)
	default:
		why := fmt.Sprintf("the real-world CRDs are not in %s", dir)
		notRun.mu.Lock()
		notRun.why = why
		notRun.tests = append(notRun.tests, t.Name())
		notRun.mu.Unlock()
		t.Skipf("not run: %s (%v); CI=true makes this a failure", why, err)
	}
	return ""
}

// notRunSummary is the line Main prints after the tests when SharedCRDs
// skipped some, "" when none.
func notRunSummary() string {
	notRun.mu.Lock()
	defer notRun.mu.Unlock()
	if len(notRun.tests) == 0 {
		return ""
	}
	n := fmt.Sprintf("%d tests", len(notRun.tests))
	if len(notRun.tests) == 1 {
		n = "1 test"
	}
	return fmt.Sprintf("testenv: %s did not run, %s: %s\n", n, notRun.why, strings.Join(notRun.tests, ", "))
}

// reportNotRun prints the summary of the tests SharedCRDs skipped: on
// stdout, which go test shows with -v, in a package directory and for a
// package that failed, and appended to the file $KDX_TESTS_NOT_RUN, which
// `make test` prints at the end (go test ./... hides the output of the
// packages that passed).
func reportNotRun() {
	line := notRunSummary()
	if line == "" {
		return
	}
	fmt.Print(line)
	if name := os.Getenv("KDX_TESTS_NOT_RUN"); name != "" {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "%s: %s", filepath.Base(os.Args[0]), line)
	}
}
