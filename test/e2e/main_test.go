// Package e2e holds kdx's black-box end-to-end tests: each runs the built
// kdx binary (testenv.KdxBinary) against real control planes, or fake
// servers on 127.0.0.1, and checks what a user sees: its output, its
// files and its exit code, often against kubectl's.
//
// Every test that needs a server calls t.Parallel(). One that stops or
// restarts a server, changes what every test sees (CRDs, APIServices,
// cluster-scoped objects, the real-world CRDs), or compares what the whole
// cluster holds (-A, --all-types, api-resources, refs, tree, completions of
// namespaces, the README's examples), which the tests running beside it
// would change, runs on a control plane it has to itself while it runs
// (testenv.Alone), beside the others; one that breaks its server for good
// starts its own (testenv.StartPeer). Every other test shares one control
// plane (testenv.Require) and keeps to its own namespace.
package e2e

import (
	"os"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestMain builds kdx and sets up the control plane every end-to-end test
// of the package shares, started when a test first asks for it. There is
// one TestMain per package: add tests, not another TestMain.
//
// The tests mostly wait (on servers, on kdx, on controllers), so more run
// at once than go test's default -parallel (GOMAXPROCS) unless -parallel is
// given; at most maxAlone control planes of their own (testenv.Alone) run,
// since each costs CPU to start and to keep.
func TestMain(m *testing.M) {
	if path := os.Getenv(rssFileEnv); path != "" { // started by startHuge
		os.Exit(rssHelper(path, os.Args[1:]))
	}
	testenv.Main(m, testenv.Options{BuildKdx: true, Parallel: parallel, MaxAlone: maxAlone})
}

// parallel and maxAlone are TestMain's testenv.Options.Parallel and
// MaxAlone.
const (
	parallel = 4
	maxAlone = 3
)
