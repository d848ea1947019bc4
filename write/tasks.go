package write

import (
	"fmt"

	"github.com/kdxproject/kdx/discovery"
)

// NamedTasks turns resolved arguments (TYPE NAME..., TYPE/NAME) into one
// task per name, in namespace for a namespaced type; a type given without
// a name is an error.
func NamedTasks(targets []discovery.Target, namespace string) ([]Task, error) {
	var tasks []Task
	for _, t := range targets {
		if len(t.Names) == 0 {
			return nil, fmt.Errorf("an object name is required: TYPE NAME or TYPE/NAME (%s given without a name)", t.Resource.QualifiedName())
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
