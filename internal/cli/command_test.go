package cli

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// steps records the order cli.RunE calls a verb's methods in.
type steps struct {
	calls       []string
	completeErr error
	validateErr error
}

func (s *steps) Complete(_ *cobra.Command, args []string) error {
	s.calls = append(s.calls, "complete "+args[0])
	return s.completeErr
}

func (s *steps) Validate() error {
	s.calls = append(s.calls, "validate")
	return s.validateErr
}

func (s *steps) Run(ctx context.Context) error {
	s.calls = append(s.calls, "run "+ctx.Value(ctxKey{}).(string))
	return nil
}

// runOnly is a verb with nothing to complete or check.
type runOnly struct{ ran bool }

func (r *runOnly) Run(context.Context) error { r.ran = true; return nil }

type ctxKey struct{}

func TestRunE(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxKey{}, "ctx")
	cmd := &cobra.Command{}
	cmd.SetContext(ctx)
	boom := errors.New("boom")
	tests := []struct {
		name string
		s    steps
		want []string
		err  error
	}{
		{"in order, with the command's context", steps{}, []string{"complete a", "validate", "run ctx"}, nil},
		{"a Complete error stops", steps{completeErr: boom}, []string{"complete a"}, boom},
		{"a Validate error stops", steps{validateErr: boom}, []string{"complete a", "validate"}, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			err := RunE(&s)(cmd, []string{"a"})
			if !errors.Is(err, tt.err) {
				t.Errorf("err = %v, want %v", err, tt.err)
			}
			if !slices.Equal(s.calls, tt.want) {
				t.Errorf("calls = %v, want %v", s.calls, tt.want)
			}
		})
	}
	var r runOnly
	if err := RunE(&r)(cmd, nil); err != nil || !r.ran {
		t.Errorf("a verb with only Run: ran=%v err=%v", r.ran, err)
	}
}
