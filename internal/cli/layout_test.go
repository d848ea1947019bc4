package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsImportNoOtherCommand keeps one package per command: no
// package below internal/cli (but the root, which builds the tree) imports
// another command's package, directly or not; what two commands share lives
// in internal/cli, render/ or the library packages.
func TestCommandsImportNoOtherCommand(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	const base = "github.com/kdxproject/kdx/internal/cli/"
	shared := map[string]bool{"root": true, "clitest": true}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var commands []string
	for _, e := range entries {
		if e.IsDir() && !shared[e.Name()] {
			if m, _ := filepath.Glob(filepath.Join(e.Name(), "*.go")); len(m) > 0 {
				commands = append(commands, e.Name())
			}
		}
	}
	if len(commands) < 10 {
		t.Fatalf("found %d command packages (%v): the layout test looks in the wrong place", len(commands), commands)
	}
	args := []string{"list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}
	for _, c := range commands {
		args = append(args, "./"+c)
	}
	out, err := exec.Command(goBin, args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		c := strings.TrimPrefix(fields[0], base)
		for _, dep := range fields[1:] {
			other, ok := strings.CutPrefix(dep, base)
			if ok && other != c && !shared[other] && !strings.Contains(other, "/") {
				t.Errorf("internal/cli/%s imports the command package %s", c, dep)
			}
		}
	}
}

// TestNoInitRegistration: the root builds the command tree from an
// explicit list; no command registers itself in an init function.
func TestNoInitRegistration(t *testing.T) {
	files, _ := filepath.Glob("*/*.go")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "\nfunc init()") {
			t.Errorf("%s has an init function: add the command to the root's list instead", f)
		}
	}
}
