package e2e

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestRedactedExportDoesNotRestoreSecrets: a tree written by export
// --redact-secrets, written back by apply, replace, create or diff -f,
// has its Secrets refused in one line naming them while the rest is
// written (exit 1; diff 2), the live Secrets keeping their values, until
// --allow-redacted; a delete by that tree is a delete.
func TestRedactedExportDoesNotRestoreSecrets(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	// Made by kubectl apply, as most are: kdx apply takes them over with no
	// conflict, so nothing but the refusal keeps the marker out.
	fixture := `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: NS}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: NS}
stringData: {crt: pem}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: NS}
data: {mode: fast}
`
	if res := env.RunKubectlIn(t, strings.NewReader(strings.ReplaceAll(fixture, "NS", ns)), nil, "apply", "-f", "-"); res.ExitCode != 0 {
		t.Fatalf("kubectl apply: %s", res.Stderr)
	}
	dir := filepath.Join(t.TempDir(), "tree")
	if res := env.Kdx(t, "export", "secrets,configmaps", "-n", ns, "--dir", dir, "--redact-secrets", "-q"); res.ExitCode != 0 {
		t.Fatalf("kdx export: %s", res.Stderr)
	}
	password := func() string {
		t.Helper()
		return env.RunKubectl(t, "get", "secret", "db", "-n", ns, "-o", "jsonpath={.data.password}").Stdout
	}
	live := base64.StdEncoding.EncodeToString([]byte("s3cret"))
	refused := func(verb, past string) string {
		return "error: 2 Secrets not " + past + ": they hold REDACTED, which kdx export --redact-secrets wrote in place of their values: secret/db -n " +
			ns + ", secret/tls -n " + ns + "; put the real values in the input, or pass --allow-redacted to " + verb + " them as they are\n"
	}

	if res := env.RunKubectl(t, "delete", "configmap", "settings", "-n", ns); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	res := env.Kdx(t, "apply", "-f", dir, "-R")
	if res.ExitCode != 1 || res.Stderr != refused("apply", "applied") || res.Stdout != "configmap/settings created\n" {
		t.Errorf("kdx apply: exit %d (want 1, the ConfigMap applied, the Secrets refused in one line)\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if got := password(); got != live {
		t.Fatalf("after kdx apply of the redacted tree, the live password is %q, want %q", got, live)
	}

	secrets := filepath.Join(dir, ns, "core", "Secret")
	for _, c := range []struct {
		verb, past string
		args       []string
		code       int
	}{
		{"replace", "replaced", []string{"replace", "-f", dir, "-R"}, 1},
		{"create", "created", []string{"create", "-f", secrets}, 1},
		{"diff", "compared", []string{"diff", "-f", secrets}, 2},
	} {
		res := env.Kdx(t, c.args...)
		if res.ExitCode != c.code || res.Stderr != refused(c.verb, c.past) {
			t.Errorf("kdx %s: exit %d (want %d and the Secrets refused in one line)\nstdout:\n%s\nstderr:\n%s", c.verb, res.ExitCode, c.code, res.Stdout, res.Stderr)
		}
		if got := password(); got != live {
			t.Fatalf("after kdx %s of the redacted tree, the live password is %q, want %q", c.verb, got, live)
		}
	}

	res = env.Kdx(t, "apply", "-f", secrets, "--allow-redacted")
	wantResult(t, res, 0)
	if got := password(); got != "UkVEQUNURUQ=" {
		t.Errorf("after kdx apply --allow-redacted, the password is %q, want the marker", got)
	}
	res = env.Kdx(t, "delete", "-f", secrets)
	wantResult(t, res, 0)
	if !strings.Contains(res.Stdout, `secret "db" deleted`) {
		t.Errorf("kdx delete -f of the redacted Secrets:\n%s", res.Stdout)
	}
}
