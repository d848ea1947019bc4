//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/kdxproject/kdx/internal/testenv"
)

// openPTY opens a pseudo-terminal: kdx writes to tty as to a terminal, the
// test reads what it wrote from pty.
func openPTY(t *testing.T) (pty, tty *os.File) {
	t.Helper()
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { pty.Close() })
	if err := unix.IoctlSetPointerInt(int(pty.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(pty.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	if tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0); err != nil {
		t.Fatal(err)
	}
	return pty, tty
}

// kdxOnTerminal runs kdx with args and extra environment, its stdout a
// terminal, and returns what it printed there and its exit code.
func kdxOnTerminal(t *testing.T, env *testenv.Env, extraEnv []string, args ...string) (string, int) {
	t.Helper()
	pty, tty := openPTY(t)
	cmd := env.KdxCommand(t.Context(), t, args...)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stdout = tty
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close() // kdx holds it now: the pty reads EOF (EIO) when kdx exits
	var out bytes.Buffer
	_, _ = io.Copy(&out, pty)
	_ = cmd.Wait()
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return strings.ReplaceAll(out.String(), "\r\n", "\n"), cmd.ProcessState.ExitCode()
}

// TestE2EDiffColor: on a terminal, diff colours its diffs unless NO_COLOR
// is set (to anything but ""); --color=always or never decides instead.
func TestE2EDiffColor(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	cm := func(v string) string {
		return testenv.WriteFile(t, t.TempDir(), "c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: "+ns+"}\ndata: {k: "+v+"}\n")
	}
	apply := func(v string) { // by kdx, the manager of diff -f's dry run
		if res := env.Kdx(t, "apply", "-f", cm(v)); res.ExitCode != 0 {
			t.Fatal(res.Stderr)
		}
	}
	apply("before")
	tree := t.TempDir()
	if res := env.Kdx(t, "export", "configmaps", "-n", ns, "--dir", tree, "-q"); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	apply("after")
	file := cm("again")
	const red = "\x1b[31m"
	for _, mode := range [][]string{{"--dir", tree, "configmaps", "-n", ns}, {"-f", file}} {
		for _, tc := range []struct {
			env   []string
			flags []string
			color bool
		}{
			{nil, nil, true},
			{[]string{"NO_COLOR=1"}, nil, false},
			{[]string{"NO_COLOR="}, nil, true}, // empty: not set
			{[]string{"NO_COLOR=1"}, []string{"--color=always"}, true},
			{nil, []string{"--color=never"}, false},
		} {
			out, code := kdxOnTerminal(t, env, tc.env, append(append([]string{"diff"}, mode...), tc.flags...)...)
			if code != 1 || strings.Contains(out, red) != tc.color || !strings.Contains(out, "k: before") && !strings.Contains(out, "k: again") {
				t.Errorf("diff %v %v with %v on a terminal: exit %d (want 1), coloured %v (want %v):\n%q", mode[:2], tc.flags, tc.env, code, strings.Contains(out, red), tc.color, out)
			}
		}
	}
}
