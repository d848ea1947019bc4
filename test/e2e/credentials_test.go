package e2e

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/testenv"
)

// tokenKubeconfig writes a kubeconfig for an httptest TLS server with a
// bearer token and returns its path.
func tokenKubeconfig(t *testing.T, server *httptest.Server, token string) string {
	t.Helper()
	ca := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}))
	return testenv.WriteFile(t, t.TempDir(), "config", fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: %q, certificate-authority-data: %q}
users:
- name: u
  user: {token: %q}
contexts:
- name: c
  context: {cluster: c, user: u, namespace: default}
current-context: c
`, server.URL, ca, token))
}

// TestRedirectElsewhereIsNotFollowed: a server that redirects to another
// port, or from https to plain http, does not get kdx's token sent there
// (kubectl v1.37.2 sends it): kdx stops with one line naming both ends.
func TestRedirectElsewhereIsNotFollowed(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	const token = "s3cr3t-bearer-token"
	for _, tt := range []struct {
		name  string
		tls   bool // the redirect target is https
		other string
	}{
		{"another port", true, "port"},
		{"https to http", false, "scheme"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stolen atomic.Int32 // requests the redirect target got
			thief := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				stolen.Add(1)
				http.Error(w, "nothing here", http.StatusNotFound)
			}))
			if tt.tls {
				thief.StartTLS()
			} else {
				thief.Start()
			}
			defer thief.Close()
			var sent atomic.Value // the Authorization the server got
			server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				sent.Store(req.Header.Get("Authorization"))
				http.Redirect(w, req, thief.URL+req.URL.RequestURI(), http.StatusFound)
			}))
			defer server.Close()

			res := env.KdxIn(t, nil, []string{"KUBECONFIG=" + tokenKubeconfig(t, server, token)}, "get", "configmaps")
			if n := stolen.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests, want none", n)
			}
			if res.ExitCode != 1 {
				t.Errorf("exit code %d, want 1; stderr:\n%s", res.ExitCode, res.Stderr)
			}
			want := "error: refused to follow a redirect from " + server.URL + " to " + thief.URL + "/api"
			if !strings.HasPrefix(res.Stderr, want) || !strings.Contains(res.Stderr, "(another "+tt.other+"): kdx sends credentials only to the server it is configured for\n") {
				t.Errorf("stderr:\n%s\nwant one line starting %q", res.Stderr, want)
			}
			assertNoCrash(t, res)
			if got, _ := sent.Load().(string); got != "Bearer "+token {
				t.Errorf("the server got Authorization %q, want the token", got)
			}
		})
	}
}

// TestFailedCredentialPluginIsSaid: an exec credential plugin that fails
// is said to have failed, naming it, on one line; not "cannot reach the
// server".
func TestFailedCredentialPluginIsSaid(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	dir := t.TempDir()
	plugin := filepath.Join(dir, "get-token")
	writeExecutable(t, plugin, "#!/bin/sh\necho 'get-token: no session, log in first' >&2\nexit 1\n")
	kubeconfig := testenv.WriteFile(t, dir, "config", fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: %q, insecure-skip-tls-verify: true}
users:
- name: u
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: %q, interactiveMode: Never}
contexts:
- name: c
  context: {cluster: c, user: u, namespace: default}
current-context: c
`, env.URL, plugin))
	res := env.KdxIn(t, nil, []string{"KUBECONFIG=" + kubeconfig}, "get", "configmaps")
	if res.ExitCode != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", res.ExitCode, res.Stderr)
	}
	want := "error: the credential plugin failed: exec: executable " + plugin + " failed with exit code 1\n"
	var errors []string
	for _, line := range strings.SplitAfter(res.Stderr, "\n") {
		if strings.HasPrefix(line, "error: ") {
			errors = append(errors, line)
		}
	}
	if len(errors) != 1 || errors[0] != want {
		t.Errorf("stderr:\n%s\nwant one error line %q", res.Stderr, want)
	}
	if !strings.Contains(res.Stderr, "get-token: no session, log in first") {
		t.Errorf("stderr:\n%s\nwant the plugin's own message", res.Stderr)
	}
}

// writeExecutable writes a script at path.
func writeExecutable(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o700); err != nil {
		t.Fatal(err)
	}
}

// TestVerboseLogsMaskSecrets: at -v=10 client-go logs every request and
// response body whole; kdx's log shows no Secret value (kubectl v1.37.2's
// does) from get -o yaml, apply or diff -f, and no password of the server
// URL at -v=6, in its log or its discovery cache.
func TestVerboseLogsMaskSecrets(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	const (
		stored    = "czNjcjN0LXN0b3JlZA==" // base64 of s3cr3t-stored
		decoded   = "s3cr3t-stored"
		applied   = "s3cr3t-applied"
		diffed    = "s3cr3t-diffed"
		urlSecret = "hunter2-PASS"
	)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: %s}\ndata: {password: %q}\n", ns, stored))
	dir := t.TempDir()
	secretFile := func(name, value string) string {
		return testenv.WriteFile(t, dir, name, fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: %s}\nstringData: {token: %q}\n", ns, value))
	}
	checkLog := func(what string, res testenv.Result, leaks ...string) {
		t.Helper()
		for _, leak := range leaks {
			if strings.Contains(res.Stderr, leak) {
				t.Errorf("%s: the log shows %q:\n%s", what, leak, res.Stderr)
			}
		}
		if !strings.Contains(res.Stderr, `***`) {
			t.Errorf("%s: the log shows no masked value:\n%s", what, res.Stderr)
		}
	}

	get := env.Kdx(t, "-v=10", "get", "secret", "s", "-n", ns, "-o", "yaml")
	if get.ExitCode != 0 || !strings.Contains(get.Stdout, stored) || !strings.Contains(get.Stderr, "Response Body") {
		t.Fatalf("get: exit %d, want 0, the Secret on stdout and the bodies logged; stdout:\n%s\nstderr:\n%s", get.ExitCode, get.Stdout, get.Stderr)
	}
	checkLog("get -o yaml", get, stored, decoded)

	apply := env.Kdx(t, "-v=10", "apply", "-f", secretFile("applied.yaml", applied))
	if apply.ExitCode != 0 || !strings.Contains(apply.Stderr, "Request Body") {
		t.Fatalf("apply: exit %d, want 0 and the bodies logged; stderr:\n%s", apply.ExitCode, apply.Stderr)
	}
	checkLog("apply", apply, applied, base64.StdEncoding.EncodeToString([]byte(applied)), stored)

	diff := env.Kdx(t, "-v=10", "diff", "-f", secretFile("diffed.yaml", diffed))
	if diff.ExitCode != 1 || !strings.Contains(diff.Stderr, "Request Body") {
		t.Fatalf("diff -f: exit %d, want 1 and the bodies logged; stderr:\n%s", diff.ExitCode, diff.Stderr)
	}
	checkLog("diff -f", diff, diffed, base64.StdEncoding.EncodeToString([]byte(diffed)), applied, stored)

	// A password in the server's URL. Go sends it as basic auth, which the
	// server does not know: kdx is anonymous, and may read discovery (and
	// so write its cache) only if anonymous users may.
	allowAnonymousDiscovery(t, env)
	cfg, err := clientcmd.LoadFromFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cfg.Clusters {
		c.Server = strings.Replace(c.Server, "https://", "https://admin:"+urlSecret+"@", 1)
	}
	kubeconfig := filepath.Join(dir, "config")
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	withPassword := env.KdxIn(t, nil, []string{"KUBECONFIG=" + kubeconfig, "XDG_CACHE_HOME=" + cache}, "-v=6", "get", "configmaps", "-n", ns)
	if strings.Contains(withPassword.Stderr, urlSecret) || !strings.Contains(withPassword.Stderr, "https://admin:xxxxx@127.0.0.1:") {
		t.Errorf("-v=6 with a password in the server URL: want it masked (admin:xxxxx@) in every line; stderr:\n%s", withPassword.Stderr)
	}
	cached := 0
	err = filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
		if err != nil || strings.Contains(path, urlSecret) {
			t.Errorf("cache path %s: %v", path, err)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		cached++
		if b, _ := os.ReadFile(path); strings.Contains(string(b), urlSecret) {
			t.Errorf("the discovery cache file %s holds the URL's password", path)
		}
		return nil
	})
	if err != nil || cached == 0 {
		t.Errorf("no discovery cache written in %s (%v); stderr:\n%s", cache, err, withPassword.Stderr)
	}
}

// allowAnonymousDiscovery lets unauthenticated users read discovery until
// t ends.
func allowAnonymousDiscovery(t *testing.T, env *testenv.Env) {
	t.Helper()
	const name = "kdx-test-anonymous-discovery"
	env.Apply(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: `+name+`}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:discovery}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:unauthenticated}
`)
	t.Cleanup(func() {
		dc, err := dynamic.NewForConfig(env.Config)
		if err == nil {
			err = dc.Resource(schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}).
				Delete(context.Background(), name, metav1.DeleteOptions{})
		}
		if err != nil {
			t.Errorf("failed to delete the ClusterRoleBinding %s: %v", name, err)
		}
	})
}
