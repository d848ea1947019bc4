package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKdxBuildArgs: the kdx binary is built with -race when the tests are,
// and with coverage of every package when asked.
func TestKdxBuildArgs(t *testing.T) {
	got := strings.Join(kdxBuildArgs("/x/kdx", true, true), " ")
	want := "build -o /x/kdx -ldflags=-w -race -cover -coverpkg=" + modulePath + "/... " + modulePath + "/cmd/kdx"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := strings.Join(kdxBuildArgs("/x/kdx", false, false), " "); got != "build -o /x/kdx -ldflags=-w "+modulePath+"/cmd/kdx" {
		t.Fatalf("plain build: %s", got)
	}
}

// TestRaceOptions: the race-built kdx exits without the race runtime's
// second of sleep, unless the user's GORACE says otherwise; the user's
// other options are kept.
func TestRaceOptions(t *testing.T) {
	for _, c := range []struct{ user, want string }{
		{"", "atexit_sleep_ms=0"},
		{"halt_on_error=1", "halt_on_error=1 atexit_sleep_ms=0"},
		{"log_path=/tmp/r atexit_sleep_ms=500", "log_path=/tmp/r atexit_sleep_ms=500"},
	} {
		if got := raceOptions(c.user); got != c.want {
			t.Errorf("raceOptions(%q) = %q, want %q", c.user, got, c.want)
		}
	}
}

// TestCommandEnvTempDir: a command run for a test has its own HOME and a
// TMPDIR inside it, made, so what the command leaves there (kdx edit's copy
// of a change it could not apply) goes when the test ends.
func TestCommandEnvTempDir(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // the one a command must not inherit
	e := &Env{Kubeconfig: "kc", homes: map[testing.TB]string{}}
	vars := map[string][]string{}
	for _, kv := range e.commandEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = append(vars[k], v)
	}
	home, tmp := vars["HOME"], vars["TMPDIR"]
	if len(home) != 1 || len(tmp) != 1 {
		t.Fatalf("HOME %q, TMPDIR %q; want one of each", home, tmp)
	}
	if tmp[0] != filepath.Join(home[0], "tmp") {
		t.Errorf("TMPDIR = %q, want HOME/tmp (%q)", tmp[0], filepath.Join(home[0], "tmp"))
	}
	if st, err := os.Stat(tmp[0]); err != nil || !st.IsDir() {
		t.Errorf("TMPDIR %q is not a directory: %v", tmp[0], err)
	}
}
