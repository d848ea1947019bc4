package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestAllTypesForbidden: for a user who may list nothing, every --all-types
// command says so in one line grouped by cause, as get does (not a line
// per type), and takes --ignore-forbidden, which leaves those types out.
func TestAllTypesForbidden(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	kc := testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "restricted", Config: env.RestrictedConfig})
	tree := t.TempDir()
	grouped := regexp.MustCompile(`^error: could not list \d+ types \(forbidden\): [^,]+(, [^,]+){4} and \d+ more$`)
	for _, tt := range []struct {
		args              []string
		code, ignoredCode int
	}{
		{[]string{"get", "--all-types"}, 1, 0},
		{[]string{"grep", "x", "--all-types"}, 2, 1}, // ignored: nothing matched
		{[]string{"export", "--all-types"}, 1, 0},
		{[]string{"export", "--all-types", "-q"}, 1, 0},
		{[]string{"export", "--all-types", "--dir", tree, "-q"}, 1, 0},
		{[]string{"diff", "--all-types", "--dir", tree}, 2, 0},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"--kubeconfig", kc, "-n", ns}, tt.args...)
			res := env.Kdx(t, args...)
			var errLines []string
			for _, l := range strings.Split(strings.TrimSpace(res.Stderr), "\n") {
				if strings.HasPrefix(l, "error: ") || strings.Contains(l, "(forbidden)") {
					errLines = append(errLines, l)
				}
			}
			if res.ExitCode != tt.code || len(errLines) != 1 || !grouped.MatchString(errLines[0]) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant one grouped line for the forbidden types", res.ExitCode, tt.code, res.Stderr)
			}
			res = env.Kdx(t, append(args, "--ignore-forbidden")...)
			if res.ExitCode != tt.ignoredCode || strings.Contains(res.Stderr, "(forbidden)") || strings.Contains(res.Stderr, "error:") {
				t.Errorf("--ignore-forbidden: exit %d (want %d), stderr:\n%s", res.ExitCode, tt.ignoredCode, res.Stderr)
			}
		})
	}
	res := env.Kdx(t, "--kubeconfig", kc, "-n", ns, "export", "configmaps", "--ignore-forbidden")
	if res.ExitCode != 1 || res.Stderr != "error: --exclude and --ignore-forbidden only apply with --all-types\n" {
		t.Errorf("export TYPE --ignore-forbidden: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
}
