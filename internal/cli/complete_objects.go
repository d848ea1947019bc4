package cli

import (
	"context"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/dynamicclient"
)

// CompletionLimit bounds the names listed for completion: one quick page.
const CompletionLimit = 1000

// CompleteObjects completes the arguments of a command taking objects, as
// kubectl does: the resource type first, then names of objects of that
// type (TYPE NAME...), or TYPE/NAME when the word has a slash. The
// namespace is the command line's; -A (where the command has it) lists all
// namespaces, offering each name once, and -l filters.
func CompleteObjects(f Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(ctx, CompletionTimeout)
		defer cancel()
		c := objectCompleter{f: f}
		if fl := cmd.Flags().Lookup("all-namespaces"); fl != nil {
			c.allNamespaces = fl.Value.String() == "true"
		}
		if fl := cmd.Flags().Lookup("selector"); fl != nil {
			c.selector = fl.Value.String()
		}
		switch i := strings.Index(toComplete, "/"); {
		case i >= 0:
			typ := toComplete[:i]
			names := c.names(ctx, typ, nil, toComplete[i+1:])
			for j, n := range names {
				names[j] = typ + "/" + n
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		case len(args) == 0:
			return c.types(ctx, toComplete), cobra.ShellCompDirectiveNoFileComp
		case strings.Contains(args[0], "/"):
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return c.names(ctx, args[0], args[1:], toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// objectCompleter lists types and names for completion.
type objectCompleter struct {
	f             Factory
	allNamespaces bool
	selector      string
}

// types lists the resource names (plural, and short names) from discovery.
func (c objectCompleter) types(ctx context.Context, prefix string) []string {
	resolver, err := c.f.Resolver(ctx)
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
	return Dedupe(out)
}

// names lists the names of objects of typ in the namespace of the command
// line (or all), metadata only, one page, sorted and each once, leaving out
// those already given.
func (c objectCompleter) names(ctx context.Context, typ string, given []string, prefix string) []string {
	cfg, err := c.f.Config()
	if err != nil {
		return nil
	}
	resolver, err := c.f.Resolver(ctx)
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
	if c.allNamespaces {
		ns = ""
	}
	seen := map[string]bool{}
	for _, g := range given {
		seen[g] = true
	}
	var out []string
	opts := metav1.ListOptions{Limit: CompletionLimit, LabelSelector: c.selector}
	_ = client.MetadataPages(ctx, ms[0], ns, opts, func(l *metav1.PartialObjectMetadataList) error {
		for _, it := range l.Items {
			if strings.HasPrefix(it.Name, prefix) && !seen[it.Name] {
				out = append(out, it.Name)
			}
		}
		return errStop
	})
	sort.Strings(out)
	return Dedupe(out)
}

// errStop ends a page loop after the first page.
var errStop = stopError{}

type stopError struct{}

func (stopError) Error() string { return "stop" }

func Dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// IsTerminal says whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ObjectsGCPercent is the GC target while objects are printed in an
// object format (get -o yaml, export): pages are garbage soon after.
const ObjectsGCPercent = 50

// NamespacesGVR is the resource of namespaces.
var NamespacesGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
