package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// grantConfigMaps lets the restricted user get and list ConfigMaps in ns,
// and nothing else.
func grantConfigMaps(t *testing.T, env *testenv.Env, ns string) {
	t.Helper()
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-only, namespace: %[1]s}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-only, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-only}
subjects: [{kind: User, name: restricted, apiGroup: rbac.authorization.k8s.io}]
`, ns))
}

// TestGetSeveralTypesGoesOnAfterForbidden: a type the user may not list
// does not stop the others (issue 17 item 4): the readable types print,
// each forbidden one is an error line, exit 1, as kubectl v1.37.2 does.
func TestGetSeveralTypesGoesOnAfterForbidden(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	grantConfigMaps(t, env, ns)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alpha, namespace: %s}\ndata: {a: \"1\"}\n", ns))
	for _, args := range [][]string{
		{"get", "gadgets,cm", "-n", ns},
		{"get", "gadgets,cm", "-n", ns, "-o", "name"},
		{"get", "cm,gadgets", "-n", ns, "-o", "name"},
		{"get", "all", "-n", ns},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			full := append([]string{"--context", "restricted"}, args...)
			got := env.Kdx(t, full...)
			want := env.RunKubectl(t, full...)
			if got.ExitCode != 1 || want.ExitCode != 1 {
				t.Errorf("exit: kdx %d, kubectl %d; want 1 for both\nkdx stderr: %s", got.ExitCode, want.ExitCode, got.Stderr)
			}
			if withoutAges(got.Stdout) != withoutAges(want.Stdout) {
				t.Errorf("stdout differs from kubectl:\nkdx:\n%s\nkubectl:\n%s", got.Stdout, want.Stdout)
			}
			// kubectl: "Error from server (Forbidden): <message>"; kdx: "error: <message>".
			for _, l := range strings.Split(strings.TrimSpace(want.Stderr), "\n") {
				msg := strings.TrimPrefix(l, "Error from server (Forbidden): ")
				if !strings.Contains(got.Stderr, "error: "+msg+"\n") {
					t.Errorf("kdx stderr lacks %q:\n%s", "error: "+msg, got.Stderr)
				}
			}
		})
	}
}

// TestGetSeveralTypesKindColumn: rows are named kind/name only when what was
// read spans several kinds, as kubectl v1.37.2 decides (issue 17 item 7).
func TestGetSeveralTypesKindColumn(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alpha, namespace: %s}\ndata: {a: \"1\"}\n", ns))
	for _, args := range [][]string{
		{"get", "cm,deploy", "alpha", "-n", ns},
		{"get", "cm,deploy", "-n", ns},
		{"get", "cm,secrets", "-n", ns, "--no-headers"},
		{"get", "cm/alpha", "deploy/nope", "-n", ns},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got, want := env.Kdx(t, args...), env.RunKubectl(t, args...)
			if withoutAges(got.Stdout) != withoutAges(want.Stdout) || got.ExitCode != want.ExitCode {
				t.Errorf("kdx (exit %d):\n%s\nkubectl (exit %d):\n%s\nkdx stderr: %s", got.ExitCode, got.Stdout, want.ExitCode, want.Stdout, got.Stderr)
			}
		})
	}
}

// TestGetAllTypesServerGone: a server that cannot be reached is one error,
// not one attempt (and one warning) per type, and exit 1 (issue 11: a
// server gone in the middle printed a 40,000-character warning, exit 0).
func TestGetAllTypesServerGone(t *testing.T) {
	t.Parallel()
	shared := testenv.Alone(t)
	env, err := testenv.Start(t.Context(), testenv.Options{BinDir: shared.BinDir, NoControllerManager: true})
	if err != nil {
		t.Fatalf("failed to start a control plane: %v", err)
	}
	t.Cleanup(env.Stop)
	if res := env.Kdx(t, "api-resources"); res.ExitCode != 0 { // discovery now in the cache
		t.Fatalf("api-resources: exit %d: %s", res.ExitCode, res.Stderr)
	}
	env.StopAPIServer()
	for _, output := range []string{"name", "json", ""} {
		args := []string{"get", "--all-types", "-n", "default"}
		if output != "" {
			args = append(args, "-o", output)
		}
		res := env.Kdx(t, args...)
		lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if res.ExitCode != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "error: cannot reach the server at ") || len(lines[0]) > 200 {
			t.Errorf("%v with the server gone: want exit 1 and one short error line, got exit %d, stderr:\n%s", args, res.ExitCode, res.Stderr)
		}
	}
}
