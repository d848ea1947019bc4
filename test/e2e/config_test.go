package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestConnectionErrors runs kdx with each kind of broken configuration and
// checks the one line a user sees, the exit code, and that nothing panicked.
func TestConnectionErrors(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	dir := t.TempDir()
	malformed := testenv.WriteFile(t, dir, "malformed", "apiVersion: v1\nkind: Config\nclusters: [this is: not valid\n")
	empty := testenv.WriteFile(t, dir, "empty", "")
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"missing kubeconfig file", nil, []string{"--kubeconfig", filepath.Join(dir, "nope"), "version"},
			`error: kubeconfig "` + filepath.Join(dir, "nope") + `" not found`},
		{"malformed kubeconfig", nil, []string{"--kubeconfig", malformed, "version"},
			`error: kubeconfig is not valid: `},
		{"no kubeconfig at all", []string{"KUBECONFIG=" + empty}, []string{"version"},
			`error: no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config) and not running inside a cluster`},
		{"unknown context", nil, []string{"--context", "staging", "version"},
			`error: context "staging" not found in kubeconfig (available: admin, restricted)`},
		{"unreachable server", nil, []string{"--server", "https://" + closedAddr(t), "--insecure-skip-tls-verify", "version"},
			`error: cannot reach the server at https://` + closedAddr(t) + `: connection refused`},
		{"bad token", nil, []string{"--token", "not-a-valid-token", "version"},
			`error: You must be logged in to the server (Unauthorized)`},
		{"unknown flag", nil, []string{"version", "--bogus"},
			`error: unknown flag: --bogus`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := env.KdxIn(t, nil, tt.env, tt.args...)
			if res.ExitCode != 1 {
				t.Errorf("exit code = %d, want 1; stderr:\n%s", res.ExitCode, res.Stderr)
			}
			if !strings.HasPrefix(res.Stderr, tt.want) {
				t.Errorf("stderr = %q\nwant it to start with %q", res.Stderr, tt.want)
			}
			assertNoCrash(t, res)
		})
	}
}

// TestKubeconfigSources checks that kdx finds the cluster the way kubectl does.
func TestKubeconfigSources(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	first, second := splitKubeconfig(t, env.Kubeconfig)
	tests := []struct {
		name string
		env  []string
		args []string
	}{
		{"--kubeconfig", []string{"KUBECONFIG=/nonexistent"}, []string{"--kubeconfig", env.Kubeconfig, "version"}},
		{"KUBECONFIG with two merged files", []string{"KUBECONFIG=" + first + string(os.PathListSeparator) + second}, []string{"version"}},
		{"context from the second file", []string{"KUBECONFIG=" + first + string(os.PathListSeparator) + second}, []string{"--context", "restricted", "version"}},
		{"~/.kube/config by default", []string{"KUBECONFIG="}, []string{"version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runEnv := tt.env
			if tt.name == "~/.kube/config by default" {
				home := t.TempDir()
				copyFile(t, env.Kubeconfig, filepath.Join(home, ".kube", "config"))
				runEnv = append(runEnv, "HOME="+home)
			}
			res := env.KdxIn(t, nil, runEnv, tt.args...)
			if res.ExitCode != 0 || !strings.Contains(res.Stdout, "Server Version: "+testenv.Version) {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
		})
	}
}

// TestRestrictedUser checks the message of a 403 for a user without RBAC rights.
func TestRestrictedUser(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	res := env.Kdx(t, "--context", "restricted", "get", "configmaps", "-n", "default")
	want := `error: configmaps is forbidden: User "restricted" cannot list resource "configmaps" in API group "" in the namespace "default"`
	if res.ExitCode != 1 || !strings.HasPrefix(res.Stderr, want) {
		t.Fatalf("exit %d, stderr %q\nwant exit 1 and %q", res.ExitCode, res.Stderr, want)
	}
	assertNoCrash(t, res)
}

// TestNoSecretsInLogs runs kdx at the highest verbosity and checks that the
// token appears nowhere in its output.
func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	token := adminToken(t, env.Kubeconfig)
	for _, v := range []string{"6", "8", "10"} {
		res := env.Kdx(t, "-v", v, "version")
		if res.ExitCode != 0 {
			t.Fatalf("-v %s: exit %d: %s", v, res.ExitCode, res.Stderr)
		}
		if strings.Contains(res.Stdout+res.Stderr, token) {
			t.Errorf("-v %s printed the bearer token", v)
		}
	}
	res := env.Kdx(t, "-v", "10", "--token", "s3cr3t-from-flag", "version")
	if strings.Contains(res.Stdout+res.Stderr, "s3cr3t-from-flag") {
		t.Errorf("-v 10 printed the --token value")
	}
}

// TestVersion checks the client and server versions in each format.
func TestVersion(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	res := env.Kdx(t, "version", "-o", "json")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, `"serverVersion": {`) || !strings.Contains(res.Stdout, `"gitVersion": "v1.37.2"`) {
		t.Errorf("version -o json: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "version", "-o", "yaml")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, "serverVersion:\n") {
		t.Errorf("version -o yaml: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.KdxIn(t, nil, []string{"KUBECONFIG=/nonexistent"}, "version", "--client")
	if res.ExitCode != 0 || !strings.HasPrefix(res.Stdout, "Client Version: ") || strings.Contains(res.Stdout, "Server") {
		t.Errorf("version --client: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "version", "-o", "toml")
	if res.ExitCode != 1 || !strings.HasPrefix(res.Stderr, `error: unable to match a printer suitable for the output format "toml", allowed formats are: json,yaml`) {
		t.Errorf("version -o toml: exit %d\n%s", res.ExitCode, res.Stderr)
	}
}

// TestKubectlPlugin runs kdx as `kubectl kdx` through kubectl v1.37.2.
func TestKubectlPlugin(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	dir := t.TempDir()
	if err := os.Symlink(testenv.KdxBinary(t), filepath.Join(dir, "kubectl-kdx")); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH")
	res := env.RunKubectlIn(t, nil, []string{path}, "kdx", "version")
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, "Server Version: v1.37.2") {
		t.Fatalf("kubectl kdx version: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.RunKubectlIn(t, nil, []string{path}, "kdx", "--help")
	if !strings.Contains(res.Stdout, "kubectl kdx [command]") {
		t.Errorf("kubectl kdx --help does not present itself as a plugin:\n%s", res.Stdout)
	}
	// examples as they can be pasted
	res = env.RunKubectlIn(t, nil, []string{path}, "kdx", "get", "--help")
	if !strings.Contains(res.Stdout, "\n  kubectl kdx get pods -A -o wide\n") || strings.Contains(res.Stdout, "\n  kdx ") {
		t.Errorf("kubectl kdx get --help: the examples do not say kubectl kdx:\n%s", res.Stdout)
	}
}

func assertNoCrash(t *testing.T, res testenv.Result) {
	t.Helper()
	for _, bad := range []string{"panic:", "goroutine ", "internal error"} {
		if strings.Contains(res.Stderr, bad) {
			t.Errorf("stderr shows a crash (%q):\n%s", bad, res.Stderr)
		}
	}
	if n := strings.Count(strings.TrimSpace(res.Stderr), "\n"); res.ExitCode != 0 && n > 1 {
		t.Errorf("error is %d lines, want one:\n%s", n+1, res.Stderr)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// closedAddr's address, found once.
var (
	closedOnce sync.Once
	closed     string
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	closedOnce.Do(func() {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed = l.Addr().String()
		l.Close()
	})
	return closed
}

// splitKubeconfig writes the kubeconfig at path as two files that only work
// merged: clusters, users and the admin context in the first; the restricted
// context and the current context in the second.
func splitKubeconfig(t *testing.T, path string) (string, string) {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := clientcmdapi.NewConfig(), clientcmdapi.NewConfig()
	a.Clusters, a.AuthInfos = cfg.Clusters, cfg.AuthInfos
	a.Contexts["admin"] = cfg.Contexts["admin"]
	b.Contexts["restricted"] = cfg.Contexts["restricted"]
	b.CurrentContext = "admin"
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	for file, c := range map[string]*clientcmdapi.Config{first: a, second: b} {
		if err := clientcmd.WriteToFile(*c, file); err != nil {
			t.Fatal(err)
		}
	}
	return first, second
}

func adminToken(t *testing.T, path string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	user := cfg.Contexts["admin"].AuthInfo
	if tok := cfg.AuthInfos[user].Token; tok != "" {
		return tok
	}
	t.Fatal("admin user has no token")
	return ""
}
