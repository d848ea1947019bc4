package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
)

// defaultEstablishTimeout bounds waitEstablished when EstablishTimeout is 0.
const defaultEstablishTimeout = 2 * time.Minute

// establishPoll is how often waitEstablished lists the CRDs.
const establishPoll = 250 * time.Millisecond

// waitEstablished polls the seeded CRDs until all of the Plan's are
// Established, with one list request per poll.
func (s *Seeder) waitEstablished(ctx context.Context, p Plan) error {
	if p.CRDs == 0 {
		return nil
	}
	timeout := s.EstablishTimeout
	if timeout == 0 {
		timeout = defaultEstablishTimeout
	}
	want := make(map[string]bool, p.CRDs)
	for i := range p.CRDs {
		want[CRDTypeOf(i).CRDName()] = true
	}
	var missing int
	var lastErr error
	err := wait.PollUntilContextTimeout(ctx, establishPoll, timeout, true, func(ctx context.Context) (bool, error) {
		missing, lastErr = s.countNotEstablished(ctx, want)
		return lastErr == nil && missing == 0, nil
	})
	if err != nil {
		return fmt.Errorf("failed to wait for %d CRDs to be Established: %w", missing, errors.Join(err, lastErr))
	}
	return nil
}

// countNotEstablished returns how many CRDs in want are not Established yet.
func (s *Seeder) countNotEstablished(ctx context.Context, want map[string]bool) (int, error) {
	list, err := s.Client.Resource(CRDResource).List(ctx, metav1.ListOptions{LabelSelector: SeedLabel + "=true"})
	if err != nil {
		return len(want), fmt.Errorf("failed to list CRDs: %w", err)
	}
	established := 0
	for i := range list.Items {
		if want[list.Items[i].GetName()] && isEstablished(&list.Items[i]) {
			established++
		}
	}
	return len(want) - established, nil
}

// isEstablished reports whether the CRD has the condition Established=True.
func isEstablished(crd *unstructured.Unstructured) bool {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conditions {
		cond, _ := c.(map[string]any)
		if cond["type"] == "Established" && cond["status"] == "True" {
			return true
		}
	}
	return false
}
