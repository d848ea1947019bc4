package cli

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/discovery"
)

// CompletionTimeout bounds the discovery a completion may do when the
// cache is missing or expired.
const CompletionTimeout = 5 * time.Second

// CompleteResourceTypes completes the first argument of a command taking
// resources (TYPE, TYPE,TYPE) from the discovery cache: plural names, and
// plural.group names. Later arguments (object names) are left to the
// command. Use it as a cobra.Command's ValidArgsFunction.
func CompleteResourceTypes(f Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 || strings.Contains(toComplete, "/") {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		snap := completionSnapshot(cmd.Context(), f)
		if snap == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		done, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []string
		for _, name := range resourceTypeNames(snap) {
			if strings.HasPrefix(name, last) {
				out = append(out, done+name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// resourceTypeNames are the names to offer: every plural that names one
// resource only, and every plural.group, sorted.
func resourceTypeNames(snap *discovery.Snapshot) []string {
	plural := map[string]int{}
	for _, r := range snap.Resources {
		plural[r.Resource]++
	}
	var out []string
	for _, r := range snap.Resources {
		if plural[r.Resource] == 1 || r.Group == "" {
			out = append(out, r.Resource)
		}
		if r.Group != "" {
			out = append(out, r.QualifiedName())
		}
	}
	sort.Strings(out)
	return out
}

// CompleteAPIGroups completes API group names.
func CompleteAPIGroups(f Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		snap := completionSnapshot(cmd.Context(), f)
		if snap == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, g := range snap.Groups() {
			if g.Name != "" && strings.HasPrefix(g.Name, toComplete) {
				out = append(out, g.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completionSnapshot is the cached snapshot (refreshed only when expired or
// missing), or nil: completion never fails loudly.
func completionSnapshot(ctx context.Context, f Factory) *discovery.Snapshot {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, CompletionTimeout)
	defer cancel()
	c, err := f.Discovery(func(o *discovery.Options) { o.Warnings = nil })
	if err != nil {
		return nil
	}
	snap, err := c.Snapshot(ctx)
	if err != nil {
		return nil
	}
	return snap
}
