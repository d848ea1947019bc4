package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/internal/testenv"
)

// pagingObjects is the number of ConfigMaps listed across a compaction, in
// pages of 50; with pagingData bytes each, the pipe and kdx's buffers hold
// about two pages, so most pages are asked for after the compaction.
const (
	pagingObjects = 300
	pagingData    = 4096
)

// TestGetAcrossCompaction lists ConfigMaps from etcd (a server without the
// watch cache, as older servers read continued pages) with a reader that
// stops reading after the first bytes, writes, compacts etcd and only then
// reads the rest: the continue token of the pages still to come has
// expired, and kdx goes on with the token of the server's 410.
//
// Such a list is still a complete answer about the objects that existed
// throughout: each appears exactly once, and the command exits 0 with one
// warning that objects changed meanwhile may show either state (kubectl
// stops with an error and a document cut in the middle).
func TestGetAcrossCompaction(t *testing.T) {
	t.Parallel()
	shared := testenv.Alone(t)
	env, err := testenv.Start(t.Context(), testenv.Options{BinDir: shared.BinDir, NoControllerManager: true, NoWatchCache: true})
	if err != nil {
		t.Fatalf("failed to start a control plane without the watch cache: %v", err)
	}
	t.Cleanup(env.Stop)
	cs, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			ns := env.Namespace(t)
			createPagingConfigMaps(t, cs, ns)
			stdout, stderr, code := getWhileCompacting(t, env, cs, ns, format)
			if code != 0 {
				t.Errorf("got exit code %d, want 0; stderr:\n%s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "Warning: the list of configmaps ") || !strings.Contains(lines[0], "continue token expired") {
				t.Errorf("got stderr %q, want one warning that the continue token of configmaps expired", stderr)
			}
			counts := listedNames(t, format, stdout)
			for i := range pagingObjects - 1 { // the last one is deleted meanwhile
				if name := pagingName(i); counts[name] != 1 {
					t.Errorf("%s listed %d times, want once", name, counts[name])
				}
			}
			for _, name := range []string{pagingName(pagingObjects - 1), "created-meanwhile"} {
				if counts[name] > 1 {
					t.Errorf("%s listed %d times, want at most once", name, counts[name])
				}
			}
		})
	}
}

// pagingName is the name of the i-th ConfigMap, in the order they list.
func pagingName(i int) string { return fmt.Sprintf("cm-%03d", i) }

// createPagingConfigMaps creates the ConfigMaps, a few at a time.
func createPagingConfigMaps(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	data := map[string]string{"data": strings.Repeat("x", pagingData)}
	names := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for name := range names {
				cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: data}
				if _, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
					t.Errorf("failed to create ConfigMap %s: %v", name, err)
				}
			}
		})
	}
	for i := range pagingObjects {
		names <- pagingName(i)
	}
	close(names)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// getWhileCompacting runs `kdx get configmaps` in pages of 50, reads the
// first bytes of its output (the list has begun), creates, changes and
// deletes a ConfigMap, compacts etcd and reads the rest.
func getWhileCompacting(t *testing.T, env *testenv.Env, cs kubernetes.Interface, ns, format string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := env.KdxCommand(ctx, t, "get", "configmaps", "-n", ns, "--chunk-size", "50", "-o", format)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := io.CopyN(&out, pipe, pagingData); err != nil {
		t.Fatalf("failed to read the first bytes of kdx's output: %v; stderr:\n%s", err, stderr.String())
	}
	writeMeanwhile(t, cs, ns)
	rev, err := env.CompactEtcd(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("compacted etcd at revision %d after reading %d bytes", rev, out.Len())
	if _, err := io.Copy(&out, pipe); err != nil {
		t.Errorf("failed to read kdx's output: %v", err)
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("kdx did not end: %v", err)
	}
	return out.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

// writeMeanwhile creates, changes and deletes a ConfigMap while a list is
// under way, which also moves etcd's revision past the list's.
func writeMeanwhile(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	cms := cs.CoreV1().ConfigMaps(ns)
	created := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "created-meanwhile"}}
	if _, err := cms.Create(t.Context(), created, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	patch := []byte(`{"data":{"changed":"meanwhile"}}`)
	if _, err := cms.Patch(t.Context(), pagingName(pagingObjects-2), "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(t.Context(), pagingName(pagingObjects-1), metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// listedNames decodes kdx's output, which must be one List document, and
// counts the names of its items.
func listedNames(t *testing.T, format, out string) map[string]int {
	t.Helper()
	var list struct {
		Kind  string `json:"kind"`
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		} `json:"items"`
	}
	var err error
	if format == "yaml" {
		err = yaml.Unmarshal([]byte(out), &list)
		if err == nil && strings.Contains(out, "\n---") {
			err = fmt.Errorf("more than one document")
		}
	} else {
		dec := json.NewDecoder(strings.NewReader(out))
		err = dec.Decode(&list)
		if err == nil && dec.More() {
			err = fmt.Errorf("more than one document")
		}
	}
	if err != nil || list.Kind != "List" {
		end := out[max(0, len(out)-200):]
		t.Fatalf("got output that is not one List document (%v, kind %q); it ends with:\n%s", err, list.Kind, end)
	}
	counts := map[string]int{}
	for _, it := range list.Items {
		counts[it.Metadata.Name]++
	}
	return counts
}
