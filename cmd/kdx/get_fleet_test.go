package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EGetFleet reads two real clusters and one that is down with one
// command: every format keeps each object's context recoverable, the down
// cluster is one error line, and the exit code is 1.
func TestE2EGetFleet(t *testing.T) {
	env := testenv.Require(t)
	peer := testenv.StartPeer(t)
	ns := env.Namespace(t)
	peer.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", ns))
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: " + ns + "\ndata:\n  k: v\n"
	env.Apply(t, fmt.Sprintf(cm, "only-in-a"))
	peer.Apply(t, fmt.Sprintf(cm, "only-in-b"))
	down := rest.CopyConfig(peer.Config)
	down.Host = "https://127.0.0.1:1"
	kc := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "a", Config: env.Config},
		testenv.FleetContext{Name: "b", Config: peer.Config},
		testenv.FleetContext{Name: "c-down", Config: down})
	kdx := func(args ...string) testenv.Result {
		return env.Kdx(t, append([]string{"--kubeconfig", kc, "-n", ns}, args...)...)
	}

	t.Run("table", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b,c-down", "--field-selector", "metadata.name!=kube-root-ca.crt", "--request-timeout", "5s")
		if res.ExitCode != 1 {
			t.Fatalf("exit %d, want 1; stderr: %s", res.ExitCode, res.Stderr)
		}
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "CONTEXT   NAME") ||
			!strings.HasPrefix(lines[1], "a         only-in-a") || !strings.HasPrefix(lines[2], "b         only-in-b") {
			t.Errorf("stdout:\n%s\nwant a header with CONTEXT, then the row of a, then the row of b", res.Stdout)
		}
		errLines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if len(errLines) != 1 || !strings.HasPrefix(errLines[0], `error: context "c-down": `) {
			t.Errorf("stderr:\n%s\nwant one line for c-down", res.Stderr)
		}
	})

	t.Run("all namespaces", func(t *testing.T) {
		res := kdx("get", "configmaps", "-A", "--context", "b,a", "--field-selector", "metadata.name=only-in-a")
		want := fmt.Sprintf("CONTEXT   NAMESPACE")
		if res.ExitCode != 0 || !strings.HasPrefix(res.Stdout, want) || !strings.Contains(res.Stdout, "a         "+ns) {
			t.Errorf("exit %d, stdout:\n%s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("json", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "-o", "json", "--field-selector", "metadata.name!=kube-root-ca.crt")
		var got map[string]struct {
			Kind  string
			Items []struct{ Metadata struct{ Name string } }
		}
		if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil || res.ExitCode != 0 {
			t.Fatalf("exit %d, %v; stdout:\n%s", res.ExitCode, err, res.Stdout)
		}
		if got["a"].Kind != "List" || len(got["a"].Items) != 1 || got["a"].Items[0].Metadata.Name != "only-in-a" ||
			len(got["b"].Items) != 1 || got["b"].Items[0].Metadata.Name != "only-in-b" {
			t.Errorf("got %+v", got)
		}
	})

	t.Run("yaml", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "-o", "yaml", "--field-selector", "metadata.name!=kube-root-ca.crt")
		var got map[string]struct {
			Items []struct {
				Metadata struct{ Name string }
				Data     map[string]string
			}
		}
		if err := yaml.Unmarshal([]byte(res.Stdout), &got); err != nil || res.ExitCode != 0 {
			t.Fatalf("exit %d, %v; stdout:\n%s", res.ExitCode, err, res.Stdout)
		}
		if len(got) != 2 || got["b"].Items[0].Metadata.Name != "only-in-b" || got["b"].Items[0].Data["k"] != "v" {
			t.Errorf("got %+v", got)
		}
	})

	t.Run("jsonl", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "-o", "jsonl", "--field-selector", "metadata.name!=kube-root-ca.crt")
		var contexts []string
		for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
			var v struct {
				Context string
				Object  struct{ Metadata struct{ Name string } }
			}
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			contexts = append(contexts, v.Context+"/"+v.Object.Metadata.Name)
		}
		if strings.Join(contexts, " ") != "a/only-in-a b/only-in-b" {
			t.Errorf("got %q", contexts)
		}
	})

	t.Run("name", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "?", "-o", "name", "--field-selector", "metadata.name!=kube-root-ca.crt")
		want := "configmap/only-in-a --context=a\nconfigmap/only-in-b --context=b\n"
		if res.ExitCode != 0 || res.Stdout != want {
			t.Errorf("exit %d, stdout %q, want %q; stderr: %s", res.ExitCode, res.Stdout, want, res.Stderr)
		}
	})

	t.Run("one context is as before", func(t *testing.T) {
		one := kdx("get", "configmaps", "--context", "a")
		plain := kdx("get", "configmaps")
		if one.ExitCode != 0 || one.Stdout != plain.Stdout || strings.Contains(one.Stdout, "CONTEXT") {
			t.Errorf("--context a:\n%s\nwithout --context:\n%s", one.Stdout, plain.Stdout)
		}
	})

	t.Run("unknown context", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,nope")
		if res.ExitCode != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, `context "nope" not found in kubeconfig (available: a, b, c-down)`) {
			t.Errorf("exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("other commands take one context", func(t *testing.T) {
		res := kdx("delete", "configmap", "only-in-a", "--context", "a,b")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, "2 contexts given (a, b): only get runs against several contexts") {
			t.Errorf("exit %d, stderr %q", res.ExitCode, res.Stderr)
		}
	})
}
