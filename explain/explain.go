package explain

import (
	"context"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Explain writes what Print writes for the field path steps of kind gvk,
// reading only the document of gvk's group-version.
func Explain(ctx context.Context, w io.Writer, c *Client, gvk schema.GroupVersionKind, steps []Step, opts Options) error {
	doc, n, err := Lookup(ctx, c, gvk, steps)
	if err != nil {
		return err
	}
	return doc.Print(w, gvk, n, opts)
}

// Lookup reads the document of gvk and walks steps in its kind's schema.
func Lookup(ctx context.Context, c *Client, gvk schema.GroupVersionKind, steps []Step) (*Document, *Node, error) {
	doc, err := c.Document(ctx, gvk.GroupVersion())
	if err != nil {
		return nil, nil, err
	}
	_, kind, ok := doc.Kind(gvk)
	if !ok {
		return nil, nil, fmt.Errorf("the OpenAPI document of %s has no schema for the kind %s", gvk.GroupVersion(), gvk.Kind)
	}
	n, err := doc.Walk(kind, steps)
	if err != nil {
		return nil, nil, err
	}
	return doc, n, nil
}
