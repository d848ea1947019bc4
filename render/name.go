package render

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// NamePrinter prints kind.group/name lines, as kubectl's -o name.
type NamePrinter struct {
	// Context, when set, is the cluster of a fleet the objects come from:
	// each line is then a kdx argument list naming the object in any
	// context, "kind/name -n NAMESPACE --context=CONTEXT" (-n for a
	// namespaced object only), for `... -o name | xargs -L1 kdx delete`.
	Context string
}

var (
	_ Printer  = (*NamePrinter)(nil)
	_ Streamer = (*NamePrinter)(nil)
)

// PrintObj prints the name of obj, or of each item of a list.
func (p *NamePrinter) PrintObj(obj runtime.Object, w io.Writer) error {
	if list, ok := obj.(*unstructured.UnstructuredList); ok {
		for i := range list.Items {
			if err := p.PrintObj(&list.Items[i], w); err != nil {
				return err
			}
		}
		return nil
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return fmt.Errorf("failed to print the name of %T: %w", obj, err)
	}
	gk := obj.GetObjectKind().GroupVersionKind().GroupKind()
	if gk.Kind == "" {
		return fmt.Errorf("missing kind for %q", acc.GetName())
	}
	line := QualifiedName(gk, acc.GetName())
	if p.Context != "" {
		line = fleetName(line, acc.GetNamespace(), p.Context)
	}
	_, err = io.WriteString(w, line+"\n")
	return err
}

// fleetName is the line of an object of a fleet, named name (kind/name):
// name, then -n NAMESPACE when the object has one, then --context=CONTEXT,
// so that the line, split on blanks as xargs splits it, is the arguments
// that name the object to kdx in any context and any current namespace.
func fleetName(name, namespace, context string) string {
	if namespace != "" {
		name += " -n " + namespace
	}
	return name + " " + ContextArg(context)
}

// QualifiedName is kind[.group]/name in lower case kind, as kubectl prints names.
func QualifiedName(gk schema.GroupKind, name string) string {
	if name == "" {
		name = "<unknown>"
	}
	if gk.Group == "" {
		return strings.ToLower(gk.Kind) + "/" + name
	}
	return strings.ToLower(gk.Kind) + "." + gk.Group + "/" + name
}

// NewStream prints names as items arrive.
func (p *NamePrinter) NewStream(w io.Writer, _ bool) Stream {
	return &nameStream{p: p, w: w}
}

type nameStream struct {
	p *NamePrinter
	w io.Writer
}

func (s *nameStream) Add(items []unstructured.Unstructured) error {
	for i := range items {
		if err := s.p.PrintObj(&items[i], s.w); err != nil {
			return err
		}
	}
	return nil
}

func (s *nameStream) Close() error { return nil }
