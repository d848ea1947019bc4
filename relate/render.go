package relate

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kdxproject/kdx/render"
)

// WriteTable writes the tree as kubectl-tree draws it: one line per node,
// with the columns NAMESPACE, NAME (kind.group/name, drawn as a tree,
// then the mark in brackets), READY, REASON and AGE, ages as of now. The
// server's text is escaped (render.Escape).
func WriteTable(w io.Writer, root *Node, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tNAME\tREADY\tREASON\tAGE")
	writeRows(tw, root, "", "", now)
	return tw.Flush()
}

// writeRows writes n with prefix before its name, then its children,
// whose lines start with indent.
func writeRows(w io.Writer, n *Node, prefix, indent string, now time.Time) {
	e := render.Escape // names, readiness and reasons come from the server
	fmt.Fprintf(w, "%s\t%s%s\t%s\t%s\t%s\n", e(n.Namespace), prefix, e(name(n)), e(or(n.Ready, "-")), e(or(n.Reason, "-")), age(n, now))
	for i, c := range n.Children {
		last := i == len(n.Children)-1
		branch, more := "├─", "│ "
		if last {
			branch, more = "└─", "  "
		}
		writeRows(w, c, indent+branch, indent+more, now)
	}
}

// name is kind.group/name (core kinds without group) and the mark.
func name(n *Node) string {
	s := strings.ToLower(n.GVK.Kind)
	if n.GVK.Group != "" {
		s += "." + n.GVK.Group
	}
	s += "/" + n.Name
	if n.Mark != "" {
		s += " [" + string(n.Mark) + "]"
	}
	return s
}

func age(n *Node, now time.Time) string {
	if n.Created.IsZero() {
		return "-"
	}
	return duration.HumanDuration(now.Sub(n.Created))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Nested is the tree as JSON data, for -o json and yaml: each node is
// {kind, apiVersion, namespace, name, uid, created, ready, reason, mark}
// (empty fields left out) with its children under key: "children" below,
// "owners" with --up.
func Nested(n *Node, key string) map[string]any {
	m := map[string]any{"kind": n.GVK.Kind, "apiVersion": n.GVK.GroupVersion().String(), "name": n.Name, "uid": string(n.UID)}
	for k, v := range map[string]string{"namespace": n.Namespace, "ready": n.Ready, "reason": n.Reason, "mark": string(n.Mark)} {
		if v != "" {
			m[k] = v
		}
	}
	if !n.Created.IsZero() {
		m["created"] = n.Created.UTC().Format(time.RFC3339)
	}
	children := []any{}
	for _, c := range n.Children {
		children = append(children, Nested(c, key))
	}
	m[key] = children
	return m
}
