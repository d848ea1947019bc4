package discovery

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2ESkippedGroupWarnsWhereRelevant: an aggregated API that is down is
// named where the answer may be incomplete because of it (every type, a
// category, api-resources, api-versions, a name that did not resolve) and
// not where it cannot matter (pods resolved into the core group, which
// comes first); -v names it everywhere.
func TestE2ESkippedGroupWarnsWhereRelevant(t *testing.T) {
	env := testenv.Require(t)
	installBrokenAPIService(t, env)
	ns := env.Namespace(t)
	const warn = "Warning: missing.kdx.example.org/v1alpha1 skipped: APIService " + brokenAPIService + " is not available"
	tests := []struct {
		args     []string
		warns    bool
		exitCode int
	}{
		{[]string{"get", "pods", "-n", ns}, false, 0},
		{[]string{"get", "cm", "kube-root-ca.crt", "-n", ns, "-o", "name"}, false, 0},
		{[]string{"get", "pods", "-n", ns, "-v=1"}, true, 0},
		{[]string{"get", "--all-types", "-n", ns, "-o", "name"}, true, 0},
		{[]string{"get", "all", "-n", ns}, true, 0},
		{[]string{"get", "nosuchthings", "-n", ns}, true, 1},
		{[]string{"api-resources"}, true, 0},
		{[]string{"api-versions"}, true, 0},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			res := env.Kdx(t, tt.args...)
			if res.ExitCode != tt.exitCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", res.ExitCode, tt.exitCode, res.Stderr)
			}
			if got := strings.Count(res.Stderr, warn); (got == 1) != tt.warns || got > 1 {
				t.Errorf("warned %d times, want warning %v; stderr:\n%s", got, tt.warns, res.Stderr)
			}
		})
	}
}

// TestE2EDeprecationWarningOnlyForNamedTypes: the server's deprecation
// warning for v1 Endpoints is shown when the user names the type, as
// kubectl shows it, and not inside --all-types unless -v is raised.
func TestE2EDeprecationWarningOnlyForNamedTypes(t *testing.T) {
	env := testenv.Require(t)
	ns := env.Namespace(t)
	const warn = "Warning: v1 Endpoints is deprecated"
	kubectl := env.RunKubectl(t, "get", "endpoints", "-n", ns)
	if !strings.Contains(kubectl.Stderr, warn) {
		t.Fatalf("kubectl get endpoints does not warn (the oracle changed?): %s", kubectl.Stderr)
	}
	tests := []struct {
		args  []string
		warns bool
	}{
		{[]string{"get", "endpoints", "-n", ns}, true},
		{[]string{"get", "--all-types", "-n", ns, "-o", "name"}, false},
		{[]string{"get", "--all-types", "-n", ns, "-o", "name", "-v=1"}, true},
		{[]string{"export", "--all-types", "-n", ns}, false},
		{[]string{"watch", "--all-types", "-n", ns, "--timeout", "2s"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			res := env.Kdx(t, tt.args...)
			if res.ExitCode != 0 {
				t.Errorf("exit %d; stderr:\n%s", res.ExitCode, res.Stderr)
			}
			if got := strings.Contains(res.Stderr, warn); got != tt.warns {
				t.Errorf("deprecation warning shown: %v, want %v; stderr:\n%s", got, tt.warns, res.Stderr)
			}
		})
	}
}
