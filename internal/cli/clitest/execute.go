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
// stderr got and the error.
func Execute(f *Factory, cmd *cobra.Command, args ...string) (stdout, stderr string, err error) {
	cmd.SetArgs(args)
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
