package root

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
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
	r := New("kubectl-kdx", genericiooptions.NewTestIOStreamsDiscard())
	walk(r)
	if !strings.Contains(r.Example, "  kubectl kdx get gadgets -A\n") {
		t.Errorf("root example:\n%s", r.Example)
	}
}

// TestHelpHasExamples checks that every command documents examples.
func TestHelpHasExamples(t *testing.T) {
	r := New("kdx", genericiooptions.NewTestIOStreamsDiscard())
	for _, cmd := range r.Commands() {
		if cmd.Hidden || cmd.Name() == "help" || cmd.Name() == "__complete" {
			continue
		}
		if strings.TrimSpace(cmd.Example) == "" {
			t.Errorf("kdx %s has no examples in its help", cmd.Name())
		}
	}
}
