package e2e

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2ESecretsMasked checks the one rule of every command that prints
// objects for comparison or search: a Secret's values are *** unless
// --show-secrets. diff --dir masks both sides, as diff -f and kubectl diff
// v1.37.2 do; grep -o yaml|json|jsonl masks the whole Secret, the copy
// kubectl apply keeps in an annotation too.
func TestE2ESecretsMasked(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	dir := t.TempDir()
	secret := "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: " + ns + "}\nstringData: {password: %s, user: admin-7f3a}\n"
	before := testenv.WriteFile(t, dir, "before.yaml", fmt.Sprintf(secret, "hunter2-7f3a"))
	after := testenv.WriteFile(t, dir, "after.yaml", fmt.Sprintf(secret, "correct-horse-7f3a"))
	// Created by kubectl apply: its last-applied-configuration annotation
	// holds the values too.
	if k := env.RunKubectl(t, "apply", "-f", before); k.ExitCode != 0 {
		t.Fatal(k.Stderr)
	}
	values := []string{"hunter2-7f3a", "correct-horse-7f3a", "admin-7f3a"}
	leaked := func(out string) string {
		for _, v := range values {
			for _, form := range []string{v, base64.StdEncoding.EncodeToString([]byte(v))} {
				if strings.Contains(out, form) {
					return form
				}
			}
		}
		return ""
	}

	t.Run("diff --dir", func(t *testing.T) {
		tree := t.TempDir()
		if res := env.Kdx(t, "export", "secrets", "-n", ns, "--dir", tree, "-q"); res.ExitCode != 0 {
			t.Fatal(res.Stderr)
		}
		if k := env.RunKubectl(t, "apply", "-f", after); k.ExitCode != 0 {
			t.Fatal(k.Stderr)
		}
		t.Cleanup(func() { env.RunKubectl(t, "apply", "-f", before) })
		for _, args := range [][]string{{}, {"-o", "json"}, {"--stat"}} {
			res := env.Kdx(t, append([]string{"diff", "secrets", "-n", ns, "--dir", tree}, args...)...)
			if res.ExitCode != 1 || leaked(res.Stdout) != "" {
				t.Errorf("diff --dir %v: exit %d (want 1), a value in clear (%q):\n%s\nstderr:\n%s", args, res.ExitCode, leaked(res.Stdout), res.Stdout, res.Stderr)
			}
		}
		res := env.Kdx(t, "diff", "secrets", "-n", ns, "--dir", tree)
		if !strings.Contains(res.Stdout, "-  password: '*** (before)'\n+  password: '*** (after)'\n") || !strings.Contains(res.Stdout, "   user: '***'\n") {
			t.Errorf("diff --dir does not show the change masked, as kubectl diff does:\n%s", res.Stdout)
		}
		res = env.Kdx(t, "diff", "secrets", "-n", ns, "--dir", tree, "--show-secrets")
		if res.ExitCode != 1 || !strings.Contains(res.Stdout, "-  password: "+base64.StdEncoding.EncodeToString([]byte("hunter2-7f3a"))) {
			t.Errorf("--show-secrets: exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("diff -f, as kubectl diff", func(t *testing.T) {
		own := testenv.WriteFile(t, dir, "own.yaml", strings.Replace(fmt.Sprintf(secret, "hunter2-7f3a"), "name: creds", "name: own", 1))
		if res := env.Kdx(t, "apply", "-f", own); res.ExitCode != 0 {
			t.Fatal(res.Stderr)
		}
		changed := testenv.WriteFile(t, dir, "own-after.yaml", strings.Replace(fmt.Sprintf(secret, "correct-horse-7f3a"), "name: creds", "name: own", 1))
		res := env.Kdx(t, "diff", "-f", changed)
		k := env.RunKubectl(t, "diff", "--server-side", "--field-manager", "kdx", "-f", changed)
		for _, out := range []string{res.Stdout, k.Stdout} {
			if !strings.Contains(out, "-  password: '*** (before)'\n+  password: '*** (after)'\n") {
				t.Errorf("no masked change in:\n%s", out)
			}
		}
		if res.ExitCode != 1 || k.ExitCode != 1 || leaked(res.Stdout) != "" {
			t.Errorf("kdx exit %d, kubectl exit %d (want 1 and 1), a value in clear (%q):\n%s", res.ExitCode, k.ExitCode, leaked(res.Stdout), res.Stdout)
		}
	})

	t.Run("grep -o", func(t *testing.T) {
		for _, o := range []string{"yaml", "json", "jsonl"} {
			res := env.Kdx(t, "grep", "-F", "hunter2-7f3a", "secrets", "-n", ns, "-o", o)
			if res.ExitCode != 0 || !strings.Contains(res.Stdout, "creds") || !strings.Contains(res.Stdout, "***") || leaked(res.Stdout) != "" {
				t.Errorf("-o %s: exit %d, a value in clear (%q):\n%s\nstderr:\n%s", o, res.ExitCode, leaked(res.Stdout), res.Stdout, res.Stderr)
			}
		}
		res := env.Kdx(t, "grep", "-F", "hunter2-7f3a", "secrets", "-n", ns, "-o", "yaml", "--show-secrets")
		if res.ExitCode != 0 || !strings.Contains(res.Stdout, base64.StdEncoding.EncodeToString([]byte("hunter2-7f3a"))) {
			t.Errorf("--show-secrets: exit %d, stdout:\n%s", res.ExitCode, res.Stdout)
		}
	})
}
