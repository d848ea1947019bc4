package write

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxConflictFields bounds the fields a ConflictError lists.
const maxConflictFields = 10

// ConflictError is a replace refused because the object changed after the
// resourceVersion of the input: it names who changed it last.
type ConflictError struct {
	// Err is the server's error.
	Err error
	// InputVersion is the resourceVersion the input carried.
	InputVersion string
	// CurrentVersion is the object's resourceVersion now ("" if unknown).
	CurrentVersion string
	// Last is the managedFields entry written last, nil if unknown.
	Last *metav1.ManagedFieldsEntry
}

func (e *ConflictError) Error() string { return e.Err.Error() }

func (e *ConflictError) Unwrap() error { return e.Err }

func (e *ConflictError) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the object changed on the server after resourceVersion %q of the input was read", e.InputVersion)
	if e.CurrentVersion != "" {
		fmt.Fprintf(&b, " (it is now %q)", e.CurrentVersion)
	}
	if e.Last != nil {
		fmt.Fprintf(&b, "; last written by %q (%s", e.Last.Manager, e.Last.Operation)
		if e.Last.Subresource != "" {
			fmt.Fprintf(&b, " of %s", e.Last.Subresource)
		}
		if e.Last.Time != nil {
			fmt.Fprintf(&b, " at %s", e.Last.Time.UTC().Format(time.RFC3339))
		}
		b.WriteString("), which manages:")
		for _, f := range fieldPaths(e.Last.FieldsV1, maxConflictFields) {
			b.WriteString("\n  " + f)
		}
	}
	b.WriteString("\n  get the object again and redo the change, remove resourceVersion from the input to overwrite, or use kdx apply")
	return b.String()
}

// conflictError fetches the object to say who changed it.
func (w *Writer) conflictError(ctx context.Context, t Task, err error) error {
	ce := &ConflictError{Err: err, InputVersion: t.Object.GetResourceVersion()}
	resp, gerr := w.Client.Get(ctx, t.Ref, "")
	if gerr != nil || resp.Object == nil {
		return ce
	}
	ce.CurrentVersion = resp.Object.GetResourceVersion()
	ce.Last = lastWriter(resp.Object.GetManagedFields())
	return ce
}

// lastWriter is the entry with the latest time.
func lastWriter(entries []metav1.ManagedFieldsEntry) *metav1.ManagedFieldsEntry {
	var last *metav1.ManagedFieldsEntry
	for i := range entries {
		e := &entries[i]
		if e.Time == nil {
			continue
		}
		if last == nil || !e.Time.Before(last.Time) {
			last = e
		}
	}
	return last
}

// fieldPaths turns a FieldsV1 set into paths (.data.key, .spec.ports[port=80]),
// at most limit of them plus a line saying how many more.
func fieldPaths(f *metav1.FieldsV1, limit int) []string {
	if f == nil {
		return nil
	}
	var tree map[string]any
	if err := json.Unmarshal(f.Raw, &tree); err != nil {
		return nil
	}
	var out []string
	walkFields("", tree, &out)
	sort.Strings(out)
	if len(out) > limit {
		more := len(out) - limit
		out = append(out[:limit], fmt.Sprintf("... and %d more", more))
	}
	return out
}

func walkFields(prefix string, tree map[string]any, out *[]string) {
	children := 0
	for k, v := range tree {
		if k == "." {
			continue
		}
		children++
		sub, _ := v.(map[string]any)
		walkFields(prefix+fieldSegment(k), sub, out)
	}
	if children == 0 && prefix != "" {
		*out = append(*out, prefix)
	}
}

// fieldSegment renders one key of a FieldsV1 set.
func fieldSegment(k string) string {
	kind, rest, _ := strings.Cut(k, ":")
	switch kind {
	case "f":
		return "." + rest
	case "k":
		return "[" + keySelector(rest) + "]"
	case "v":
		return "[=" + rest + "]"
	case "i":
		return "[" + rest + "]"
	}
	return "." + k
}

// keySelector renders {"name":"a","port":80} as name=a,port=80.
func keySelector(raw string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return raw
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, m[k])
	}
	return strings.Join(parts, ",")
}
