package cluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

func fleetOf(names ...string) *Fleet {
	f := &Fleet{}
	for _, n := range names {
		f.Clusters = append(f.Clusters, New(n, &rest.Config{Host: "https://127.0.0.1:1"}, "", Options{}))
	}
	return f
}

// TestEachOrderAndFailures: results come in the fleet's order whatever
// order the clusters finish in, a cluster's failure is its own result, and
// no more than Concurrency clusters are read at once.
func TestEachOrderAndFailures(t *testing.T) {
	f := fleetOf("a", "b", "c", "d")
	f.Concurrency = 2
	var running, most atomic.Int32
	delay := map[string]time.Duration{"a": 30 * time.Millisecond, "b": 0, "c": 10 * time.Millisecond, "d": 0}
	var got []string
	err := Each(context.Background(), f, func(ctx context.Context, c *Cluster) (string, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(delay[c.Name])
		if c.Name == "c" {
			return "", errors.New("down")
		}
		return "read " + c.Name, nil
	}, func(r Result[string]) error {
		if r.Err != nil {
			got = append(got, r.Cluster.Name+": "+r.Err.Error())
		} else {
			got = append(got, r.Value)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "read a|read b|c: down|read d"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
	if most.Load() > 2 {
		t.Errorf("%d clusters read at once, want at most 2", most.Load())
	}
}

// TestEachStops: an error of emit stops the fleet and is returned, as is
// the end of the context.
func TestEachStops(t *testing.T) {
	stop := errors.New("stop")
	var emitted int
	err := Each(context.Background(), fleetOf("a", "b", "c"), func(ctx context.Context, c *Cluster) (int, error) { return 0, nil },
		func(Result[int]) error { emitted++; return stop })
	if !errors.Is(err, stop) || emitted != 1 {
		t.Errorf("err %v after %d results, want stop after 1", err, emitted)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Each(ctx, fleetOf("a"), func(ctx context.Context, c *Cluster) (int, error) { return 0, ctx.Err() },
		func(Result[int]) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// TestLoad: the named contexts in the order named, each with its server
// and namespace; the current one when none is named; an unknown name is an
// error before any request.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "config")
	body := `apiVersion: v1
kind: Config
current-context: b
clusters:
- {name: a, cluster: {server: "https://127.0.0.1:1"}}
- {name: b, cluster: {server: "https://127.0.0.1:2"}}
users:
- {name: u, user: {token: t}}
contexts:
- {name: a, context: {cluster: a, user: u, namespace: team-a}}
- {name: b, context: {cluster: b, user: u}}
`
	if err := os.WriteFile(kc, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(kc, []string{"b", "a"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Names(), ","); got != "b,a" {
		t.Fatalf("names %s", got)
	}
	if f.Clusters[0].REST.Host != "https://127.0.0.1:2" || f.Clusters[1].Namespace != "team-a" || f.Clusters[0].Namespace != "default" {
		t.Errorf("clusters: %s %s, %s %s", f.Clusters[0].REST.Host, f.Clusters[0].Namespace, f.Clusters[1].REST.Host, f.Clusters[1].Namespace)
	}
	if f.Clusters[0].REST.QPS >= 0 {
		t.Errorf("QPS %v: kdx does not pace itself", f.Clusters[0].REST.QPS)
	}
	cur, err := Load(kc, nil, Options{})
	if err != nil || len(cur.Clusters) != 1 || cur.Clusters[0].Name != "b" {
		t.Fatalf("current context: %v %v", err, cur)
	}
	if _, err := Load(kc, []string{"a", "nope"}, Options{}); err == nil || !strings.Contains(err.Error(), `context "nope" not found`) {
		t.Errorf("unknown context: %v", err)
	}
}

// TestWarningsOnce: a cluster's warnings are written once each.
func TestWarningsOnce(t *testing.T) {
	var b strings.Builder
	c := New("a", &rest.Config{}, "", Options{Warnings: &b})
	for range 3 {
		c.Warnings().Write([]byte("Warning: skipped group x\n"))
	}
	c.Warnings().Write([]byte("Warning: other\n"))
	if b.String() != "Warning: skipped group x\nWarning: other\n" {
		t.Errorf("got %q", b.String())
	}
}
