package completion

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
)

func NewCmd(f cli.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script",
		Long: `Print a completion script for bash, zsh, fish or PowerShell. Resource names
complete from the discovery cache; object names (TYPE NAME, TYPE/NAME) and
--namespace from a quick list; --context, --cluster and --user from the
kubeconfig.`,
		Example: `  # bash, for the current shell
  source <(kdx completion bash)

  # zsh, installed for every shell
  kdx completion zsh > "${fpath[1]}/_kdx"

  # fish
  kdx completion fish > ~/.config/fish/completions/kdx.fish`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), f.Streams().Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return fmt.Errorf("unsupported shell %q: use bash, zsh, fish or powershell", args[0])
		},
	}
}
