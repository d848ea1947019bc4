package testenv

import "testing"

func TestNamespaceName(t *testing.T) {
	tests := []struct {
		name, testName, want string
	}{
		{"simple", "TestGet", "testget-abc123"},
		{"subtest", "TestGet/pods_in_a_namespace", "testget-pods-in-a-namespace-abc123"},
		{"punctuation collapses", "TestX//--__y", "testx-y-abc123"},
		{"nothing usable", "///", "test-abc123"},
		{"long", "TestAVeryLongNameThatGoesOnAndOnAndOnAndOnAndOnAndOnAndOnAndOnForever",
			"testaverylongnamethatgoesonandonandonandonandonandonando-abc123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := namespaceName(tt.testName, "abc123")
			if got != tt.want {
				t.Errorf("namespaceName(%q): got %q, want %q", tt.testName, got, tt.want)
			}
			if len(got) > maxNameLength {
				t.Errorf("namespaceName(%q): got %d characters, want at most %d", tt.testName, len(got), maxNameLength)
			}
		})
	}
}
