package export

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// NamedSkip is an object named on the command line that a skip rule
// matches: a bulk export leaves it out, a named one exports it.
type NamedSkip struct {
	Namespace, Name string
	Rule            *SkipRule
}

// Warnings are the lines, in kubectl's `Warning: ` style, that say what
// may make the export not what the user thinks: named objects that a bulk
// export would skip, objects being deleted (written, or left out of a
// tree), objects of a namespace being deleted, and items the server listed
// as another kind than their type's. terminating are the namespaces known
// to be Terminating.
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
		if w := r.deletingWritten; w.n > 0 {
			out = append(out, fmt.Sprintf("Warning: %s; applying this export would make %s again", w.beingDeleted(r.Type.String()), w.pronoun()))
		}
		if sk := r.deletingSkipped; sk.n > 0 {
			out = append(out, fmt.Sprintf("Warning: %s; not written, since restoring the tree would make %s again (%s writes %s)",
				sk.beingDeleted(r.Type.String()), sk.pronoun(), FlagIncludeDeleting, sk.pronoun()))
		}
	}
	for _, ns := range terminating {
		if slices.ContainsFunc(s.Types, func(r TypeResult) bool { return r.Namespaces[ns] }) {
			out = append(out, fmt.Sprintf("Warning: namespace %q is terminating; its objects may be gone soon", ns))
		}
	}
	return out
}

// objectSample counts objects and names the first few, for a warning.
type objectSample struct {
	n     int
	names []string // the first maxNamed, "namespace/name" or "name"
}

// maxNamed is how many objects a warning names before "and N more".
const maxNamed = 5

func (s *objectSample) add(namespace, name string) {
	s.n++
	if len(s.names) < maxNamed {
		if namespace != "" {
			name = namespace + "/" + name
		}
		s.names = append(s.names, name)
	}
}

// beingDeleted says that the objects, of type typ, are being deleted.
func (s objectSample) beingDeleted(typ string) string {
	if s.n == 1 {
		return fmt.Sprintf("%s %s is being deleted (metadata.deletionTimestamp set)", typ, s.names[0])
	}
	list := strings.Join(s.names, ", ")
	if more := s.n - len(s.names); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("%d %s are being deleted (metadata.deletionTimestamp set): %s", s.n, typ, list)
}

func (s objectSample) pronoun() string {
	if s.n == 1 {
		return "it"
	}
	return "them"
}
