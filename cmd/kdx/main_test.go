package main

import (
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestMain starts the control plane of the tests that run kdx's commands
// in-process against a server. The black-box end-to-end tests, which run
// the built kdx, are in test/e2e. There is one TestMain per package.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{})
}
