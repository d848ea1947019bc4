package root

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
)

// registerFlagCompletions completes the global flags as kubectl does:
// --namespace with the server's namespaces, --context, --cluster and
// --user with the kubeconfig's entries; never with file names.
func registerFlagCompletions(root *cobra.Command, f *cli.DefaultFactory) {
	fromKubeconfig := func(names func(*clientcmdapi.Config) []string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			raw, err := f.KubeconfigFlags().ToRawKubeConfigLoader().RawConfig()
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return withPrefix(names(&raw), toComplete), cobra.ShellCompDirectiveNoFileComp
		}
	}
	_ = root.RegisterFlagCompletionFunc("namespace", func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return completeNamespaces(cmd.Context(), f, toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("context", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		raw, err := f.KubeconfigFlags().ForContext("").ToRawKubeConfigLoader().RawConfig()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeContextList(keys(raw.Contexts), toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("cluster", fromKubeconfig(func(c *clientcmdapi.Config) []string { return keys(c.Clusters) }))
	_ = root.RegisterFlagCompletionFunc("user", fromKubeconfig(func(c *clientcmdapi.Config) []string { return keys(c.AuthInfos) }))
}

// completeNamespaces lists the namespaces of the server, one page.
func completeNamespaces(ctx context.Context, f cli.Factory, prefix string) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, cli.CompletionTimeout)
	defer cancel()
	cfg, err := f.Config()
	if err != nil {
		return nil
	}
	client, err := dynamicclient.New(cfg.REST)
	if err != nil {
		return nil
	}
	list, err := client.Dynamic().Resource(cli.NamespacesGVR).List(ctx, metav1.ListOptions{Limit: cli.CompletionLimit})
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(list.Items))
	for _, ns := range list.Items {
		names = append(names, ns.GetName())
	}
	return withPrefix(names, prefix)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// withPrefix returns the names that start with prefix, sorted, each once.
func withPrefix(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return cli.Dedupe(out)
}

// completeContextList completes the last name of a comma list of contexts
// (--context a,b,<TAB>), leaving out the names already in the list.
func completeContextList(names []string, toComplete string) []string {
	done, last := "", toComplete
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	given := map[string]bool{}
	for _, n := range strings.Split(done, ",") {
		given[n] = true
	}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, last) && !given[n] {
			out = append(out, done+n)
		}
	}
	return out
}
