package export

import (
	"fmt"
	"maps"
	"slices"
)

// NamedSkip is an object named on the command line that a skip rule
// matches: a bulk export leaves it out, a named one exports it.
type NamedSkip struct {
	Namespace, Name string
	Rule            *SkipRule
}

// Warnings are the lines, in kubectl's `Warning: ` style, that say what
// may make the export not what the user thinks: named objects that a bulk
// export would skip, objects of a namespace being deleted, and items the
// server listed as another kind than their type's. terminating are the
// namespaces known to be Terminating.
func (s *Summary) Warnings(terminating []string) []string {
	var out []string
	for _, r := range s.Types {
		for _, n := range r.NamedSkips {
			out = append(out, fmt.Sprintf("Warning: %s %q is exported because it was named; an export of all %s skips it: %s (%s keeps it)",
				r.Type, n.Name, r.Type, n.Rule.Reason, n.Rule.KeptBy))
		}
	}
	for _, r := range s.Types {
		saids := slices.Sorted(maps.Keys(r.OtherKinds))
		for _, said := range saids {
			out = append(out, fmt.Sprintf("Warning: the server listed %d %s that said they were %q: exported as %s, the type listed",
				r.OtherKinds[said], r.Type, said, r.Type.GVK.Kind))
		}
	}
	for _, ns := range terminating {
		if slices.ContainsFunc(s.Types, func(r TypeResult) bool { return r.Namespaces[ns] }) {
			out = append(out, fmt.Sprintf("Warning: namespace %q is terminating; its objects may be gone soon", ns))
		}
	}
	return out
}
