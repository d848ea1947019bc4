package testenv

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
)

// startEtcd starts a single-member etcd on free loopback ports and sets e.etcdURL.
func (e *Env) startEtcd(ctx context.Context) error {
	p, err := withPortRetry(func() (*process, error) { return e.tryStartEtcd(ctx) })
	if err != nil {
		return fmt.Errorf("failed to start etcd: %w", err)
	}
	e.etcd = p
	return nil
}

// tryStartEtcd starts etcd once on newly picked ports and waits for /health.
func (e *Env) tryStartEtcd(ctx context.Context) (*process, error) {
	clientPort, err := freePort()
	if err != nil {
		return nil, err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, err
	}
	clientURL := fmt.Sprintf("http://127.0.0.1:%d", clientPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	args := etcdArgs(filepath.Join(e.Dir, "etcd"), clientURL, peerURL)
	start := func() (*process, error) {
		return startProcess("etcd", filepath.Join(e.BinDir, "etcd"), e.logPath("etcd"), args)
	}
	p, err := startReady(ctx, start, func(ctx context.Context) error { return etcdHealthy(ctx, clientURL) })
	if err == nil {
		e.etcdURL = clientURL
	}
	return p, err
}

// etcdArgs returns the flags of a throwaway single-member etcd.
func etcdArgs(dataDir, clientURL, peerURL string) []string {
	return []string{
		"--name=testenv",
		"--data-dir=" + dataDir,
		"--listen-client-urls=" + clientURL,
		"--advertise-client-urls=" + clientURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=testenv=" + peerURL,
		"--initial-cluster-state=new",
		"--unsafe-no-fsync=true",
		"--quota-backend-bytes=2147483648",
		"--log-level=warn",
	}
}

// etcdHealthy reports whether etcd's /health says it is healthy.
func etcdHealthy(ctx context.Context, clientURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, clientURL+"/health", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"health":"true"`) {
		return fmt.Errorf("etcd not healthy: %s %s", resp.Status, body)
	}
	return nil
}
