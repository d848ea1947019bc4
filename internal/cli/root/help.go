package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newHelpCommand is cobra's help command, except that an unknown topic is
// an error (exit 1) instead of a usage printed with exit 0.
func newHelpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long: `Help provides help for any command in the application.
Simply type kdx help [path to command] for full details.`,
		ValidArgsFunction: completeHelpTopic,
		RunE: func(c *cobra.Command, args []string) error {
			cmd, _, err := c.Root().Find(args)
			if cmd == nil || err != nil {
				return unknownHelpTopic(c.Root(), args)
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}

// unknownHelpTopic names the topic, with the commands it may have meant.
func unknownHelpTopic(root *cobra.Command, args []string) error {
	topic := strings.Join(args, " ")
	msg := fmt.Sprintf("unknown help topic %q", topic)
	if s := root.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %s?", strings.Join(s, " or "))
	}
	return fmt.Errorf("%s (see '%s --help' for the commands)", msg, root.CommandPath())
}

// completeHelpTopic completes the commands below those already given, as
// cobra's help command does.
func completeHelpTopic(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cmd, _, err := c.Root().Find(args)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if cmd == nil {
		cmd = c.Root()
	}
	var out []string
	for _, sub := range cmd.Commands() {
		if (sub.IsAvailableCommand() || sub.Name() == "help") && strings.HasPrefix(sub.Name(), toComplete) {
			out = append(out, fmt.Sprintf("%s\t%s", sub.Name(), sub.Short))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
