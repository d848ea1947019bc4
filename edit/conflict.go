package edit

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/write"
)

// maxFields bounds the fields a ConflictError lists.
const maxFields = 10

// Field is one field of a conflict: what the user set, what the server
// holds now, and what it held when the object was read.
type Field struct {
	Path             string
	Yours, Now, Read string
}

// ConflictError is an edit refused because the object changed on the
// server after it was read: nothing was written.
type ConflictError struct {
	// Ref is the object.
	Ref write.Ref
	// ReadVersion and NowVersion are its resourceVersions when read and now
	// (NowVersion "" when it could not be read again).
	ReadVersion, NowVersion string
	// Fields are the fields the user changed that the server changed too.
	Fields []Field
	// Others are, when no field is in both, the fields the server changed.
	Others []Field
	// Err is the server's conflict.
	Err error
}

func (e *ConflictError) Unwrap() error { return e.Err }

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s changed on the server while you edited it (read at resourceVersion %q", e.Ref.KindName(), e.ReadVersion)
	if e.NowVersion != "" {
		fmt.Fprintf(&b, ", now %q", e.NowVersion)
	}
	b.WriteString("): nothing was written")
	list := func(fields []Field, line func(Field) string) {
		for i, f := range fields {
			if i == maxFields {
				fmt.Fprintf(&b, "\n  and %d more", len(fields)-maxFields)
				break
			}
			b.WriteString("\n  " + line(f))
		}
	}
	switch {
	case len(e.Fields) > 0:
		b.WriteString("; conflicting fields:")
		list(e.Fields, func(f Field) string {
			return fmt.Sprintf("%s: yours %s, on the server now %s (was %s)", f.Path, f.Yours, f.Now, f.Read)
		})
	case len(e.Others) > 0:
		b.WriteString("; changed on the server meanwhile (none of the fields you changed):")
		list(e.Others, func(f Field) string { return fmt.Sprintf("%s: now %s (was %s)", f.Path, f.Now, f.Read) })
	}
	b.WriteString("\n  run kdx edit again to edit the object as it is now")
	return b.String()
}

// conflict reads the object again and says which fields of the patch p
// the server changed since it was read (base is the object as read,
// cleaned).
func (s *Session) conflict(ctx context.Context, ref write.Ref, live, base *unstructured.Unstructured, p map[string]any, err error) error {
	ce := &ConflictError{Ref: ref, ReadVersion: live.GetResourceVersion(), Err: err}
	now, gerr := s.Client.Get(ctx, ref, "")
	if gerr != nil || now.Object == nil {
		return ce
	}
	ce.NowVersion = now.Object.GetResourceVersion()
	cur := now.Object.DeepCopy()
	if s.Clean != nil {
		s.Clean(cur)
	}
	unstructured.RemoveNestedField(cur.Object, "metadata", "managedFields")
	read, err1 := normalize(base.Object)
	current, err2 := normalize(cur.Object)
	if err1 != nil || err2 != nil {
		return ce
	}
	secret := isSecret(base)
	value := func(path []string, v any, ok bool) string {
		if secret && len(path) > 0 && (path[0] == "data" || path[0] == "stringData") {
			if !ok || v == nil {
				return "(none)"
			}
			return "(a Secret value, not shown)"
		}
		return show(v, ok)
	}
	for _, l := range leaves(p, nil) {
		if pathString(l.path) == "metadata.resourceVersion" {
			continue
		}
		was, wasOK := at(read, l.path)
		is, isOK := at(current, l.path)
		if wasOK != isOK || !reflect.DeepEqual(was, is) {
			ce.Fields = append(ce.Fields, Field{Path: pathString(l.path), Yours: value(l.path, l.value, true),
				Now: value(l.path, is, isOK), Read: value(l.path, was, wasOK)})
		}
	}
	if len(ce.Fields) == 0 {
		for _, l := range leaves(mergePatch(read, current), nil) {
			was, wasOK := at(read, l.path)
			is, isOK := at(current, l.path)
			ce.Others = append(ce.Others, Field{Path: pathString(l.path), Now: value(l.path, is, isOK), Read: value(l.path, was, wasOK)})
		}
	}
	return ce
}
