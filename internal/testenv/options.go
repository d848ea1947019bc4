package testenv

import (
	"io"
	"os"
	"time"
)

// Version is the Kubernetes version of the control plane and of kubectl.
const Version = "v1.37.2"

// defaultStartTimeout bounds how long Start waits for the control plane when
// Options.StartTimeout is zero. Building missing binaries is not counted.
const defaultStartTimeout = 3 * time.Minute

// Options configures Start.
type Options struct {
	// BinDir holds the etcd, kube-apiserver, kube-controller-manager and kubectl
	// binaries; empty means DefaultBinDir(). Missing binaries are built into it.
	BinDir string
	// Dir is where the temporary state directory is created; empty means the
	// system temporary directory.
	Dir string
	// NoControllerManager skips kube-controller-manager: no namespace cleanup,
	// no service accounts, no deployments turning into pods.
	NoControllerManager bool
	// NoWatchCache starts kube-apiserver with --watch-cache=false, so that
	// lists, continued pages too, are read from etcd as older servers read
	// them: a compaction of etcd (CompactEtcd) then expires the continue
	// token of a list under way.
	NoWatchCache bool
	// StartTimeout bounds how long Start waits for the components to be ready;
	// zero means three minutes.
	StartTimeout time.Duration
	// BuildKdx has Main build the kdx binary (KdxBinary) before the tests
	// run, for a package whose tests run it: no test then counts the build
	// in the time it measures. Start ignores it.
	BuildKdx bool
	// Parallel, when positive, is how many of the package's parallel tests
	// Main runs at once unless go test's -parallel is given (its default is
	// GOMAXPROCS). Start ignores it.
	Parallel int
	// MaxAlone, when positive, bounds how many control planes Alone keeps:
	// a test asking for one when that many are held waits for one to be
	// handed back. Zero: as many as the tests asking at once. Start
	// ignores it.
	MaxAlone int
	// BuildOutput receives the progress of testdata/controlplane/build.sh when
	// binaries have to be built; nil means os.Stderr.
	BuildOutput io.Writer
}

// withDefaults returns o with its zero fields filled in.
func (o Options) withDefaults() Options {
	if o.BinDir == "" {
		o.BinDir = DefaultBinDir()
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = defaultStartTimeout
	}
	if o.BuildOutput == nil {
		o.BuildOutput = os.Stderr
	}
	return o
}
