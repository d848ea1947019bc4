package write

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The actions of label and annotate, as kubectl prints them.
const (
	ActionLabeled    = "labeled"
	ActionUnlabeled  = "unlabeled"
	ActionModified   = "modified" // labels both added and removed
	ActionNotLabeled = "not labeled"
	ActionAnnotated  = "annotated"
	// ActionListed is a --list read: nothing written, nothing printed
	// but the keys.
	ActionListed = "listed"
)

// MetaField is the map of metadata that label and annotate change.
type MetaField string

const (
	// Labels are metadata.labels (kdx label).
	Labels MetaField = "labels"
	// Annotations are metadata.annotations (kdx annotate).
	Annotations MetaField = "annotations"
)

// Singular is "label" or "annotation".
func (f MetaField) Singular() string { return strings.TrimSuffix(string(f), "s") }

// MetaChange is what kdx label or kdx annotate does to each object: keys
// set, keys removed, as kubectl does it.
type MetaChange struct {
	// Field is Labels or Annotations.
	Field MetaField
	// Set are the keys to set (KEY=VALUE).
	Set map[string]string
	// Remove are the keys to remove (KEY-), in the order given.
	Remove []string
	// Overwrite lets Set change a key that has another value.
	Overwrite bool
	// ResourceVersion, when set, is sent with the patch: the server refuses
	// it with a conflict unless the object is at that version.
	ResourceVersion string
	// List only reads the object: its keys are in the result's Object.
	List bool
}

// Verb is "label" or "annotate", for messages.
func (c MetaChange) Verb() string {
	if c.Field == Labels {
		return "label"
	}
	return "annotate"
}

// SplitPairs splits the arguments of label or annotate into the resource
// arguments and the changes (KEY=VALUE, KEY-), which come after every
// resource argument, as kubectl's rule is.
func SplitPairs(args []string, field MetaField) (resources, pairs []string, err error) {
	for _, s := range args {
		pair := (strings.Contains(s, "=") && s[0] != '=') || (strings.HasSuffix(s, "-") && s != "-")
		switch {
		case pair:
			pairs = append(pairs, s)
		case len(pairs) > 0:
			return nil, nil, fmt.Errorf("all resources must be specified before %s changes: %s", field.Singular(), s)
		default:
			resources = append(resources, s)
		}
	}
	return resources, pairs, nil
}

// ParseMetaChange reads the KEY=VALUE and KEY- pairs of label or annotate
// with kubectl's rules and messages: a label value is checked as the
// server would, and a key may not be both set and removed.
func ParseMetaChange(field MetaField, pairs []string) (MetaChange, error) {
	c := MetaChange{Field: field, Set: map[string]string{}}
	var invalid []string
	for _, p := range pairs {
		k, v, isSet := strings.Cut(p, "=")
		switch {
		case isSet && k != "":
			if field == Labels {
				if strings.Contains(v, "=") {
					return c, fmt.Errorf("invalid label spec: %v", p)
				}
				if errs := validation.IsValidLabelValue(v); len(errs) != 0 {
					return c, fmt.Errorf("invalid label value: %q: %s", p, strings.Join(errs, ";"))
				}
			}
			c.Set[k] = v
		case strings.HasSuffix(p, "-") && p != "-":
			c.Remove = append(c.Remove, strings.TrimSuffix(p, "-"))
		case field == Labels:
			return c, fmt.Errorf("unknown label spec: %v", p)
		default:
			invalid = append(invalid, p)
		}
	}
	if len(invalid) > 0 {
		return c, fmt.Errorf("invalid annotation format: %s", strings.Join(invalid, ", "))
	}
	var both []string
	for _, k := range c.Remove {
		if _, ok := c.Set[k]; ok {
			both = append(both, k)
		}
	}
	switch {
	case len(both) > 0 && field == Labels:
		return c, fmt.Errorf("can not both modify and remove a label in the same command")
	case len(both) > 0:
		return c, fmt.Errorf("can not both modify and remove the following annotation(s) in the same command: %s", strings.Join(both, ", "))
	}
	return c, nil
}

// Empty says that the change sets and removes nothing.
func (c MetaChange) Empty() bool { return len(c.Set) == 0 && len(c.Remove) == 0 }

// OverwriteError is a change refused because a key has another value and
// Overwrite is false.
type OverwriteError struct {
	Field MetaField
	// Keys are the keys refused, sorted, and their current values.
	Keys, Values []string
}

// Error is kubectl's message.
func (e *OverwriteError) Error() string {
	if e.Field == Labels {
		var parts []string
		for i, k := range e.Keys {
			parts = append(parts, fmt.Sprintf("'%s' already has a value (%s), and --overwrite is false", k, shortValue(e.Values[i])))
		}
		return strings.Join(parts, "\n")
	}
	var parts []string
	for i, k := range e.Keys {
		parts = append(parts, fmt.Sprintf("'%s' already has a value (%s)", k, shortValue(e.Values[i])))
	}
	return "--overwrite is false but found the following declared annotation(s): " + strings.Join(parts, "; ")
}

// maxShownValue bounds a current value an OverwriteError shows.
const maxShownValue = 80

// shortValue is v as kubectl shows it when it is one short line; a longer
// value (an annotation can hold a whole object) is cut, quoted, with its
// size, so that an error stays one line.
func shortValue(v string) string {
	if len(v) <= maxShownValue && !strings.ContainsAny(v, "\n\r") {
		return v
	}
	cut := v
	if len(cut) > maxShownValue {
		cut = strings.ToValidUTF8(cut[:maxShownValue], "")
	}
	return fmt.Sprintf("%q…, %d bytes", cut, len(v))
}

// Apply computes the change on current (the object's labels or
// annotations): the merge patch of metadata to send (nil when nothing
// changes), the action to report, and the keys asked to be removed that
// the object does not have.
func (c MetaChange) Apply(current map[string]string) (patch map[string]any, action string, missing []string, err error) {
	if !c.Overwrite {
		oe := &OverwriteError{Field: c.Field}
		for _, k := range sortedKeys(c.Set) {
			if v, ok := current[k]; ok && v != c.Set[k] && !(c.Field == Annotations && k == changeCauseAnnotation) {
				oe.Keys, oe.Values = append(oe.Keys, k), append(oe.Values, v)
			}
		}
		if len(oe.Keys) > 0 {
			return nil, "", nil, oe
		}
	}
	changes := map[string]any{}
	added, removed := 0, 0
	for k, v := range c.Set {
		if cur, ok := current[k]; !ok || cur != v {
			changes[k] = v
			added++
		}
	}
	for _, k := range c.Remove {
		if _, ok := current[k]; ok {
			changes[k] = nil
			removed++
		} else if !slices.Contains(missing, k) {
			missing = append(missing, k)
		}
	}
	switch {
	case c.Field == Annotations:
		action = ActionAnnotated
	case added > 0 && removed > 0:
		action = ActionModified
	case added > 0:
		action = ActionLabeled
	case removed > 0:
		action = ActionUnlabeled
	default:
		action = ActionNotLabeled
	}
	if len(changes) == 0 && c.ResourceVersion == "" {
		return nil, action, missing, nil
	}
	md := map[string]any{}
	if len(changes) > 0 {
		md[string(c.Field)] = changes
	}
	if c.ResourceVersion != "" {
		md["resourceVersion"] = c.ResourceVersion
	}
	return map[string]any{"metadata": md}, action, missing, nil
}

// changeCauseAnnotation is kubernetes.io/change-cause, which kubectl lets
// annotate overwrite without --overwrite.
const changeCauseAnnotation = "kubernetes.io/change-cause"

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Meta labels or annotates one object as kubectl does: it reads the
// object, refuses to change a key without Overwrite, and sends a JSON merge
// patch of the keys that change (with ResourceVersion when given). A label
// change that changes nothing sends nothing ("not labeled"), as kubectl;
// an annotation change then sends nothing either unless a resourceVersion
// is to be checked, but says "annotated", as kubectl does. The keys to
// remove the object lacks are in Result.Missing (kubectl prints them for
// labels). With List, the object is only read.
func (w *Writer) Meta(ctx context.Context, t Task, c MetaChange) Result {
	r := w.result(t, c.Verb())
	if t.Ref.Name == "" {
		return r.fail(errNoName)
	}
	var live Response
	var err error
	if w.Options.MetadataOnly || c.List {
		live, err = w.Client.GetMetadata(ctx, t.Ref)
	} else {
		live, err = w.Client.Get(ctx, t.Ref, "")
	}
	if err != nil {
		return r.fail(err)
	}
	if live.Object == nil {
		return r.fail(fmt.Errorf("the server answered the read of %s with no object", t.Ref.KindName()))
	}
	r.Object = live.Object
	if c.List {
		r.Action = ActionListed
		return r
	}
	current := live.Object.GetLabels()
	if c.Field == Annotations {
		current = live.Object.GetAnnotations()
	}
	patch, action, missing, err := c.Apply(current)
	if err != nil {
		return r.fail(err)
	}
	if c.Field == Labels {
		r.Missing = missing
	}
	r.Action = action
	if patch == nil {
		return r
	}
	body, err := json.Marshal(patch)
	if err != nil {
		return r.fail(err)
	}
	resp, err := w.Client.Patch(ctx, t.Ref, types.MergePatchType, body, w.request())
	if apierrors.IsConflict(err) && c.ResourceVersion != "" {
		return r.fail(&VersionError{Err: err, Want: c.ResourceVersion, Read: live.Object.GetResourceVersion()})
	}
	if err != nil {
		return r.fail(err)
	}
	r.Object = resp.Object
	return r
}

// VersionError is a change refused because the object is not at the
// resourceVersion given (--resource-version).
type VersionError struct {
	// Err is the server's conflict.
	Err error
	// Want is the version given, Read the one kdx read just before.
	Want, Read string
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the object is at resourceVersion %q, not %q (--resource-version): it changed since that version", e.Read, e.Want)
}

func (e *VersionError) Unwrap() error { return e.Err }

// MetaOf is the labels or annotations of obj, sorted by key, as
// "KEY=VALUE" lines (kubectl's --list, in a stable order).
func MetaOf(obj *unstructured.Unstructured, field MetaField) []string {
	m := obj.GetLabels()
	if field == Annotations {
		m = obj.GetAnnotations()
	}
	var lines []string
	for _, k := range sortedKeys(m) {
		lines = append(lines, k+"="+m[k])
	}
	return lines
}
