package clitest

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts of testdata/")

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
	path := filepath.Join("testdata", strings.NewReplacer("/", "_", " ", "_").Replace(name)+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s---want\n%s", name, path, got, want)
	}
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
