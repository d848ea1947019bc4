package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// GitRepo makes dir a git work tree with an identity to commit as and
// returns a function that runs git in it, returns what git printed and
// fails t on an error. Those runs of git read neither the user's nor the
// system's configuration.
func GitRepo(t testing.TB, dir string) func(args ...string) string {
	t.Helper()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q")
	git("config", "user.email", "kdx@example.org")
	git("config", "user.name", "kdx test")
	return git
}
