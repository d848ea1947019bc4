package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestPluginExamples: as kubectl-kdx, every example of every command runs
// kubectl kdx, never a bare kdx (which may not be installed).
func TestPluginExamples(t *testing.T) {
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		for _, line := range strings.Split(cmd.Example, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if exampleCommand.MatchString(strings.ReplaceAll(line, "kubectl kdx", "")) {
				t.Errorf("kubectl kdx %s: the example %q runs kdx", cmd.Name(), strings.TrimSpace(line))
			}
		}
		for _, c := range cmd.Commands() {
			walk(c)
		}
	}
	root := NewRootCommand("kubectl-kdx", testStreams())
	walk(root)
	if !strings.Contains(root.Example, "  kubectl kdx get gadgets -A\n") {
		t.Errorf("root example:\n%s", root.Example)
	}
}

// TestHelpHasExamples checks that every command documents examples.
func TestHelpHasExamples(t *testing.T) {
	root := NewRootCommand("kdx", testStreams())
	for _, cmd := range root.Commands() {
		if cmd.Hidden || cmd.Name() == "help" || cmd.Name() == "__complete" {
			continue
		}
		if strings.TrimSpace(cmd.Example) == "" {
			t.Errorf("kdx %s has no examples in its help", cmd.Name())
		}
	}
}
