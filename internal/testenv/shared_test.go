package testenv

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// recordingTB records what SharedCRDs asks of a test instead of ending it.
type recordingTB struct {
	testing.TB
	skipped, fatal string
}

func (r *recordingTB) Helper()      {}
func (r *recordingTB) Name() string { return "TestNeedsCRDs" }
func (r *recordingTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}

// TestSharedCRDsMissing: without the CRDs a test fails under CI, and is
// skipped elsewhere, named in the summary printed after the tests.
func TestSharedCRDsMissing(t *testing.T) {
	saved := notRun.tests
	t.Cleanup(func() { notRun.tests = saved })
	notRun.tests = nil
	missing := filepath.Join(t.TempDir(), "crds")

	ci := &recordingTB{}
	if dir := sharedCRDsIn(ci, missing, true); dir != "" || ci.fatal == "" || ci.skipped != "" || !strings.Contains(ci.fatal, "CI=true") {
		t.Errorf("under CI: dir %q, fatal %q, skipped %q; want a failure", dir, ci.fatal, ci.skipped)
	}
	local := &recordingTB{}
	if dir := sharedCRDsIn(local, missing, false); dir != "" || local.fatal != "" || !strings.HasPrefix(local.skipped, "not run: the real-world CRDs are not in "+missing) {
		t.Errorf("elsewhere: dir %q, fatal %q, skipped %q; want a skip", dir, local.fatal, local.skipped)
	}
	if got, want := notRunSummary(), "testenv: 1 test did not run, the real-world CRDs are not in "+missing+": TestNeedsCRDs\n"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	present := &recordingTB{}
	if dir := sharedCRDsIn(present, t.TempDir(), true); dir == "" || present.fatal != "" || present.skipped != "" {
		t.Errorf("present: dir %q, fatal %q, skipped %q", dir, present.fatal, present.skipped)
	}
}
