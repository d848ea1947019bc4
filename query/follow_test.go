package query

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kdxproject/kdx/discovery"
)

// TestFollowTypes: only types not seen before are handed on, once each; a
// failed revalidation is tried again; the loop ends with ctx.
func TestFollowTypes(t *testing.T) {
	defer noLeak(t)()
	answers := [][]discovery.Target{
		targets("pods", "secrets"),            // nothing new
		nil,                                   // failed
		targets("pods", "secrets", "gadgets"), // gadgets new
		targets("pods", "gadgets", "widgets"), // widgets new, secrets gone
		targets("pods", "gadgets", "widgets"), // nothing new
	}
	calls := 0
	ctx, cancel := context.WithCancel(context.Background())
	var got [][]string
	done := make(chan struct{})
	go func() {
		defer close(done)
		FollowTypes(ctx, time.Millisecond, targets("pods", "secrets"), func(context.Context) ([]discovery.Target, error) {
			if calls == len(answers) {
				cancel()
				return nil, ctx.Err()
			}
			a := answers[calls]
			calls++
			if a == nil {
				return nil, errors.New("unreachable")
			}
			return a, nil
		}, func(added []discovery.Target) { got = append(got, names(added)) })
	}()
	wait(t, done, "FollowTypes to end with ctx")
	if want := [][]string{{"gadgets"}, {"widgets"}}; !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("added %q, want %q", got, want)
	}
}
