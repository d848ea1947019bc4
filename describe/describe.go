package describe

import (
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kdxproject/kdx/render"
)

// lastApplied is the annotation kubectl apply keeps; it repeats the object
// and is left out, as kubectl describe does.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Description is one object and what was found about it.
type Description struct {
	// Object is the object described.
	Object *unstructured.Unstructured
	// Events are the object's events, in any order (written oldest first).
	// ShowEvents false leaves the section out.
	Events     []Event
	ShowEvents bool
	// Extra are sections a kind adds after the fields (a Service's
	// endpoints, a namespace's quotas), in order.
	Extra []Section
	// Deletion explains why an object being deleted has not gone; nil when
	// it is not being deleted.
	Deletion *Deletion
}

// Section is a titled block of lines, written indented under its title.
type Section struct {
	Title string
	Lines []string
}

// Write writes the descriptions to w, separated as kubectl separates them
// (two blank lines), reading ages against now.
func Write(w io.Writer, now time.Time, ds ...Description) error {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteString("\n\n")
		}
		d.write(&b, now)
	}
	_, err := io.WriteString(w, escapeLines(b.String()))
	return err
}

// WriteEvents writes the Events section of a description alone, as
// Write writes it (oldest first, "<none>" for none), escaped.
func WriteEvents(w io.Writer, now time.Time, events []Event) error {
	var b strings.Builder
	writeEvents(&b, events, now)
	_, err := io.WriteString(w, escapeLines(b.String()))
	return err
}

// escapeLines escapes each line of s (render.Escape): whatever text of the
// server a description holds (names, annotations, data, events) reaches
// the terminal without a control character but TAB. Tables and the header
// escape their cells before aligning them; escaping again changes nothing.
func escapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = render.Escape(l)
	}
	return strings.Join(lines, "\n")
}

// write writes one description.
func (d Description) write(b *strings.Builder, now time.Time) {
	obj := d.Object
	writeHeader(b, obj, now)
	fields := fieldsOf(obj)
	conditions := takeConditions(fields)
	if summary := kindSummary(obj, now); len(summary) > 0 {
		writeSections(b, summary)
	}
	t := tree{b}
	for _, k := range sortedTopLevel(fields) {
		v := fields[k]
		if isInline(v) {
			b.WriteString(title(k) + ":  " + scalar(v) + "\n")
			continue
		}
		t.writeField(title(k), v, 0, 0)
	}
	if len(conditions) > 0 {
		writeConditions(b, conditions, now)
	}
	writeSections(b, d.Extra)
	if d.Deletion != nil {
		d.Deletion.write(b, now)
	}
	if d.ShowEvents {
		writeEvents(b, d.Events, now)
	}
}

// writeHeader writes the metadata, one aligned "Key:  value" per line.
func writeHeader(b *strings.Builder, obj *unstructured.Unstructured, now time.Time) {
	tw := tabwriter.NewWriter(b, 0, 8, 2, ' ', 0)
	row := func(k string, lines ...string) {
		if len(lines) == 0 {
			lines = []string{"<none>"}
		}
		fmt.Fprintf(tw, "%s:\t%s\n", k, render.Escape(lines[0]))
		for _, l := range lines[1:] {
			fmt.Fprintf(tw, "\t%s\n", render.Escape(l))
		}
	}
	row("Name", obj.GetName())
	if ns := obj.GetNamespace(); ns != "" {
		row("Namespace", ns)
	}
	row("Kind", KindName(obj))
	row("Labels", pairs(obj.GetLabels(), "=")...)
	annotations := obj.GetAnnotations()
	delete(annotations, lastApplied)
	row("Annotations", pairs(annotations, ": ")...)
	created := obj.GetCreationTimestamp()
	row("Created", fmt.Sprintf("%s (%s ago)", created.UTC().Format(time.RFC3339), age(now, created.Time)))
	var owners []string
	for _, o := range obj.GetOwnerReferences() {
		s := o.Kind + "/" + o.Name
		if o.Controller != nil && *o.Controller {
			s += " (controller)"
		}
		owners = append(owners, s)
	}
	row("Owners", owners...)
	row("Finalizers", finalizersText(obj.GetFinalizers()))
	if del := obj.GetDeletionTimestamp(); del != nil {
		row("Deleting", fmt.Sprintf("since %s (waiting %s)", del.UTC().Format(time.RFC3339), age(now, del.Time)))
	}
	tw.Flush()
}

// KindName is "Kind.group/version", or "Kind/v1" for the core group.
func KindName(obj *unstructured.Unstructured) string {
	gvk := obj.GroupVersionKind()
	if gvk.Group == "" {
		return gvk.Kind + "/" + gvk.Version
	}
	return gvk.Kind + "." + gvk.Group + "/" + gvk.Version
}

func finalizersText(fs []string) string {
	if len(fs) == 0 {
		return "<none>"
	}
	return "[" + strings.Join(fs, ", ") + "]"
}

// pairs are the entries of m, sorted, as key+sep+value; long values folded.
func pairs(m map[string]string, sep string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		v := m[k]
		if len(v) > foldWidth {
			v = v[:foldWidth-3] + "..."
		}
		out = append(out, k+sep+strings.ReplaceAll(v, "\n", " "))
	}
	return out
}

// fieldsOf is the object's top-level fields without apiVersion, kind and
// metadata, a copy; a Secret's data values and a ConfigMap's binaryData
// values become their byte counts.
func fieldsOf(obj *unstructured.Unstructured) map[string]any {
	fields := map[string]any{}
	for k, v := range obj.Object {
		switch k {
		case "apiVersion", "kind", "metadata":
			continue
		}
		fields[k] = v
	}
	switch gvk := obj.GroupVersionKind(); {
	case gvk.Group == "" && gvk.Kind == "Secret":
		fields["data"] = byteCounts(obj.Object["data"])
		delete(fields, "stringData")
	case gvk.Group == "" && gvk.Kind == "ConfigMap":
		if _, ok := fields["binaryData"]; ok {
			fields["binaryData"] = byteCounts(obj.Object["binaryData"])
		}
	}
	return fields
}

// byteCounts replaces each value of a Secret's data or a ConfigMap's
// binaryData (base64) with "N bytes", as kubectl describe shows them: a
// Secret's values are never written, binary data is not text.
func byteCounts(data any) any {
	m, ok := data.(map[string]any)
	if !ok {
		return data
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		s, _ := v.(string)
		n := len(s)
		if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
			n = len(raw)
		}
		out[k] = fmt.Sprintf("%d bytes", n)
	}
	return out
}

// sortedTopLevel orders the top-level fields: spec first, then the
// one-line fields (a Secret's type), the others (data, rules...), status
// last, each group by name.
func sortedTopLevel(fields map[string]any) []string {
	keys := sortedKeys(fields)
	rank := func(k string) int {
		switch {
		case k == "spec":
			return 0
		case k == "status":
			return 3
		case isInline(fields[k]):
			return 1
		}
		return 2
	}
	sort.SliceStable(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	return keys
}

// title is a top-level field name as a section title: "spec" is "Spec".
func title(k string) string {
	if k == "" {
		return k
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

// writeSections writes titled blocks of lines.
func writeSections(b *strings.Builder, ss []Section) {
	for _, s := range ss {
		if len(s.Lines) == 0 {
			b.WriteString(s.Title + ":  <none>\n")
			continue
		}
		b.WriteString(s.Title + ":\n")
		for _, l := range s.Lines {
			b.WriteString("  " + l + "\n")
		}
	}
}

// age is how long ago t was, as kubectl describe writes it.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t))
}

// table formats rows with a header and a dashed rule, two spaces apart, as
// kubectl describe's tables; each line indented by two spaces.
func table(header []string, rows [][]string) []string {
	rule := make([]string, len(header))
	for i, h := range header {
		rule[i] = strings.Repeat("-", len(h))
	}
	return ruledTable(header, rule, rows)
}

// ruledTable is table with the rule given. Cells are escaped before they
// are aligned, as kubectl escapes them, so that "^[" takes its two columns.
func ruledTable(header, rule []string, rows [][]string) []string {
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 8, 2, ' ', 0)
	for _, r := range append([][]string{header, rule}, rows...) {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = render.Escape(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	lines := strings.Split(strings.TrimRight(sb.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}
