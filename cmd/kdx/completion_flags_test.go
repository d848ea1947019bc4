package main

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestCompleteContextList(t *testing.T) {
	names := []string{"prod-a", "prod-b", "staging"}
	for _, tt := range []struct {
		in   string
		want string
	}{
		{"", "prod-a prod-b staging"},
		{"pr", "prod-a prod-b"},
		{"prod-a,", "prod-a,prod-b prod-a,staging"},
		{"prod-a,st", "prod-a,staging"},
		{"prod-a,prod-b,staging,", ""},
	} {
		if got := strings.Join(completeContextList(names, tt.in), " "); got != tt.want {
			t.Errorf("completeContextList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

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
