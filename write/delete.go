package write

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// DeleteOptions are the settings of a delete.
type DeleteOptions struct {
	// Propagation is Background, Foreground or Orphan ("" for the server's default).
	Propagation metav1.DeletionPropagation
	// GracePeriod is the grace period in seconds; nil for the object's default.
	GracePeriod *int64
	// IgnoreNotFound makes a missing object a success with no line.
	IgnoreNotFound bool
	// Wait waits until the object is gone when the server answers that it is going.
	Wait bool
	// PollInterval is the first interval of Wait's polls (it doubles up to a second); 0 means 100ms.
	PollInterval time.Duration
}

// Delete deletes the object, then with Wait polls until it is gone when the
// answer shows finalizers or a deletion timestamp (a grace period).
func (w *Writer) Delete(ctx context.Context, t Task, o DeleteOptions) Result {
	r := w.result(t, "delete")
	if t.Ref.Name == "" {
		return r.fail(errNoName) // never a DELETE of the whole collection
	}
	opts := metav1.DeleteOptions{PropagationPolicy: policy(o.Propagation), GracePeriodSeconds: o.GracePeriod}
	if w.Options.DryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	resp, err := w.Client.Delete(ctx, t.Ref, opts)
	if apierrors.IsNotFound(err) && o.IgnoreNotFound {
		r.Action = ActionDeletedNotPresent
		return r
	}
	if err != nil {
		return r.fail(err)
	}
	r.Action = ActionDeleted
	if o.GracePeriod != nil && *o.GracePeriod == 0 {
		r.Action = ActionForceDeleted
	}
	if o.Wait && !w.Options.DryRun && pending(resp) {
		if err := w.waitGone(ctx, t.Ref, resp.Object, o.PollInterval); err != nil {
			return r.fail(err)
		}
	}
	return r
}

// pending reports whether the deleted object is still there: the server
// returned it with finalizers or a deletion timestamp rather than as it was
// when removed.
func pending(resp Response) bool {
	obj := resp.Object
	return obj != nil && (len(obj.GetFinalizers()) > 0 || obj.GetDeletionTimestamp() != nil)
}

func policy(p metav1.DeletionPropagation) *metav1.DeletionPropagation {
	if p == "" {
		return nil
	}
	return &p
}

// waitGone polls until the deleted object (as the server returned it) is
// gone, or replaced by another object of the same name. When ctx ends, a
// read under way included, it gave up waiting, naming the finalizers last
// seen.
func (w *Writer) waitGone(ctx context.Context, ref Ref, deleted *unstructured.Unstructured, interval time.Duration) error {
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	uid, finalizers := deleted.GetUID(), deleted.GetFinalizers()
	gaveUp := func() error {
		return fmt.Errorf("gave up waiting for the deletion (%s): %w", finalizerNote(finalizers), ctx.Err())
	}
	for {
		resp, err := w.Client.Get(ctx, ref, "")
		switch {
		case apierrors.IsNotFound(err):
			return nil
		case err != nil && ctx.Err() != nil:
			return gaveUp()
		case err != nil:
			return fmt.Errorf("failed to wait for the deletion: %w", err)
		case resp.Object == nil || resp.Object.GetUID() != uid:
			return nil
		}
		finalizers = resp.Object.GetFinalizers()
		select {
		case <-ctx.Done():
			return gaveUp()
		case <-time.After(interval):
		}
		interval = min(2*interval, time.Second)
	}
}

func finalizerNote(finalizers []string) string {
	if len(finalizers) == 0 {
		return "no finalizers left"
	}
	return fmt.Sprintf("finalizers still set: %v", finalizers)
}
