package query

import (
	"context"
	"errors"
	"slices"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kdxproject/kdx/discovery"
)

func TestMissing(t *testing.T) {
	forbidden := apierrors.NewForbidden(podsGR, "d", errors.New("no"))
	tests := []struct {
		name        string
		objects     map[string]error
		wantMissing []string
		wantErr     error
	}{
		{"all exist", nil, nil, nil},
		{"not found, in order", map[string]error{"c": apierrors.NewNotFound(podsGR, "c"), "a": apierrors.NewNotFound(podsGR, "a")}, []string{"a", "c"}, nil},
		{"other error returned", map[string]error{"b": apierrors.NewNotFound(podsGR, "b"), "d": forbidden}, []string{"b"}, forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newFakeLister(map[string]*behaviour{"pods": {objects: tt.objects}})
			req := Request{Targets: []discovery.Target{target("pods", "a", "b", "c", "d"), target("secrets")}, Concurrency: 3}
			missing, err := (&Engine{Lister: l}).Missing(context.Background(), req)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			var got []string
			for _, m := range missing {
				got = append(got, m.Name)
				if !apierrors.IsNotFound(m.Err) {
					t.Errorf("%s: err %v, want NotFound", m.Name, m.Err)
				}
			}
			if !slices.Equal(got, tt.wantMissing) {
				t.Errorf("missing %q, want %q", got, tt.wantMissing)
			}
			if l.called("secrets") {
				t.Error("a target without names was read")
			}
		})
	}
}

func TestWithoutMissing(t *testing.T) {
	pods := target("pods", "a", "b")
	missing := []Missing{{Mapping: pods.Mapping, Name: "a"}, {Mapping: target("secrets").Mapping, Name: "s"}}
	got := WithoutMissing([]discovery.Target{pods, target("secrets", "s"), target("configmaps")}, missing)
	if len(got) != 2 || !slices.Equal(got[0].Names, []string{"b"}) || got[1].QualifiedName() != "configmaps" || got[1].Names != nil {
		t.Errorf("got %+v, want pods [b] and configmaps (all)", got)
	}
}
