package write

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Explain is the message of a failed result: "failed to <verb> <kind/name>
// from <source>: <cause>", the cause in words a user can act on; field paths
// of validation errors and apply conflicts come one per line, indented.
func Explain(r Result) string {
	head := fmt.Sprintf("failed to %s %s", r.Verb, r.Task.Ref.KindName())
	if r.Task.Ref.Name == "" {
		head = fmt.Sprintf("failed to %s %s", r.Verb, r.Task.Ref.Kind())
	}
	if r.Task.Source != "" {
		head += " from " + r.Task.Source
	}
	if r.DryRun && missingNamespace(r.Err) != "" {
		return head + ": " + dryRunNamespace(missingNamespace(r.Err))
	}
	return head + ": " + Cause(r.Err)
}

// missingNamespace is the namespace err says does not exist, or "".
func missingNamespace(err error) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || !apierrors.IsNotFound(err) {
		return ""
	}
	if d := status.Status().Details; d != nil && d.Kind == "namespaces" {
		return d.Name
	}
	return ""
}

// dryRunNamespace explains why a dry run fails in a namespace that does
// not exist, even when the input creates it.
func dryRunNamespace(ns string) string {
	return fmt.Sprintf("namespace %q does not exist, and a server dry run creates nothing, not even a Namespace of the same input: create the namespace first to check the objects in it", ns)
}

// Cause words err for a user.
func Cause(err error) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return err.Error()
	}
	s := status.Status()
	switch {
	case apierrors.IsInvalid(err):
		return invalid(s)
	case apierrors.IsConflict(err) && hasCause(s, metav1.CauseTypeFieldManagerConflict):
		return applyConflict(s)
	case apierrors.IsConflict(err):
		return conflict(err, s)
	case apierrors.IsAlreadyExists(err):
		return s.Message + " (use kdx apply or kdx replace to change it)"
	case missingNamespace(err) != "":
		return fmt.Sprintf("namespace %q does not exist: create it first, or put the Namespace in the same input", s.Details.Name)
	case s.Code == http.StatusUnsupportedMediaType:
		return unsupportedPatch(s)
	case strings.Contains(s.Message, typedPatchPrefix):
		return typedPatch(s.Message)
	case apierrors.IsMethodNotSupported(err):
		return s.Message + " (the resource does not support this verb)"
	}
	return strings.TrimSpace(s.Message)
}

func hasCause(s metav1.Status, t metav1.CauseType) bool {
	if s.Details == nil {
		return false
	}
	for _, c := range s.Details.Causes {
		if c.Type == t {
			return true
		}
	}
	return false
}

// invalid lists the fields a validation error names, one per line.
func invalid(s metav1.Status) string {
	if s.Details == nil || len(s.Details.Causes) == 0 {
		return s.Message
	}
	if c := s.Details.Causes; len(c) == 1 && c[0].Field == "patch" {
		return invalidPatch(c[0].Message)
	}
	var b strings.Builder
	b.WriteString("the object is invalid:")
	immutable := false
	for _, c := range s.Details.Causes {
		b.WriteString("\n  ")
		if c.Field != "" && !strings.HasPrefix(c.Message, c.Field+":") {
			b.WriteString(c.Field + ": ")
		}
		b.WriteString(c.Message)
		immutable = immutable || strings.Contains(c.Message, "immutable")
	}
	if immutable {
		b.WriteString("\n  (an immutable field cannot change: delete the object and create it again to change it)")
	}
	return b.String()
}

// applyConflict lists the fields other managers own, one per line.
func applyConflict(s metav1.Status) string {
	var b strings.Builder
	b.WriteString("the apply conflicts with fields other field managers own:")
	for _, c := range s.Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		fmt.Fprintf(&b, "\n  %s: %s", c.Field, c.Message)
	}
	b.WriteString("\n  take them over with --force-conflicts, drop them from the input, or set them to the current values to share them")
	return b.String()
}

// conflict explains an optimistic concurrency failure; a *ConflictError
// from Replace carries who changed the object.
func conflict(err error, s metav1.Status) string {
	var ce *ConflictError
	if errors.As(err, &ce) {
		return ce.describe()
	}
	var ve *VersionError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return s.Message
}

func unsupportedPatch(s metav1.Status) string {
	return "the server does not accept this patch type here: custom resources support no strategic merge patch; use --type merge, --type json or --type apply (" + s.Message + ")"
}

// typedPatchPrefix starts the server's error for an apply whose fields do not
// fit the schema (a type mismatch, an undeclared field).
const typedPatchPrefix = "failed to create typed patch object ("

// typedPatch lists the fields of a typed patch error, one per line.
func typedPatch(msg string) string {
	_, rest, _ := strings.Cut(msg, typedPatchPrefix)
	if _, after, ok := strings.Cut(rest, "): "); ok {
		rest = after
	}
	rest = strings.TrimPrefix(strings.TrimSpace(rest), "errors:")
	var b strings.Builder
	b.WriteString("the object does not fit the resource's schema:")
	for _, l := range strings.Split(rest, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			b.WriteString("\n  " + l)
		}
	}
	return b.String()
}

// invalidValuePrefix starts the message of a field error with its value.
const invalidValuePrefix = "Invalid value: "

// invalidPatch words the error of a patch whose result does not decode
// into the object's type, dropping the value, which is the whole patched
// object (managedFields included) as escaped JSON.
func invalidPatch(msg string) string {
	cause := msg
	if rest, ok := strings.CutPrefix(msg, invalidValuePrefix); ok {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			cause = strings.TrimPrefix(rest[len(q):], ": ")
		}
	}
	out := "the patched object does not fit the resource's type: " + cause
	if strings.Contains(cause, "strict decoding error") {
		out += " (--validate=warn drops unknown fields with a warning, as kubectl patch does; --validate=ignore drops them silently)"
	}
	return out
}
