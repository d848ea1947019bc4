package completion

import (
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "# bash completion V2 for completion",
		"zsh":        "#compdef completion",
		"fish":       "# fish completion for completion",
		"powershell": "# powershell completion for completion",
	} {
		f := clitest.New()
		out, _, err := clitest.Execute(f, NewCmd(f), shell)
		if err != nil {
			t.Errorf("%s: %v", shell, err)
			continue
		}
		if !strings.HasPrefix(out, want) {
			t.Errorf("%s: the script starts %q, want %q", shell, out[:min(len(out), 60)], want)
		}
	}
}

func TestCompletionErrors(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"tcsh"}, `unsupported shell "tcsh": use bash, zsh, fish or powershell`},
		{nil, "accepts 1 arg(s), received 0"},
		{[]string{"bash", "zsh"}, "accepts 1 arg(s), received 2"},
	} {
		f := clitest.New()
		out, _, err := clitest.Execute(f, NewCmd(f), tt.args...)
		if err == nil || err.Error() != tt.wantErr {
			t.Errorf("completion %v: %v, want %q", tt.args, err, tt.wantErr)
		}
		if out != "" {
			t.Errorf("completion %v printed %q", tt.args, out)
		}
	}
}
