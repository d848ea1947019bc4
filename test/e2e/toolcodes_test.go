package e2e

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// interrupted runs bin with args against a server that never answers
// (testenv.HangingServer's), sends SIGINT once it is connected and waiting, and
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
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	dir := t.TempDir()
	good := testenv.WriteFile(t, dir, "good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: "+ns+"}\ndata: {k: v}\n")
	dup := testenv.WriteFile(t, dir, "dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: "+ns+"}\ndata: {k: v, k: w}\n")
	bomb := testenv.WriteFile(t, dir, "bomb.yaml", strings.Replace(testenv.YAMLBomb, "{name: bomb}", "{name: bomb, namespace: "+ns+"}", 1))
	down := testenv.UnreachableKubeconfig(t)
	hangs, conns := testenv.HangingServer(t)
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
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: blob, namespace: "+ns+"}\ndata: {key: "+
		base64.StdEncoding.EncodeToString([]byte("\x00\x01binary\xff\xfe"))+"}\n")
	grep1, err := exec.LookPath("grep")
	if err != nil {
		t.Fatal(err)
	}
	input := testenv.WriteFile(t, t.TempDir(), "input", "blob\n")
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
