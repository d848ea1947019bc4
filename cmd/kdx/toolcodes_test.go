package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/cli/root"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/testenv"
)

// hangingKubeconfig is a kubeconfig whose server, on 127.0.0.1, accepts
// connections and never answers.
func hangingKubeconfig(t *testing.T) string {
	t.Helper()
	kc, _ := testenv.HangingServer(t)
	return kc
}

// runKdx runs kdx in this process with args and ctx, HOME and its caches in
// a directory of t; it returns what it printed and its exit code.
func runKdx(ctx context.Context, t *testing.T, args ...string) testenv.Result {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	var out, errOut bytes.Buffer
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut}
	code := cli.Execute(ctx, root.New("kdx", streams), args, &errOut)
	return testenv.Result{Stdout: out.String(), Stderr: errOut.String(), ExitCode: code}
}

// TestToolExitCodesOnFailure checks that every failure of diff and grep,
// commands modelled on diff(1) and grep(1), exits 2, the code of trouble,
// never 1, their answer (differences found, nothing matched).
func TestToolExitCodesOnFailure(t *testing.T) {
	dir := t.TempDir()
	good := testenv.WriteFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v}\n")
	dup := testenv.WriteFile(t, dir, "dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v, k: w}\n")
	bomb := testenv.WriteFile(t, dir, "bomb.yaml", testenv.YAMLBomb)
	tree := t.TempDir()
	down := testenv.UnreachableKubeconfig(t)
	hangs := hangingKubeconfig(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"diff: a missing file", []string{"--kubeconfig", down, "diff", "-f", filepath.Join(dir, "missing.yaml")}},
		{"diff: a missing directory", []string{"--kubeconfig", down, "diff", "configmaps", "--dir", filepath.Join(dir, "missing")}},
		{"diff: a duplicate field", []string{"--kubeconfig", down, "diff", "-f", dup}},
		{"diff: a YAML bomb", []string{"--kubeconfig", down, "diff", "-f", bomb}},
		{"diff: an unknown flag", []string{"--kubeconfig", down, "diff", "-f", good, "--no-such-flag"}},
		{"diff: a refused flag", []string{"--kubeconfig", down, "diff", "-f", good, "-o", "json"}},
		{"diff: neither -f nor --dir", []string{"--kubeconfig", down, "diff"}},
		{"diff -f: unreachable", []string{"--kubeconfig", down, "diff", "-f", good}},
		{"diff --dir: unreachable", []string{"--kubeconfig", down, "diff", "configmaps", "--dir", tree}},
		{"diff -f: hangs", []string{"--kubeconfig", hangs, "--request-timeout", "1s", "diff", "-f", good}},
		{"diff --dir: hangs", []string{"--kubeconfig", hangs, "--request-timeout", "1s", "diff", "configmaps", "--dir", tree}},
		{"grep: an invalid pattern", []string{"--kubeconfig", down, "grep", "a(", "configmaps"}},
		{"grep: an unknown flag", []string{"--kubeconfig", down, "grep", "a", "configmaps", "--no-such-flag"}},
		{"grep: a refused flag", []string{"--kubeconfig", down, "grep", "a", "configmaps", "--exclude", "pods"}},
		{"grep: unreachable", []string{"--kubeconfig", down, "grep", "a", "configmaps"}},
		{"grep: hangs", []string{"--kubeconfig", hangs, "--request-timeout", "1s", "grep", "a", "configmaps"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runKdx(context.Background(), t, tc.args...)
			if res.ExitCode != 2 || !strings.HasPrefix(res.Stderr, "error: ") {
				t.Errorf("exit %d (want 2), stdout %q, stderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
			if n := strings.Count(strings.TrimSpace(res.Stderr), "\n"); n > 0 {
				t.Errorf("the error is %d lines, want one:\n%s", n+1, res.Stderr)
			}
		})
	}
}

// TestToolExitCodesWhenInterrupted interrupts diff and grep (as Ctrl-C
// does, by cancelling their context) while the server does not answer:
// they exit 2, not 1 (differences found, nothing matched) nor 0.
func TestToolExitCodesWhenInterrupted(t *testing.T) {
	dir := t.TempDir()
	good := testenv.WriteFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v}\n")
	hangs := hangingKubeconfig(t)
	for _, args := range [][]string{
		{"diff", "-f", good},
		{"diff", "configmaps", "--dir", t.TempDir()},
		{"grep", "a", "configmaps"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(500*time.Millisecond, cancel)
			res := runKdx(ctx, t, append([]string{"--kubeconfig", hangs}, args...)...)
			if res.ExitCode != 2 {
				t.Errorf("exit %d (want 2), stdout %q, stderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
		})
	}
}

// stallingServer is an API server on 127.0.0.1 that serves the discovery
// of ConfigMaps and answers a read of them with the start of a body, then
// nothing until the client goes away; started is closed when it has.
func stallingServer(t *testing.T) (kubeconfig string, started <-chan struct{}) {
	t.Helper()
	res := apidiscoveryv2.APIResourceDiscovery{Resource: "configmaps", SingularResource: "configmap",
		ResponseKind: &metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Scope: apidiscoveryv2.ScopeNamespace,
		Verbs: []string{"get", "list", "patch"}, ShortNames: []string{"cm"}}
	docs := map[string]apidiscoveryv2.APIGroupDiscoveryList{
		"/api": {Items: []apidiscoveryv2.APIGroupDiscovery{{Versions: []apidiscoveryv2.APIVersionDiscovery{
			{Version: "v1", Resources: []apidiscoveryv2.APIResourceDiscovery{res}, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent}}}}},
		"/apis": {},
	}
	ch := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if doc, ok := docs[r.URL.Path]; ok {
			doc.Kind, doc.APIVersion = "APIGroupDiscoveryList", "apidiscovery.k8s.io/v2"
			w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
			_ = json.NewEncoder(w).Encode(doc)
			return
		}
		if r.URL.Path == "/api/v1/namespaces/default" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"default"}}`)
			return
		}
		if !strings.Contains(r.URL.Path, "/configmaps") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[`)
		w.(http.Flusher).Flush()
		once.Do(func() { close(ch) })
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "stalls", Config: &rest.Config{Host: srv.URL}}), ch
}

// TestToolInterruptedMidBody interrupts diff and grep while the server is
// sending a body: they exit 2 with one line, and client-go's klog line
// about the body it could not read is not printed.
func TestToolInterruptedMidBody(t *testing.T) {
	var klogOut bytes.Buffer
	klog.LogToStderr(false)
	klog.SetOutput(&klogOut)
	t.Cleanup(func() { klog.SetOutput(io.Discard); klog.LogToStderr(true) })
	dir := t.TempDir()
	good := testenv.WriteFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v}\n")
	for _, args := range [][]string{
		{"grep", "a", "configmaps"},
		{"diff", "configmaps", "--dir", t.TempDir()},
		{"diff", "-f", good},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			klogOut.Reset()
			kc, started := stallingServer(t)
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				select {
				case <-started:
					time.Sleep(300 * time.Millisecond) // for the client to be reading the body
				case <-time.After(20 * time.Second):
				}
				cancel()
			}()
			res := runKdx(ctx, t, append([]string{"--kubeconfig", kc}, args...)...)
			klog.Flush()
			if res.ExitCode != 2 || res.Stderr != "error: interrupted\n" || klogOut.Len() > 0 {
				t.Errorf("exit %d (want 2), stderr %q (want one line), klog:\n%s", res.ExitCode, res.Stderr, klogOut.String())
			}
		})
	}
}
