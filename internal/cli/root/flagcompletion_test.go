package root

import (
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
