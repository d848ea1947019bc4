package write

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// SelectedTasks lists the objects req selects (a label or field selector,
// --where, or every object of its targets) through eng, and makes a task of
// each, in the order listed. The types that could not be listed go to
// listed; the error is the first failure that stops the whole read.
func SelectedTasks(ctx context.Context, eng *query.Engine, req query.Request, listed *query.Report) ([]Task, error) {
	var tasks []Task
	open := func(t discovery.Target) query.Sink {
		return query.SinkFunc(func(obj runtime.Object) error {
			for _, it := range render.Items(obj) { // metadata, or whole objects for --where
				tasks = append(tasks, Task{Ref: Ref{Mapping: t.Mapping, Namespace: it.GetNamespace(), Name: it.GetName()}})
			}
			return nil
		})
	}
	err := eng.Each(ctx, req, listed, open, func(discovery.Target, query.Sink) error { return nil })
	if f := listed.Fatal(); err == nil && f != nil {
		err = f.Err
	}
	return tasks, err
}

// NamedTasks makes one task of each object name of targets; namespace is
// that of namespaced ones. A target without a name is an error.
func NamedTasks(targets []discovery.Target, namespace string) ([]Task, error) {
	var tasks []Task
	for _, t := range targets {
		if len(t.Names) == 0 {
			return nil, &NoNameError{Resource: t.Resource.QualifiedName()}
		}
		for _, name := range t.Names {
			ref := Ref{Mapping: t.Mapping, Name: name}
			if t.Namespaced {
				ref.Namespace = namespace
			}
			tasks = append(tasks, Task{Ref: ref})
		}
	}
	return tasks, nil
}

// NoNameError is a resource argument given without an object name where
// one is needed.
type NoNameError struct{ Resource string }

func (e *NoNameError) Error() string {
	return "an object name is required: TYPE NAME or TYPE/NAME (" + e.Resource + " given without a name)"
}
