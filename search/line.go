package search

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/render"
)

// LineOptions say how Line writes a match.
type LineOptions struct {
	// Prefix starts the line (a fleet's context), when set.
	Prefix string
	// Namespace writes the object's namespace before its name (-A).
	Namespace bool
	// ShowSecrets writes the values of a Secret's matches.
	ShowSecrets bool
	// Width is what the line is cut to, around the match.
	Width int
}

// Line is one match as `kdx grep` prints it, escaped (names and values
// come from the server):
// [PREFIX  ][NAMESPACE  ]kind.group/name  PATH: VALUE
// the value cut around the match to the width; a key's match says (key),
// and a Secret's value is not shown without ShowSecrets.
func Line(obj *unstructured.Unstructured, m Match, secret bool, o LineOptions) string {
	var b strings.Builder
	if o.Prefix != "" {
		b.WriteString(o.Prefix + "  ")
	}
	if ns := obj.GetNamespace(); ns != "" && o.Namespace {
		b.WriteString(ns + "  ")
	}
	gvk := obj.GroupVersionKind()
	b.WriteString(render.QualifiedName(gvk.GroupKind(), obj.GetName()) + "  " + m.Path)
	switch {
	case m.Key:
		b.WriteString(" (key)")
	case secret && !o.ShowSecrets: // any value: annotations may hold the data too
		b.WriteString(": (a Secret's value, not shown without --show-secrets)")
	default:
		b.WriteString(": ")
		room := o.Width - len([]rune(b.String()))
		b.WriteString(Snippet(m, room))
	}
	return render.Escape(b.String())
}
