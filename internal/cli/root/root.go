package root

import (
	"flag"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cli/annotate"
	"github.com/kdxproject/kdx/internal/cli/apiresources"
	"github.com/kdxproject/kdx/internal/cli/apiversions"
	"github.com/kdxproject/kdx/internal/cli/apply"
	"github.com/kdxproject/kdx/internal/cli/completion"
	"github.com/kdxproject/kdx/internal/cli/create"
	"github.com/kdxproject/kdx/internal/cli/delete"
	"github.com/kdxproject/kdx/internal/cli/describe"
	"github.com/kdxproject/kdx/internal/cli/diff"
	"github.com/kdxproject/kdx/internal/cli/edit"
	"github.com/kdxproject/kdx/internal/cli/explain"
	"github.com/kdxproject/kdx/internal/cli/export"
	"github.com/kdxproject/kdx/internal/cli/get"
	"github.com/kdxproject/kdx/internal/cli/grep"
	"github.com/kdxproject/kdx/internal/cli/label"
	"github.com/kdxproject/kdx/internal/cli/patch"
	"github.com/kdxproject/kdx/internal/cli/refs"
	"github.com/kdxproject/kdx/internal/cli/replace"
	"github.com/kdxproject/kdx/internal/cli/tree"
	"github.com/kdxproject/kdx/internal/cli/ui"
	"github.com/kdxproject/kdx/internal/cli/version"
	"github.com/kdxproject/kdx/internal/cli/wait"
	"github.com/kdxproject/kdx/internal/cli/watch"
)

// New builds the kdx command tree. name is the binary's name:
// installed as kubectl-kdx, kdx presents itself as the plugin `kubectl kdx`.
func New(name string, streams genericiooptions.IOStreams) *cobra.Command {
	f := cli.NewFactory(streams)
	root := &cobra.Command{
		Use:   "kdx",
		Short: "kdx explores every resource a Kubernetes API server serves",
		Long: `kdx asks the API server what exists instead of compiling types in: built-in
resources, CustomResourceDefinitions and aggregated APIs are all listed, resolved
and read the same way. Flags for reaching a cluster are kubectl's.`,
		Example: `  # Every resource the server serves, with the number of objects of each
  kdx api-resources --count

  # Custom resources with their printer columns, no generated types needed
  kdx get gadgets -A

  # Every listable object of the server, not just the "all" category
  kdx get --all-types -A -o name

  # Several kinds in one watch, for five seconds
  kdx watch deployments,gadgets -n team-a --timeout 5s

  # Clean manifests of a namespace, one file per object
  kdx export --all-types -n team-a --dir backup/

  # Another kubeconfig context, as with kubectl
  kdx --context staging version`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// No command given: show help rather than an error, as kubectl does.
		Run: func(cmd *cobra.Command, _ []string) { _ = cmd.Help() },
	}
	if strings.HasPrefix(name, "kubectl-") {
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl " + strings.TrimPrefix(name, "kubectl-")}
	}
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(flagError)
	f.AddFlags(root.PersistentFlags())
	addKlogFlags(root.PersistentFlags())
	for _, add := range commands {
		root.AddCommand(add(f))
	}
	root.SetHelpCommand(newHelpCommand())
	registerFlagCompletions(root, f)
	if display := root.Annotations[cobra.CommandDisplayNameAnnotation]; display != "" {
		renameExamples(root, display)
	}
	return root
}

// exampleCommand is kdx at the start of a command line of an example, or
// after a pipe or a process substitution: `kdx get`, `| xargs -L1 kdx`,
// `<(kdx completion bash)`.
var exampleCommand = regexp.MustCompile(`(^|[\s(])kdx( |$)`)

// renameExamples writes the examples of cmd and its subcommands with the
// name kdx runs as, kubectl kdx as a plugin, so that they can be pasted.
func renameExamples(cmd *cobra.Command, name string) {
	lines := strings.Split(cmd.Example, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines[i] = exampleCommand.ReplaceAllString(l, "${1}"+name+"${2}")
		}
	}
	cmd.Example = strings.Join(lines, "\n")
	for _, c := range cmd.Commands() {
		renameExamples(c, name)
	}
}

// commands are the constructors of kdx's commands, in the order of its
// help; adding a command is one line here.
var commands = []func(cli.Factory) *cobra.Command{
	annotate.NewCmd,
	apiresources.NewCmd,
	apiversions.NewCmd,
	apply.NewCmd,
	completion.NewCmd,
	create.NewCmd,
	delete.NewCmd,
	describe.NewCmd,
	diff.NewCmd,
	edit.NewCmd,
	explain.NewCmd,
	export.NewCmd,
	get.NewCmd,
	grep.NewCmd,
	label.NewCmd,
	patch.NewCmd,
	refs.NewCmd,
	replace.NewCmd,
	tree.NewCmd,
	ui.NewCmd,
	version.NewCmd,
	wait.NewCmd,
	watch.NewCmd,
}

func flagError(cmd *cobra.Command, err error) error {
	return fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())
}

// addKlogFlags adds kubectl's -v/--v for client-go's log verbosity.
func addKlogFlags(fs *pflag.FlagSet) {
	gofs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(gofs)
	v := pflag.PFlagFromGoFlag(gofs.Lookup("v"))
	v.Shorthand = "v"
	v.Usage = "number for the log level verbosity (client-go's request logs from 6, bodies from 8; tokens, URL passwords and Secret values are masked)"
	fs.AddFlag(v)
}
