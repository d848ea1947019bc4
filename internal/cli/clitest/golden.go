package clitest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// Transcript runs cmd (a command's NewCmd over f) with args as kdx would,
// and writes what a user sees to b: the contexts of a fleet (those whose
// server is "" named down), the command line, stdout, stderr (the error
// line included, as kdx prints it) and the exit code (grep's and diff's
// for a Unix tool). Golden files of transcripts pin a command's
// output byte for byte.
func Transcript(b *strings.Builder, f *Factory, cmd *cobra.Command, args ...string) {
	if args == nil {
		args = []string{} // not cobra's default, the test binary's os.Args
	}
	if len(f.ContextList) > 0 {
		b.WriteString("# contexts " + strings.Join(f.ContextList, ","))
		for _, name := range f.ContextList {
			if url, ok := f.ContextServers[name]; ok && url == "" {
				b.WriteString(" (" + name + " down)")
			}
		}
		b.WriteString("\n")
	}
	stdout, stderr, err := Execute(f, cmd, args...)
	if msg := cliutil.Message(err); msg != "" {
		stderr += "error: " + msg + "\n"
	}
	code := cliutil.ExitCode(err)
	if cli.IsUnixTool(cmd) {
		code = cliutil.ToolExitCode(err, false)
	}
	fmt.Fprintf(b, "$ %s %s\n--- stdout\n%s--- stderr\n%s--- exit %d\n\n", cmd.Name(), strings.Join(args, " "), stdout, stderr, code)
}

// Golden compares got with the file at path; with update it writes got
// there instead.
func Golden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (-update rewrites it):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff names the first line where got and want differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}
