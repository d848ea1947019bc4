package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestAPIResourcesCountForbidden: a user who may list only ConfigMaps gets
// the whole table, the count of ConfigMaps, one line for everything else
// and exit 1.
func TestAPIResourcesCountForbidden(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-reader, namespace: %[1]s}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-reader, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
subjects:
- {kind: User, name: restricted}
`, ns))
	res := env.Kdx(t, "--context", "restricted", "api-resources", "--count", "--namespaced", "-n", ns, "--api-group", "")
	if res.ExitCode != 1 {
		t.Errorf("exit %d, want 1\nstderr: %s", res.ExitCode, res.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	if len(lines) != 1 || !regexp.MustCompile(`^error: could not count \d+ types \(forbidden\): .* and \d+ more$`).MatchString(lines[0]) {
		t.Errorf("stderr: want one line of forbidden types, got:\n%s", res.Stderr)
	}
	cm := regexp.MustCompile(`(?m)^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s+1$`)
	if !cm.MatchString(res.Stdout) || !strings.Contains(res.Stdout, "secrets") {
		t.Errorf("stdout: want every type and configmaps counted (kube-root-ca.crt):\n%s", res.Stdout)
	}
}
