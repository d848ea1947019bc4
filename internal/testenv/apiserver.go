package testenv

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// apiserverArgs returns the flags of a kube-apiserver on port over e's etcd.
func (e *Env) apiserverArgs(port int) []string {
	args := []string{
		"--etcd-servers=" + e.etcdURL,
		"--secure-port=" + strconv.Itoa(port),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none", // a loopback advertise address is not a valid endpoint
		"--cert-dir=" + filepath.Dir(e.pki.certFile),
		"--tls-cert-file=" + e.pki.certFile,
		"--tls-private-key-file=" + e.pki.keyFile,
		"--token-auth-file=" + e.pki.tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + e.pki.saPubFile,
		"--service-account-signing-key-file=" + e.pki.saKeyFile,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		"--v=1",
	}
	if e.opts.NoWatchCache {
		args = append(args, "--watch-cache=false")
	}
	return args
}

// startAPIServer starts a kube-apiserver named name on port (a free one when
// 0) and waits until /readyz answers ok. It returns the process and its port.
func (e *Env) startAPIServer(ctx context.Context, name string, port int) (*process, int, error) {
	pick := port == 0
	p, err := withPortRetry(func() (*process, error) {
		if pick {
			var err error
			if port, err = freePort(); err != nil {
				return nil, err
			}
		}
		return e.tryStartAPIServer(ctx, name, port)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("failed to start %s: %w", name, err)
	}
	return p, port, nil
}

// tryStartAPIServer starts a kube-apiserver once and waits for /readyz.
func (e *Env) tryStartAPIServer(ctx context.Context, name string, port int) (*process, error) {
	clientset, err := kubernetes.NewForConfig(e.adminConfig(apiserverURL(port)))
	if err != nil {
		return nil, fmt.Errorf("failed to create client: %w", err)
	}
	client := clientset.Discovery().RESTClient()
	start := func() (*process, error) {
		bin := filepath.Join(e.BinDir, "kube-apiserver")
		p, err := startProcess(name, bin, e.logPath(name), e.apiserverArgs(port))
		if p != nil {
			p.grace = apiserverStopGrace
		}
		return p, err
	}
	return startReady(ctx, start, func(ctx context.Context) error { return readyz(ctx, client) })
}

// readyz reports whether the apiserver's /readyz answers ok.
func readyz(ctx context.Context, client rest.Interface) error {
	body, err := client.Get().AbsPath("/readyz").Timeout(pollTimeout).DoRaw(ctx)
	if err != nil && len(body) > 0 {
		return fmt.Errorf("readyz: %s", failedChecks(body))
	}
	if err != nil {
		return fmt.Errorf("readyz: %w", err)
	}
	if string(body) != "ok" {
		return fmt.Errorf("readyz said %q", body)
	}
	return nil
}

// failedChecks returns the failed checks ("[-]...") of a verbose /readyz body.
func failedChecks(body []byte) string {
	var failed []string
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "[-]") {
			failed = append(failed, strings.TrimSuffix(strings.TrimPrefix(line, "[-]"), " failed: reason withheld"))
		}
	}
	if len(failed) == 0 {
		return strings.TrimSpace(string(body))
	}
	return "failed checks: " + strings.Join(failed, ", ")
}

// apiserverURL returns the URL of an apiserver on a loopback port.
func apiserverURL(port int) string {
	return "https://127.0.0.1:" + strconv.Itoa(port)
}

// StopAPIServer stops the main kube-apiserver, leaving etcd, the controller
// manager and any extra apiservers running. Tests that use it disturb every
// other test sharing the Env, so they should not run in parallel.
func (e *Env) StopAPIServer() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.apiserver.stop()
	e.apiserver = nil
}

// StartAPIServer starts the main kube-apiserver again on the same port, with
// the same etcd and certificates, and waits until it is ready. It does
// nothing when the apiserver is running.
func (e *Env) StartAPIServer(ctx context.Context) error {
	ctx, cancel := e.whileAlive(ctx)
	defer cancel()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return fmt.Errorf("failed to start kube-apiserver: the control plane was stopped")
	}
	if e.apiserver != nil && !e.apiserver.exited() {
		return nil
	}
	p, _, err := e.startAPIServer(ctx, "kube-apiserver", e.port)
	if err != nil {
		return err
	}
	e.apiserver = p
	return nil
}

// RestartAPIServer stops the main kube-apiserver and starts it again.
func (e *Env) RestartAPIServer(ctx context.Context) error {
	e.StopAPIServer()
	return e.StartAPIServer(ctx)
}

// StartExtraAPIServer starts a second kube-apiserver on another port over
// the same etcd, so a test can write while the main one is down. It returns
// an admin config for it and a function that stops it; Stop stops it too.
func (e *Env) StartExtraAPIServer(ctx context.Context) (*rest.Config, func(), error) {
	ctx, cancel := e.whileAlive(ctx)
	defer cancel()
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		return nil, nil, fmt.Errorf("failed to start extra kube-apiserver: the control plane was stopped")
	}
	e.extraCount++
	name := fmt.Sprintf("kube-apiserver-extra-%d", e.extraCount)
	e.mu.Unlock()
	p, port, err := e.startAPIServer(ctx, name, 0)
	if err != nil {
		return nil, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		p.stop()
		return nil, nil, fmt.Errorf("failed to start extra kube-apiserver: the control plane was stopped")
	}
	e.extras = append(e.extras, p)
	return e.adminConfig(apiserverURL(port)), p.stop, nil
}
