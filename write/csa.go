package write

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/csaupgrade"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/kdxproject/kdx/export"
)

// Objects last written by kubectl's client-side apply (kubectl apply without
// --server-side, kubectl create --save-config) carry the last-applied
// annotation, and the fields of that apply belong to an Update manager
// ("kubectl-client-side-apply", "kubectl-create"), so a server-side apply
// that changes one of them conflicts. kubectl apply --server-side takes such
// objects over without --force-conflicts, and so does kdx, the same way
// (k8s.io/kubectl/pkg/cmd/apply): the fields of the client-side managers are
// moved into the applier's own managedFields entry (client-go's csaupgrade,
// a JSON patch guarded by the resourceVersion), and the configuration is
// applied again, which removes the fields the file no longer has, as a
// client-side apply would. With kubectl's manager, "kubectl", the API server
// keeps the annotation up to date, and kubectl first hands the annotation to
// a manager of its own, "kubectl-last-applied", to keep it; with any other
// manager the server does not update it, and the annotation goes with the
// migration, as kubectl's does for any --field-manager.

// kubectlManager is kubectl's server-side apply manager: the API server
// updates the last-applied annotation of the objects it applies, and lets
// it take over the fields of the client-side apply that the annotation
// lists.
const kubectlManager = "kubectl"

// lastAppliedManager is the manager kubectl hands the last-applied
// annotation to before the migration, so that the annotation stays.
const lastAppliedManager = "kubectl-last-applied"

// maxMigrateTries bounds the migrations of managedFields tried when the
// object changes in between (kubectl's maxPatchRetry).
const maxMigrateTries = 5

// lastAppliedPath is the annotation as a field set.
var lastAppliedPath = fieldpath.NewSet(fieldpath.MakePathOrDie("metadata", "annotations", export.LastAppliedAnnotation))

// clientSideManagers are the managers of obj's client-side applies: the
// Update managers that own its last-applied annotation.
func clientSideManagers(obj *unstructured.Unstructured) sets.Set[string] {
	names := sets.New[string]()
	if obj == nil {
		return names
	}
	for _, e := range csaupgrade.FindFieldsOwners(obj.GetManagedFields(), metav1.ManagedFieldsOperationUpdate, lastAppliedPath) {
		names.Insert(e.Manager)
	}
	return names
}

// conflictManagers are the managers an apply conflict names, and whether
// every one is an Update manager of the object itself (no subresource), as
// client-side applies are; false when err is no apply conflict.
func conflictManagers(err error) (sets.Set[string], bool) {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || !apierrors.IsConflict(err) {
		return nil, false
	}
	s := status.Status()
	if !hasCause(s, metav1.CauseTypeFieldManagerConflict) {
		return nil, false
	}
	names := sets.New[string]()
	for _, c := range s.Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		// The server words it `conflict with "NAME" using v1 at TIME` for an
		// Update manager, `conflict with "NAME"` for an applier, and adds
		// ` with subresource "status"` after the name of a subresource's.
		rest, ok := strings.CutPrefix(c.Message, "conflict with ")
		if !ok {
			return nil, false
		}
		q, err := strconv.QuotedPrefix(rest)
		if err != nil || !strings.HasPrefix(rest[len(q):], " using ") {
			return nil, false
		}
		name, _ := strconv.Unquote(q)
		names.Insert(name)
	}
	return names, true
}

// applyOverClientSide answers an apply that conflicted (err) with the
// fields of client-side applies only: it moves their fields to the
// applier and applies body again; in a dry run, which cannot store the
// move, it applies body with force, as the API server does for kubectl's
// manager, and removes from the answer what the real apply would (see
// previewTakeover). Any other conflict is err itself. It reports whether
// it took the fields over.
func (w *Writer) applyOverClientSide(ctx context.Context, ref Ref, body []byte, req RequestOptions, err error) (Response, bool, error) {
	conflicting, ok := conflictManagers(err)
	if !ok {
		return Response{}, false, err
	}
	live, gerr := w.Client.GetMetadata(ctx, ref)
	if gerr != nil || live.Object == nil {
		return Response{}, false, err
	}
	csa := clientSideManagers(live.Object)
	if csa.Len() == 0 || !csa.IsSuperset(conflicting) {
		return Response{}, false, err
	}
	if w.Options.DryRun {
		forced := req
		forced.Force = true
		resp, ferr := w.Client.Apply(ctx, ref, body, forced)
		if ferr != nil {
			return resp, false, ferr
		}
		resp, _ = w.previewTakeover(ctx, ref, resp)
		return resp, true, nil
	}
	obj := live.Object
	if w.Options.FieldManager == kubectlManager {
		if obj, err = w.keepLastApplied(ctx, ref, obj); err != nil {
			return Response{}, false, takeoverError(csa, "keeping its last-applied annotation", err)
		}
	}
	if _, err := w.migrate(ctx, ref, obj, csa); err != nil {
		return Response{}, false, takeoverError(csa, "taking over its fields", err)
	}
	resp, err := w.Client.Apply(ctx, ref, body, req)
	return resp, err == nil, err
}

// upgradeClientSide is kubectl's step after a server-side apply of an
// object whose fields client-side applies still own (resp is the apply's
// answer): it moves their fields to the applier and applies body again. It
// fails nothing, since the apply was done: what goes wrong is a warning,
// and the next apply tries again. It returns the last answer and whether
// it moved the fields.
func (w *Writer) upgradeClientSide(ctx context.Context, ref Ref, body []byte, req RequestOptions, resp Response) (Response, bool, []string) {
	const retried = "; the apply is done, and the next apply tries again"
	obj := resp.Object
	if obj == nil {
		return resp, false, nil
	}
	if w.Options.FieldManager == kubectlManager {
		kept, err := w.keepLastApplied(ctx, ref, obj)
		if err != nil {
			return resp, false, []string{fmt.Sprintf("%s: failed to keep the last-applied annotation for server-side apply: %s%s", ref.KindName(), Cause(err), retried)}
		}
		obj = kept
	}
	csa := clientSideManagers(obj)
	if csa.Len() == 0 {
		return resp, false, nil
	}
	moved, err := w.migrate(ctx, ref, obj, csa)
	if err != nil {
		return resp, false, []string{fmt.Sprintf("%s: failed to take over the fields of %s for server-side apply: %s%s", ref.KindName(), managerList(csa), Cause(err), retried)}
	}
	if !moved {
		return resp, false, nil
	}
	again, err := w.Client.Apply(ctx, ref, body, req)
	if err != nil {
		return resp, true, []string{fmt.Sprintf("%s: took over the fields of %s, but applying again (to remove the fields the input no longer has) failed: %s%s", ref.KindName(), managerList(csa), Cause(err), retried)}
	}
	return again, true, nil
}

// keepLastApplied is kubectl's saveLastApplyAnnotationIfNecessary: when obj
// has the last-applied annotation and no applier owns it, it applies the
// annotation alone as lastAppliedManager, so that the migration does not
// remove it. It returns the object as it is then.
func (w *Writer) keepLastApplied(ctx context.Context, ref Ref, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	value, ok := obj.GetAnnotations()[export.LastAppliedAnnotation]
	if !ok || len(csaupgrade.FindFieldsOwners(obj.GetManagedFields(), metav1.ManagedFieldsOperationApply, lastAppliedPath)) > 0 {
		return obj, nil
	}
	only := &unstructured.Unstructured{}
	only.SetGroupVersionKind(ref.GVK)
	only.SetName(ref.Name)
	only.SetNamespace(ref.Namespace)
	only.SetAnnotations(map[string]string{export.LastAppliedAnnotation: value})
	body, err := only.MarshalJSON()
	if err != nil {
		return nil, err
	}
	resp, err := w.Client.Apply(ctx, ref, body, RequestOptions{DryRun: w.Options.DryRun, FieldManager: lastAppliedManager, MetadataOnly: true})
	if err != nil {
		return nil, err
	}
	if resp.Object == nil {
		return obj, nil
	}
	return resp.Object, nil
}

// migrate moves the fields of the managers csa into the applier's entry
// of obj's managedFields (csaupgrade), by a JSON patch that fails when the
// object changed since obj was read; then it reads the object again and
// retries. It reports whether it patched.
func (w *Writer) migrate(ctx context.Context, ref Ref, obj *unstructured.Unstructured, csa sets.Set[string]) (bool, error) {
	var err error
	for range maxMigrateTries {
		var patch []byte
		patch, err = csaupgrade.UpgradeManagedFieldsPatch(obj, csa, w.Options.FieldManager)
		if err != nil || patch == nil {
			return false, err
		}
		_, err = w.Client.Patch(ctx, ref, types.JSONPatchType, patch, RequestOptions{DryRun: w.Options.DryRun, FieldManager: w.Options.FieldManager, MetadataOnly: true})
		if !apierrors.IsConflict(err) {
			return err == nil, err
		}
		live, gerr := w.Client.GetMetadata(ctx, ref)
		if gerr != nil {
			return false, gerr
		}
		if live.Object == nil {
			return false, err
		}
		obj = live.Object
	}
	return false, err
}

// takeoverError is the failure of step (err) of the takeover of the
// fields of the client-side managers csa, in words; an interruption stays
// one.
func takeoverError(csa sets.Set[string], step string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("the object was last applied client-side (by %s), and %s for server-side apply failed: %s", managerList(csa), step, Cause(err))
}

// managerList names managers: `"a"`, `"a" and "b"`.
func managerList(names sets.Set[string]) string {
	quoted := make([]string, 0, names.Len())
	for _, n := range sets.List(names) {
		quoted = append(quoted, strconv.Quote(n))
	}
	if len(quoted) > 1 {
		return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
	}
	return strings.Join(quoted, "")
}
