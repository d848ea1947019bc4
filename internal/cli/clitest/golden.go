package clitest

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/golden"
)

// Transcript is a command's run as a golden file holds it: the arguments,
// stdout, stderr and the error (the exit status).
func Transcript(args []string, stdout, stderr string, err error) string {
	e := "<nil>"
	if err != nil {
		e = err.Error()
	}
	return "$ kdx " + strings.Join(args, " ") + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr + "--- error\n" + e + "\n"
}

// Golden compares got with testdata/NAME.golden (go test -update
// rewrites it).
func Golden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", strings.NewReplacer("/", "_", " ", "_").Replace(name)+".golden"), []byte(got))
}

// SortedLines sorts the lines of s, each once: a fleet's events come in
// the order they arrive, and how often a table's header (and the blank
// line before it) comes depends on that order.
func SortedLines(s string) string {
	if s == "" {
		return s
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(slices.Compact(lines), "\n") + "\n"
}
