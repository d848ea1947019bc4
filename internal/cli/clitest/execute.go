package clitest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
)

// Execute runs cmd (a command's NewCmd over f) with args, as the root
// would but without printing the error, and returns what f's stdout and
// stderr got (cobra's own output, help and usage, included) and the error.
func Execute(f *Factory, cmd *cobra.Command, args ...string) (stdout, stderr string, err error) {
	// Never nil: cobra reads os.Args for nil, the test binary's own flags
	// (-update, -run) then.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(f.Out)
	cmd.SetErr(f.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.ExecuteContext(context.Background())
	return f.Out.String(), f.ErrOut.String(), err
}

// WriteFile writes content to a file named name in a new temporary
// directory of t, and returns its path (a manifest for -f).
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// ForServer makes the factories of one context served by server ("": a
// server out of reach), one per run.
func ForServer(server string) func() *Factory {
	return func() *Factory {
		f := New()
		f.Server = server
		return f
	}
}

// ForFleet makes the factories of a fleet of the contexts a, b and c,
// served by server unless servers names another for a context ("": down).
func ForFleet(server string, servers map[string]string) func() *Factory {
	return func() *Factory {
		f := New()
		f.Server, f.ContextList, f.Servers = server, []string{"a", "b", "c"}, servers
		return f
	}
}
