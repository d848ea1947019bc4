package write

import (
	"context"
	"errors"
	"reflect"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kdxproject/kdx/render"
)

// The actions of results, as kubectl prints them.
const (
	ActionCreated           = "created"
	ActionApplied           = "serverside-applied"
	ActionUnchanged         = "unchanged"
	ActionReplaced          = "replaced"
	ActionPatched           = "patched"
	ActionPatchedNoChange   = "patched (no change)"
	ActionDeleted           = "deleted"
	ActionForceDeleted      = "force deleted"
	ActionDeletedNotPresent = "not found" // --ignore-not-found: nothing to delete
)

// staleAfter is how much older than the server's Date of the answer a
// manager's managedFields time must be for kdx to call a write a no-op: the
// server sets the time only when the write changed something, and both
// times have a precision of one second.
const staleAfter = 2 * time.Second

// Task is one object to write.
type Task struct {
	// Ref says which object.
	Ref Ref
	// Object is the body to send; nil for deletes and patches.
	Object *unstructured.Unstructured
	// Source says where the object came from ("" for names typed).
	Source string
}

// Result is what happened to one Task.
type Result struct {
	// Task is the task.
	Task Task
	// Object is what the server returned (nil for deletes and failures).
	Object *unstructured.Unstructured
	// Action is what was done: one of the Action constants.
	Action string
	// DryRun says that the server did not store anything.
	DryRun bool
	// Err is the failure, with the server's error wrapped.
	Err error
	// Verb is the verb tried, for messages: "create", "apply", ...
	Verb string
	// Warnings are notes about the result, printed to stderr.
	Warnings []string
	// Missing are the labels a label change was to remove that the object
	// does not have (kubectl prints `label "KEY" not found.` for each).
	Missing []string
}

// errNoName is the error of an object without a name where one is needed.
var errNoName = errors.New("metadata.name is not set (generateName works only with create)")

// Options are the settings shared by the write verbs.
type Options struct {
	// DryRun runs the writes on the server without storing them.
	DryRun bool
	// FieldManager names kdx in managedFields.
	FieldManager string
	// FieldValidation is Strict, Warn or Ignore ("" for the server's default).
	FieldValidation string
	// ForceConflicts takes over fields other managers own, in apply.
	ForceConflicts bool
	// Subresource is "status", "scale" or "".
	Subresource string
	// MetadataOnly has the server return metadata only: Result.Object then
	// holds a PartialObjectMetadata, enough for result lines and names.
	MetadataOnly bool
	// Concurrency bounds the requests in flight of a verb on several
	// objects (0: DefaultConcurrency).
	Concurrency int
}

// Writer runs the write verbs on single objects.
type Writer struct {
	// Client sends the requests.
	Client *Client
	// Options apply to every request.
	Options Options
}

func (w *Writer) request() RequestOptions {
	o := w.Options
	return RequestOptions{DryRun: o.DryRun, FieldManager: o.FieldManager, FieldValidation: o.FieldValidation,
		Force: o.ForceConflicts, Subresource: o.Subresource, MetadataOnly: o.MetadataOnly}
}

func (w *Writer) result(t Task, verb string) Result {
	return Result{Task: t, Verb: verb, DryRun: w.Options.DryRun}
}

// Create creates the object.
func (w *Writer) Create(ctx context.Context, t Task) Result {
	r := w.result(t, "create")
	body, err := t.Object.MarshalJSON()
	if err != nil {
		return r.fail(err)
	}
	resp, err := w.Client.Create(ctx, t.Ref, body, w.request())
	if err != nil {
		return r.fail(err)
	}
	r.Object, r.Action = resp.Object, ActionCreated
	r.Task.Ref.Name = nameOf(resp.Object, t.Ref.Name) // generateName
	return r
}

// Apply server-side applies the object: created on a 201, unchanged when
// kdx's managedFields time shows the server changed nothing, else
// serverside-applied. An object last applied client-side by kubectl is
// taken over as kubectl apply --server-side does (see csa.go).
func (w *Writer) Apply(ctx context.Context, t Task) Result {
	r := w.result(t, "apply")
	if t.Ref.Name == "" {
		return r.fail(errNoName)
	}
	obj := t.Object.DeepCopy()
	unstructured.RemoveNestedField(obj.Object, "metadata", "managedFields")
	// Block YAML, which the server parses faster than the same object in
	// JSON (an apply body goes through its YAML parser either way).
	body, err := render.MarshalYAML(obj.Object)
	if err != nil {
		return r.fail(err)
	}
	req := applyRequest(w.request())
	resp, err := w.Client.Apply(ctx, t.Ref, body, req)
	took := false // the fields of client-side applies were taken over
	if err != nil && w.Options.Subresource == "" {
		resp, took, err = w.applyOverClientSide(ctx, t.Ref, body, req, err)
	}
	if err != nil {
		return r.fail(err)
	}
	switch {
	case took || w.Options.Subresource != "" || resp.Code == 201:
	case w.Options.DryRun:
		resp, took = w.previewTakeover(ctx, t.Ref, resp)
	default:
		resp, took, r.Warnings = w.upgradeClientSide(ctx, t.Ref, body, req, resp)
	}
	r.Object, r.Action = resp.Object, ActionApplied
	switch {
	case resp.Code == 201:
		r.Action = ActionCreated
	case took:
	case noOp(resp, w.Options.FieldManager, metav1.ManagedFieldsOperationApply, w.Options.Subresource):
		r.Action = ActionUnchanged
	}
	return r
}

// applyRequest is o for an apply of a body kdx encoded: fieldValidation
// Ignore instead of Strict or Warn. For an apply those only make the server
// parse the body a second time, strictly, to find duplicate fields, which
// an object kdx encoded cannot have (duplicates in the input are found when
// it is read, see manifest.Duplicates); unknown fields fail the apply's
// schema conversion whatever fieldValidation says.
func applyRequest(o RequestOptions) RequestOptions {
	o.FieldValidation = metav1.FieldValidationIgnore
	return o
}

// Replace updates the object with the body as given, resourceVersion
// included: a conflict means someone changed the object since. Without a
// resourceVersion in the input, the object is overwritten: as kubectl does,
// kdx reads the object's current resourceVersion and sends it (custom
// resources refuse an update without one).
func (w *Writer) Replace(ctx context.Context, t Task) Result {
	r := w.result(t, "replace")
	if t.Ref.Name == "" {
		return r.fail(errNoName)
	}
	obj := w.withLiveVersion(ctx, t)
	body, err := obj.MarshalJSON()
	if err != nil {
		return r.fail(err)
	}
	resp, err := w.Client.Update(ctx, t.Ref, body, w.request())
	if apierrors.IsConflict(err) && t.Object.GetResourceVersion() != "" {
		return r.fail(w.conflictError(ctx, t, err))
	}
	if err != nil {
		return r.fail(err)
	}
	r.Object, r.Action = resp.Object, ActionReplaced
	return r
}

// Patch patches the object with a patch of type pt. As kubectl does, it
// reads the object (or its subresource) first and says "patched (no
// change)" when the server's answer equals it.
func (w *Writer) Patch(ctx context.Context, t Task, pt types.PatchType, patch []byte) Result {
	r := w.result(t, "patch")
	if t.Ref.Name == "" {
		return r.fail(errNoName)
	}
	before, berr := w.Client.Get(ctx, t.Ref, w.Options.Subresource)
	req := w.request()
	if berr == nil {
		req.MetadataOnly = false // the whole object, to compare with before
	}
	resp, err := w.Client.Patch(ctx, t.Ref, pt, patch, req)
	if err != nil {
		return r.fail(err)
	}
	r.Object, r.Action = resp.Object, ActionPatched
	if berr == nil && before.Object != nil && reflect.DeepEqual(before.Object, resp.Object) {
		r.Action = ActionPatchedNoChange
	}
	return r
}

// withLiveVersion is t's object, with the resourceVersion of the object on
// the server when the input has none. When the object cannot be read, it is
// t's object as given, and the update says why (kubectl's rule too).
func (w *Writer) withLiveVersion(ctx context.Context, t Task) *unstructured.Unstructured {
	if t.Object.GetResourceVersion() != "" {
		return t.Object
	}
	live, err := w.Client.GetMetadata(ctx, t.Ref)
	if err != nil || live.Object == nil || live.Object.GetResourceVersion() == "" {
		return t.Object
	}
	obj := t.Object.DeepCopy()
	obj.SetResourceVersion(live.Object.GetResourceVersion())
	return obj
}

func (r Result) fail(err error) Result {
	r.Err = err
	return r
}

func nameOf(obj *unstructured.Unstructured, fallback string) string {
	if obj == nil || obj.GetName() == "" {
		return fallback
	}
	return obj.GetName()
}

// noOp reports whether the managedFields entry of manager shows that the
// write changed nothing: its time is older than the answer by staleAfter.
func noOp(resp Response, manager string, op metav1.ManagedFieldsOperationType, subresource string) bool {
	if resp.Object == nil || resp.Date.IsZero() {
		return false
	}
	for _, e := range resp.Object.GetManagedFields() {
		if e.Manager == manager && e.Operation == op && e.Subresource == subresource && e.Time != nil {
			return resp.Date.Sub(e.Time.Time) >= staleAfter
		}
	}
	return false
}
