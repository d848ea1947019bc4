package main

import (
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestMain sets up the control plane (no controllers) of the tests that run
// kdx's commands in-process against a server. The black-box end-to-end
// tests, which run the built kdx, are in test/e2e. There is one TestMain
// per package.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{NoControllerManager: true})
}
