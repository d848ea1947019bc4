// Package e2e holds kdx's black-box end-to-end tests: each runs the built
// kdx binary (testenv.KdxBinary) against real control planes, or fake
// servers on 127.0.0.1, and checks what a user sees: its output, its
// files and its exit code, often against kubectl's.
package e2e

import (
	"flag"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// update rewrites golden files: go test ./test/e2e/ -update.
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestMain starts one control plane for every end-to-end test of the package.
// There is one TestMain per package: add tests, not another TestMain.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{})
}
