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
