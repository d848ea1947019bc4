package testenv

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
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

// CompactEtcd compacts etcd's history up to its current revision, removing
// the old revisions at once (physical), and returns that revision. A list
// read from etcd at an older revision (see Options.NoWatchCache) then gets
// 410 Expired for its next page, as it would after the compaction
// kube-apiserver runs every five minutes.
func (e *Env) CompactEtcd(ctx context.Context) (int64, error) {
	// A range of any key answers with the store's header revision.
	var rng struct {
		Header struct {
			Revision int64 `json:"revision,string"`
		} `json:"header"`
	}
	if err := etcdPost(ctx, e.etcdURL+"/v3/kv/range", map[string]any{"key": base64.StdEncoding.EncodeToString([]byte("/"))}, &rng); err != nil {
		return 0, fmt.Errorf("failed to read etcd's revision: %w", err)
	}
	rev := rng.Header.Revision
	if rev == 0 {
		return 0, errors.New("failed to read etcd's revision: the answer has none")
	}
	if err := etcdPost(ctx, e.etcdURL+"/v3/kv/compaction", map[string]any{"revision": rev, "physical": true}, nil); err != nil {
		return 0, fmt.Errorf("failed to compact etcd at revision %d: %w", rev, err)
	}
	return rev, nil
}

// etcdPost posts body as JSON to etcd's HTTP gateway and decodes the
// answer into out (nil to drop it).
func etcdPost(ctx context.Context, url string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(raw))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}
