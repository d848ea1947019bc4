package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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

// yamlBomb is a "billion laughs": nine levels of aliases, each repeating
// the one before nine times.
var yamlBomb = func() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n")
	b.WriteString(`l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < 9; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(prev+",", 8) + prev + "]\n")
	}
	return b.String()
}()

// unreachableKubeconfig is a kubeconfig whose server is a closed port of
// 127.0.0.1. Its token, never sent, keeps kubectl from asking for a user
// name on stdin.
func unreachableKubeconfig(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "down", Config: &rest.Config{Host: "https://" + addr, BearerToken: "unused"}})
}

// hangingKubeconfig is a kubeconfig whose server, on 127.0.0.1, accepts
// connections and never answers.
func hangingKubeconfig(t *testing.T) string {
	t.Helper()
	kc, _ := hangingServer(t)
	return kc
}

// hangingServer is hangingKubeconfig's server, and a channel that receives
// a value for each connection it accepts (dropped when full).
func hangingServer(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	conns := make(chan struct{}, 1)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var accepted []net.Conn
		defer func() {
			for _, c := range accepted {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted = append(accepted, c)
			select {
			case conns <- struct{}{}:
			default:
			}
		}
	}()
	return testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "hangs", Config: &rest.Config{Host: "https://" + l.Addr().String(), BearerToken: "unused"}}), conns
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
	good := writeFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v}\n")
	dup := writeFile(t, dir, "dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v, k: w}\n")
	bomb := writeFile(t, dir, "bomb.yaml", yamlBomb)
	tree := t.TempDir()
	down := unreachableKubeconfig(t)
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
	good := writeFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v}\n")
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
	good := writeFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v}\n")
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

// interrupted runs bin with args against a server that never answers
// (hangingServer's), sends SIGINT once it is connected and waiting, and
// returns its stderr and exit code.
func interrupted(t *testing.T, kubeconfig string, conns <-chan struct{}, bin string, args ...string) (string, int) {
	t.Helper()
	for len(conns) > 0 {
		<-conns // an earlier run's
	}
	home := t.TempDir()
	cmd := exec.Command(bin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "KUBECACHEDIR="+filepath.Join(home, ".kube", "cache"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-conns:
		time.Sleep(200 * time.Millisecond) // in its request
	case <-time.After(time.Minute):
		t.Errorf("%s %v: never connected", filepath.Base(bin), args)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Errorf("%s %v: still running 30 s after SIGINT", filepath.Base(bin), args)
	}
	return stderr.String(), cmd.ProcessState.ExitCode()
}

// TestE2EDiffExitCodesAsKubectl runs kdx diff and kubectl diff v1.37.2 on
// the same failures: both exit 2 (diff(1)'s trouble), never 1 (differences
// found), with one line on stderr for kdx; diff --dir, which kubectl has
// not, exits 2 on the same failures; so does Ctrl-C, with one line and no
// klog line.
func TestE2EDiffExitCodesAsKubectl(t *testing.T) {
	env := testenv.Require(t)
	ns := env.Namespace(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: "+ns+"}\ndata: {k: v}\n")
	dup := writeFile(t, dir, "dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: "+ns+"}\ndata: {k: v, k: w}\n")
	bomb := writeFile(t, dir, "bomb.yaml", strings.Replace(yamlBomb, "{name: bomb}", "{name: bomb, namespace: "+ns+"}", 1))
	down := unreachableKubeconfig(t)
	hangs, conns := hangingServer(t)
	tree := t.TempDir()
	if res := env.Kdx(t, "export", "configmaps", "-n", ns, "--dir", tree, "-q"); res.ExitCode != 0 {
		t.Fatalf("export: %s", res.Stderr)
	}
	for _, tc := range []struct {
		name         string
		kdx, kubectl []string // nil kubectl: no equivalent
	}{
		{"an unreachable server", []string{"--kubeconfig", down, "diff", "-f", good}, []string{"--kubeconfig", down, "diff", "-f", good}},
		{"a server that hangs", []string{"--kubeconfig", hangs, "--request-timeout", "2s", "diff", "-f", good},
			[]string{"--kubeconfig", hangs, "--request-timeout", "2s", "diff", "-f", good}},
		{"a missing file", []string{"diff", "-f", filepath.Join(dir, "missing.yaml")}, []string{"diff", "-f", filepath.Join(dir, "missing.yaml")}},
		{"a YAML bomb", []string{"diff", "-f", bomb}, []string{"diff", "-f", bomb}},
		// kubectl v1.37.2 takes the last of duplicate fields and diffs (exit
		// 1); kdx refuses the ambiguity, as apply does: an error, so 2.
		{"a duplicate field", []string{"diff", "-f", dup}, nil},
		{"an unknown flag", []string{"diff", "-f", good, "--no-such-flag"}, []string{"diff", "-f", good, "--no-such-flag"}},
		// Each refuses a flag that goes with another mode.
		{"a refused flag", []string{"diff", "-f", good, "-o", "json"}, []string{"diff", "-f", good, "--force-conflicts"}},
		{"--dir: an unreachable server", []string{"--kubeconfig", down, "diff", "configmaps", "-n", ns, "--dir", tree}, nil},
		{"--dir: a server that hangs", []string{"--kubeconfig", hangs, "--request-timeout", "2s", "diff", "configmaps", "-n", ns, "--dir", tree}, nil},
		{"--dir: a missing directory", []string{"diff", "configmaps", "-n", ns, "--dir", filepath.Join(dir, "missing")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Kdx(t, tc.kdx...)
			assertNoCrash(t, res)
			if res.ExitCode != 2 || !strings.HasPrefix(res.Stderr, "error: ") {
				t.Errorf("kdx %v: exit %d (want 2), stderr:\n%s", tc.kdx, res.ExitCode, res.Stderr)
			}
			if tc.kubectl == nil {
				return
			}
			if k := env.RunKubectl(t, tc.kubectl...); k.ExitCode != 2 {
				t.Errorf("kubectl %v: exit %d (the oracle changed?), stderr:\n%s", tc.kubectl, k.ExitCode, k.Stderr)
			}
		})
	}
	t.Run("Ctrl-C", func(t *testing.T) {
		// No oracle: kubectl v1.37.2 does not catch SIGINT here and dies of
		// it (a shell says 130). kdx stops its requests and exits 2.
		for _, args := range [][]string{{"diff", "-f", good}, {"diff", "configmaps", "-n", ns, "--dir", tree}} {
			stderr, code := interrupted(t, hangs, conns, testenv.KdxBinary(t), args...)
			if code != 2 || stderr != "error: interrupted\n" {
				t.Errorf("kdx %v: exit %d after Ctrl-C (want 2), stderr %q (want one line)", args, code, stderr)
			}
		}
	})
}

// TestE2EGrepExitCodes checks grep's codes on the real server, with GNU
// grep(1) as the oracle where it has the same case: 0 a match, 1 none, 2
// any error (a bad pattern, an unknown flag, an unknown type); -F takes
// bytes that are not UTF-8 and finds them in a Secret's binary data.
func TestE2EGrepExitCodes(t *testing.T) {
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: blob, namespace: "+ns+"}\ndata: {key: "+
		base64.StdEncoding.EncodeToString([]byte("\x00\x01binary\xff\xfe"))+"}\n")
	grep1, err := exec.LookPath("grep")
	if err != nil {
		t.Fatal(err)
	}
	input := writeFile(t, t.TempDir(), "input", "blob\n")
	for _, tc := range []struct {
		name string
		kdx  []string
		grep []string // nil: no equivalent
		code int
	}{
		{"a match", []string{"grep", "blob", "secrets"}, []string{"blob", input}, 0},
		{"no match", []string{"grep", "no-such-needle", "secrets"}, []string{"no-such-needle", input}, 1},
		{"a bad pattern", []string{"grep", "a(", "secrets"}, []string{"-E", "a(", input}, 2},
		{"an unknown flag", []string{"grep", "blob", "secrets", "--no-such-flag"}, []string{"--no-such-flag", "blob", input}, 2},
		{"an unknown type", []string{"grep", "blob", "nosuchtypes"}, nil, 2},
		{"-F with bytes that are not UTF-8", []string{"grep", "-F", "binary\xff", "secrets"}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Kdx(t, append([]string{"-n", ns}, tc.kdx...)...)
			assertNoCrash(t, res)
			if res.ExitCode != tc.code {
				t.Errorf("kdx %q: exit %d, want %d; stdout %q, stderr %q", tc.kdx, res.ExitCode, tc.code, res.Stdout, res.Stderr)
			}
			if tc.grep == nil {
				return
			}
			g := exec.Command(grep1, tc.grep...)
			_ = g.Run()
			if g.ProcessState.ExitCode() != tc.code {
				t.Errorf("grep(1) %v: exit %d, want %d (the oracle)", tc.grep, g.ProcessState.ExitCode(), tc.code)
			}
		})
	}
	res := env.Kdx(t, "-n", ns, "grep", "-F", "binary\xff", "secrets")
	if res.Stdout != "secret/blob  data.key: (a Secret's value, not shown without --show-secrets)\n" {
		t.Errorf("-F with bytes: stdout %q", res.Stdout)
	}
}
