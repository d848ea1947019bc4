package refs

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// WriteRules writes the links kdx refs knows as Markdown tables: the pod
// spec's references and the kinds that hold a pod spec, the other rules,
// and the conventions of CRDs. The README's refs rules section is its output.
func WriteRules(w io.Writer) error {
	var b strings.Builder
	b.WriteString("#### References of a pod spec\n\n| Rule | Field (in the pod spec) | Target | Why |\n|---|---|---|---|\n")
	for _, r := range PodSpecRefs() {
		fmt.Fprintf(&b, "| `pod-%s` | `%s` | %s | %s |\n", r.ID, r.Path, kindDoc(r.To), r.Why)
	}
	b.WriteString("\nThe pod spec is read in:")
	for i, h := range PodTemplateHolders() {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %s (`%s`)", sep, kindDoc(h.Kind), h.PodSpec)
	}
	b.WriteString(".\n\n#### Other references\n\n| Rule | Kinds | Field | Holds | Target | Why |\n|---|---|---|---|---|---|\n")
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s | %s |\n", r.ID, kindsDoc(r.From), r.Path, r.Shape, targetDoc(r), r.Why)
	}
	b.WriteString("\n#### Conventions of custom resources\n\nIn objects of groups other than Kubernetes' own " +
		"(`*.k8s.io` but `*.x-k8s.io`, and the core, apps, batch, autoscaling, policy groups) that no rule above reads, " +
		"and in their CRDs' schemas for \"used by\":\n\n| Rule | Field | Target |\n|---|---|---|\n")
	for _, c := range Conventions() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.ID, c.Field, c.Means)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func kindDoc(g schema.GroupKind) string {
	if g.Group == "" {
		return g.Kind
	}
	return g.Kind + "." + g.Group
}

func kindsDoc(gks []schema.GroupKind) string {
	out := make([]string, len(gks))
	for i, g := range gks {
		out[i] = kindDoc(g)
	}
	return strings.Join(out, ", ")
}

func targetDoc(r Rule) string {
	switch {
	case r.AnyKind && r.To.Kind != "":
		return "any kind (default " + kindDoc(r.To) + ")"
	case r.AnyKind:
		return "any kind"
	}
	return kindsDoc(r.Targets())
}
