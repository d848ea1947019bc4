package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EGrep searches built-ins, a custom resource of the shared
// cert-manager CRDs and a Secret on the real server: each match names its
// object and field path, a Secret's value is never printed unless asked,
// and the exit codes are grep's.
func TestE2EGrep(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	env.ApplyFile(t, filepath.Join(testenv.SharedCRDs(t), "cert-manager/cert-manager.io_certificates.yaml"))
	env.WaitForCRD(t, "certificates.cert-manager.io")
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: %[1]s, labels: {app.kubernetes.io/name: shop}}
data:
  settings.ini: |
    [db]
    host = db.internal
    password_file = /etc/grep-needle-7f3a/pass
---
apiVersion: v1
kind: Secret
metadata: {name: db-creds, namespace: %[1]s}
stringData: {password: grep-needle-7f3a-secret}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: registry.grep-needle-7f3a.example/web:1.2}
      volumes:
      - {name: creds, secret: {secretName: db-creds}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: shop-tls, namespace: %[1]s}
spec: {secretName: grep-needle-7f3a-tls, dnsNames: [shop.example.com], issuerRef: {name: ca}}
`, ns))
	kdx := func(args ...string) testenv.Result { return env.Kdx(t, append([]string{"-n", ns}, args...)...) }

	t.Run("all types, each match's path", func(t *testing.T) {
		res := kdx("grep", "grep-needle-7f3a", "--all-types")
		want := []string{
			"configmap/app-config  data[\"settings.ini\"]: password_file = /etc/grep-needle-7f3a/pass",
			"secret/db-creds  data.password: (a Secret's value, not shown without --show-secrets)",
			"certificate.cert-manager.io/shop-tls  spec.secretName: grep-needle-7f3a-tls",
			"deployment.apps/web  spec.template.spec.containers[0].image: registry.grep-needle-7f3a.example/web:1.2",
		}
		for _, w := range want {
			if !containsLine(res.Stdout, w) {
				t.Errorf("no line %q in:\n%s", w, res.Stdout)
			}
		}
		if res.ExitCode != 0 || strings.Contains(res.Stdout, "secret\n") || strings.Contains(res.Stdout, "7f3a-secret") {
			t.Errorf("exit %d (want 0), the Secret's value must not be printed; stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("show secrets", func(t *testing.T) {
		res := kdx("grep", "-F", "7f3a-secret", "secrets", "--show-secrets")
		if res.ExitCode != 0 || strings.TrimSpace(res.Stdout) != "secret/db-creds  data.password: grep-needle-7f3a-secret" {
			t.Errorf("exit %d, stdout %q", res.ExitCode, res.Stdout)
		}
	})

	t.Run("keys, ignore case, all namespaces", func(t *testing.T) {
		res := env.Kdx(t, "grep", "-i", "--keys", "^APP\\.KUBERNETES\\.IO/NAME$", "configmaps", "-A", "--field-selector", "metadata.namespace="+ns)
		if res.ExitCode != 0 || strings.TrimSpace(res.Stdout) != ns+`  configmap/app-config  metadata.labels["app.kubernetes.io/name"] (key)` {
			t.Errorf("exit %d, stdout %q, stderr %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("no match is exit 1", func(t *testing.T) {
		res := kdx("grep", "no-such-needle-anywhere", "configmaps,deployments")
		if res.ExitCode != 1 || res.Stdout != "" {
			t.Errorf("exit %d, stdout %q", res.ExitCode, res.Stdout)
		}
	})

	t.Run("objects as json lines", func(t *testing.T) {
		res := kdx("grep", `registry\.grep-needle`, "deployments,configmaps", "-o", "jsonl")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		var u unstructured.Unstructured
		if res.ExitCode != 0 || len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &u.Object) != nil || u.GetName() != "web" {
			t.Errorf("exit %d, stdout:\n%s", res.ExitCode, res.Stdout)
		}
	})

	t.Run("a bad pattern, a forbidden type", func(t *testing.T) {
		res := kdx("grep", "a(", "configmaps")
		if res.ExitCode != 2 || !strings.HasPrefix(res.Stderr, `error: invalid pattern "a(": `) {
			t.Errorf("exit %d, stderr %q", res.ExitCode, res.Stderr)
		}
		kc := testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "restricted", Config: env.RestrictedConfig})
		res = env.Kdx(t, "--kubeconfig", kc, "-n", ns, "grep", "x", "configmaps")
		if res.ExitCode != 2 || !strings.Contains(res.Stderr, "forbidden") {
			t.Errorf("forbidden: exit %d (want 2), stderr %q", res.ExitCode, res.Stderr)
		}
	})

	t.Run("width", func(t *testing.T) {
		res := kdx("grep", "grep-needle", "configmaps", "--width", "60")
		prefix := `configmap/app-config  data["settings.ini"]: `
		line := strings.TrimSpace(res.Stdout)
		// The value is cut around the match to the room left (at least 20).
		if res.ExitCode != 0 || !strings.HasPrefix(line, prefix) || !strings.Contains(line, "grep-needle") ||
			!strings.Contains(line, "...") || len(line) > len(prefix)+20+6 {
			t.Errorf("exit %d, line %q", res.ExitCode, line)
		}
	})
}
