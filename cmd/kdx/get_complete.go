package main

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/dynamicclient"
)

// completionLimit bounds the names listed for completion: one quick page.
const completionLimit = 1000

// completeArgs completes resource types first, then object names of the type.
func (o *getOptions) completeArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if len(args) == 0 {
		return o.completeTypes(ctx, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	if strings.Contains(args[0], "/") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return o.completeNames(ctx, args[0], args[1:], toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeTypes lists the resource names (plural, and short names) from discovery.
func (o *getOptions) completeTypes(ctx context.Context, prefix string) []string {
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range resolver.Snapshot().Resources {
		if !r.Supports("get") && !r.Supports("list") {
			continue
		}
		name := r.QualifiedName()
		if r.Group == "" || !strings.Contains(prefix, ".") {
			name = r.Resource
		}
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return dedupe(out)
}

// completeNames lists the names of objects of typ in the namespace of the
// command line, metadata only, one page.
func (o *getOptions) completeNames(ctx context.Context, typ string, given []string, prefix string) []string {
	cfg, err := o.f.Config()
	if err != nil {
		return nil
	}
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return nil
	}
	ms, err := resolver.Resolve(ctx, typ)
	if err != nil || len(ms) != 1 {
		return nil
	}
	client, err := dynamicclient.New(cfg.REST)
	if err != nil {
		return nil
	}
	ns := cfg.Namespace
	if o.allNamespaces {
		ns = ""
	}
	seen := map[string]bool{}
	for _, g := range given {
		seen[g] = true
	}
	var out []string
	opts := metav1.ListOptions{Limit: completionLimit, LabelSelector: o.selector}
	_ = client.MetadataPages(ctx, ms[0], ns, opts, func(l *metav1.PartialObjectMetadataList) error {
		for _, it := range l.Items {
			if strings.HasPrefix(it.Name, prefix) && !seen[it.Name] {
				out = append(out, it.Name)
			}
		}
		return errStop
	})
	return out
}

// errStop ends a page loop after the first page.
var errStop = stopError{}

type stopError struct{}

func (stopError) Error() string { return "stop" }

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
