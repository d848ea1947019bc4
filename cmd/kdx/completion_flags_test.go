package main

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestDiffFlagCompletion: diff --dir completes directories only (an export
// tree), --color its three modes, with no file names.
func TestDiffFlagCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "diff", "--dir", ""}, ":16\n"},                       // ShellCompDirectiveFilterDirs
		{[]string{"__complete", "diff", "--color", ""}, "always\nauto\nnever\n:4\n"}, // ShellCompDirectiveNoFileComp
	} {
		res := runKdx(context.Background(), t, tc.args...)
		got := res.Stdout
		if i := strings.Index(got, ":"); i >= 0 {
			lines := strings.Split(strings.TrimSuffix(got[:i], "\n"), "\n")
			slices.Sort(lines)
			got = strings.TrimPrefix(strings.Join(lines, "\n")+"\n", "\n") + got[i:]
		}
		if res.ExitCode != 0 || got != tc.want {
			t.Errorf("%v: exit %d, stdout %q, want %q", tc.args, res.ExitCode, res.Stdout, tc.want)
		}
	}
}
