package discovery

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EBogusTokenIsAnError: a token the server rejects is an error (exit
// 1, kubectl's one line) for every command that needs discovery, with or
// without a discovery cache written before by a good token: the cache
// never hides a 401.
func TestE2EBogusTokenIsAnError(t *testing.T) {
	env := testenv.Require(t)
	const want = "error: You must be logged in to the server (Unauthorized)\n"
	commands := [][]string{
		{"api-resources"},
		{"api-versions"},
		{"get", "pods"},
		{"get", "--all-types"},
		{"get", "all"},
	}
	for _, warm := range []bool{false, true} {
		name := "cold cache"
		if warm {
			name = "warm cache"
		}
		t.Run(name, func(t *testing.T) {
			if warm {
				if res := env.Kdx(t, "api-resources"); res.ExitCode != 0 {
					t.Fatalf("api-resources with the good token: exit %d: %s", res.ExitCode, res.Stderr)
				}
				if res := env.RunKubectl(t, "api-resources"); res.ExitCode != 0 {
					t.Fatalf("kubectl api-resources with the good token: exit %d: %s", res.ExitCode, res.Stderr)
				}
			}
			for _, args := range commands {
				args = append(args, "--token", "bogus")
				res := env.Kdx(t, args...)
				if res.ExitCode != 1 || res.Stderr != want || res.Stdout != "" {
					t.Errorf("kdx %s: exit %d, stdout %q, stderr %q; want exit 1 and only %q",
						strings.Join(args, " "), res.ExitCode, res.Stdout, res.Stderr, want)
				}
				if args[1] == "--all-types" {
					continue // kubectl has no --all-types
				}
				// The oracle: kubectl fails the same way (its message quotes
				// client-go's words for a 401 on discovery, the server's on a list).
				k := env.RunKubectl(t, args...)
				if k.ExitCode != 1 || !strings.Contains(k.Stderr, "error: You must be logged in to the server (") &&
					!strings.Contains(k.Stderr, "error: couldn't get available api versions from server") {
					t.Errorf("kubectl %s: exit %d, stderr %q", strings.Join(args, " "), k.ExitCode, k.Stderr)
				}
				if warm && args[0] == "get" && args[1] == "pods" && k.Stderr != want {
					t.Errorf("kubectl get pods (warm cache) says %q, kdx %q", k.Stderr, want)
				}
			}
		})
	}
}
