package main

import (
	"flag"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// update rewrites golden files: go test ./cmd/kdx/ -update.
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestMain starts one control plane for every end-to-end test of the package.
// There is one TestMain per package: add tests, not another TestMain.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{})
}
