package query

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// Missing is a named object of a request that does not exist.
type Missing struct {
	// Mapping is the object's resource.
	discovery.Mapping
	// Name is the object's name.
	Name string
	// Err is the server's NotFound error.
	Err error
}

// Missing gets every named object of req's targets, req.Concurrency at a
// time, and returns those that do not exist, in the order named. A get that
// fails otherwise (forbidden, unreachable) is returned as the error, with
// the objects found missing before it.
func (e *Engine) Missing(ctx context.Context, req Request) ([]Missing, error) {
	var named []Missing
	for _, t := range req.Targets {
		for _, name := range t.Names {
			named = append(named, Missing{Mapping: t.Mapping, Name: name})
		}
	}
	var out []Missing
	var first error
	err := Ordered(ctx, len(named), req.Concurrency, func(ctx context.Context, i int) error {
		_, err := e.Lister.Get(ctx, named[i].Mapping, req.Namespace, named[i].Name, "")
		return err
	}, func(i int, err error) error {
		switch {
		case err == nil:
		case apierrors.IsNotFound(err):
			m := named[i]
			m.Err = err
			out = append(out, m)
		case first == nil:
			first = err
		}
		return nil
	})
	if err == nil {
		err = first
	}
	return out, err
}

// WithoutMissing is targets without the missing objects; a target whose
// every named object is missing is left out (it does not become "all").
func WithoutMissing(targets []discovery.Target, missing []Missing) []discovery.Target {
	gone := map[schema.GroupVersionResource]map[string]bool{}
	for _, m := range missing {
		if gone[m.GVR] == nil {
			gone[m.GVR] = map[string]bool{}
		}
		gone[m.GVR][m.Name] = true
	}
	var out []discovery.Target
	for _, t := range targets {
		if len(t.Names) == 0 {
			out = append(out, t)
			continue
		}
		kept := t
		kept.Names = nil
		for _, n := range t.Names {
			if !gone[t.GVR][n] {
				kept.Names = append(kept.Names, n)
			}
		}
		if len(kept.Names) > 0 {
			out = append(out, kept)
		}
	}
	return out
}
