package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
)

// Env is a running control plane: etcd, kube-apiserver and (unless
// Options.NoControllerManager) kube-controller-manager, with its state in Dir.
type Env struct {
	// Config is an admin (system:masters) config without client rate limits.
	// It is shared: copy it with rest.CopyConfig before changing it.
	Config *rest.Config
	// RestrictedConfig is the config of the "restricted" user, who has no RBAC rights.
	RestrictedConfig *rest.Config
	// Kubeconfig is the path of a kubeconfig with the cluster "testenv" and the
	// contexts "admin" (current, namespace default) and "restricted".
	Kubeconfig string
	// URL is the main kube-apiserver's URL.
	URL string
	// Dir holds the control plane's state, certificates and logs; Stop removes it.
	Dir string
	// BinDir holds the etcd, kube-apiserver, kube-controller-manager and kubectl binaries.
	BinDir string

	// opts are the options Start was called with, defaults filled in.
	opts Options
	// pki holds the keys, certificates and tokens.
	pki *pki
	// etcdURL is etcd's client URL.
	etcdURL string
	// port is the main kube-apiserver's port, kept across restarts.
	port int
	// etcd and kcm are set by Start and cleared only by Stop.
	etcd, kcm *process
	// alive ends when Stop begins, cancelling apiserver starts under way.
	alive context.Context
	// kill ends alive.
	kill context.CancelFunc

	// mu guards apiserver, extras, extraCount and stopped.
	mu sync.Mutex
	// apiserver is the main kube-apiserver, nil while stopped.
	apiserver *process
	// extras are the apiservers started by StartExtraAPIServer.
	extras []*process
	// extraCount numbers the extra apiservers' logs.
	extraCount int
	// stopped is set by Stop.
	stopped bool

	// homesMu guards homes.
	homesMu sync.Mutex
	// homes maps a running test to its HOME for Kdx and RunKubectl.
	homes map[testing.TB]string
}

// Start starts a control plane on free loopback ports with its state in a new
// temporary directory, building missing binaries first. It returns once the
// apiserver is ready and, with a controller manager, once the default service
// account exists. ctx bounds the start only: the control plane runs until
// Stop. On error nothing is left running.
func Start(ctx context.Context, opts Options) (*Env, error) {
	opts = opts.withDefaults()
	if err := ensureBinaries(ctx, opts.BinDir, opts.BuildOutput); err != nil {
		return nil, err
	}
	dir, err := makeOwnedTemp(opts.Dir, "kdx-testenv-")
	if err != nil {
		return nil, fmt.Errorf("failed to create state directory: %w", err)
	}
	e := &Env{Dir: dir, BinDir: opts.BinDir, opts: opts, homes: map[testing.TB]string{}}
	e.alive, e.kill = context.WithCancel(context.Background())
	ctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	if err := e.start(ctx); err != nil {
		e.Stop()
		return nil, err
	}
	started.Add(1)
	return e, nil
}

// start runs the steps of Start after the state directory exists.
func (e *Env) start(ctx context.Context) error {
	if err := os.Mkdir(filepath.Join(e.Dir, "logs"), 0o755); err != nil {
		return fmt.Errorf("failed to create log directory: %w", err)
	}
	var err error
	if e.pki, err = newPKI(filepath.Join(e.Dir, "pki")); err != nil {
		return err
	}
	if err := e.startEtcd(ctx); err != nil {
		return err
	}
	if err := e.startMainAPIServer(ctx); err != nil {
		return err
	}
	if e.opts.NoControllerManager {
		return nil
	}
	return e.startControllerManager(ctx)
}

// startMainAPIServer starts the main apiserver on a free port and fills in
// URL, Config, RestrictedConfig and Kubeconfig.
func (e *Env) startMainAPIServer(ctx context.Context) error {
	p, port, err := e.startAPIServer(ctx, "kube-apiserver", 0)
	if err != nil {
		return err
	}
	e.apiserver, e.port, e.URL = p, port, apiserverURL(port)
	e.Config = e.adminConfig(e.URL)
	e.RestrictedConfig = e.tokenConfig(e.URL, e.pki.restrictedToken)
	e.Kubeconfig = filepath.Join(e.Dir, "kubeconfig")
	return e.writeKubeconfig(e.Kubeconfig)
}

// Kubectl returns the path of the kubectl binary of the same version.
func (e *Env) Kubectl() string {
	return filepath.Join(e.BinDir, "kubectl")
}

// Stop stops every component (SIGTERM, then SIGKILL after a few seconds) and
// removes Dir. It is safe to call more than once.
func (e *Env) Stop() {
	e.kill()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return
	}
	e.stopped = true
	e.kcm.stop()
	for _, p := range e.extras {
		p.stop()
	}
	e.apiserver.stop()
	e.etcd.stop()
	_ = os.RemoveAll(e.Dir)
}

// whileAlive returns ctx, also cancelled when Stop begins.
func (e *Env) whileAlive(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(e.alive, cancel)
	return ctx, func() { stop(); cancel() }
}
