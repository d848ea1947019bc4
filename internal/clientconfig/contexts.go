package clientconfig

import (
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/yaml"
)

// IsFleet reports whether --context names more than one context, or may
// (a comma list, a glob).
func IsFleet(context string) bool {
	return strings.ContainsAny(context, ",*?[")
}

// SelectContexts is the list of contexts that --context and --all-contexts
// name, in the order given: a comma list of names and shell globs (a glob
// expands to the contexts it matches in kubeconfig order), or with all every
// context of the merged kubeconfig, in kubeconfig order. Each context is
// named once. A name that is not a context, or a glob that matches none, is
// a *ContextError, before any request is sent. Without --context and
// --all-contexts it returns nil: the current context, as kubectl has it.
func SelectContexts(flags *Flags, all bool) ([]string, error) {
	if !all && flags.Context == "" {
		return nil, nil
	}
	if all && flags.Context != "" {
		return nil, fmt.Errorf("--context and --all-contexts cannot be used together")
	}
	_, ordered, err := readContexts(flags)
	if err != nil {
		return nil, err
	}
	if all {
		if len(ordered) == 0 {
			return nil, &ContextError{Name: "*"}
		}
		return ordered, nil
	}
	var out []string
	for _, pattern := range strings.Split(flags.Context, ",") {
		pattern = strings.TrimSpace(pattern)
		if pattern == "" {
			continue
		}
		matched := false
		for _, name := range ordered {
			if name == pattern || globMatch(pattern, name) {
				matched = true
				if !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
		}
		if !matched {
			available := append([]string(nil), ordered...)
			sort.Strings(available) // as for one --context
			return nil, &ContextError{Name: pattern, Available: available}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--context %q names no context", flags.Context)
	}
	return out, nil
}

// readContexts reads the merged kubeconfig of flags and the names of its
// contexts in kubeconfig order (see contextOrder).
func readContexts(flags *Flags) (*clientcmdapi.Config, []string, error) {
	raw, err := flags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, nil, kubeconfigError(flags, err)
	}
	ordered := contextOrder(flags)
	for name := range raw.Contexts { // contexts the files did not show us (should not happen)
		if !slices.Contains(ordered, name) {
			ordered = append(ordered, name)
		}
	}
	return &raw, ordered, nil
}

// contextOrder is the names of the contexts of the kubeconfig files in the
// order the files list them, files in loading order (the first file that
// names a context wins, as in clientcmd's merge).
func contextOrder(flags *Flags) []string {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = flags.KubeConfig
	files := rules.GetLoadingPrecedence()
	if flags.KubeConfig != "" {
		files = []string{flags.KubeConfig}
	}
	var names []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		var doc struct {
			Contexts []struct {
				Name string `json:"name"`
			} `json:"contexts"`
		}
		if yaml.Unmarshal(data, &doc) != nil {
			continue
		}
		for _, c := range doc.Contexts {
			if c.Name != "" && !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
	}
	return names
}

// ForContext is a copy of flags for one context of a fleet: every other
// connection flag applies to it as kubectl would apply it to that context.
func (f *Flags) ForContext(name string) *Flags {
	c := *f
	c.Context = name
	return &c
}

// globMatch is path.Match where '*' and '?' also match '/' (EKS contexts
// are ARNs: arn:aws:eks:region:account:cluster/name).
func globMatch(pattern, name string) bool {
	const slash = "\x00"
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", slash), strings.ReplaceAll(name, "/", slash))
	return ok
}

// ContextInfo is one context of the kubeconfig, as kubectl config
// get-contexts shows it (no credential).
type ContextInfo struct {
	Name, Cluster, User, Namespace string
	// Current is the kubeconfig's current-context.
	Current bool
}

// ListContexts is every context of the merged kubeconfig of flags, in
// kubeconfig order (as --all-contexts runs them); --context does not change
// which one is current.
func ListContexts(flags *Flags) ([]ContextInfo, error) {
	raw, ordered, err := readContexts(flags.ForContext(""))
	if err != nil {
		return nil, err
	}
	out := make([]ContextInfo, 0, len(ordered))
	for _, name := range ordered {
		c := raw.Contexts[name]
		if c == nil {
			continue
		}
		out = append(out, ContextInfo{Name: name, Cluster: c.Cluster, User: c.AuthInfo, Namespace: c.Namespace, Current: name == raw.CurrentContext})
	}
	return out, nil
}
