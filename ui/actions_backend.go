package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/edit"
	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/write"
)

// The field managers of the explorer's writes: kdx edit's for an edit,
// and one for a scale (kubectl scale's is kubectl-scale).
const (
	editFieldManager  = "kdx-edit"
	scaleFieldManager = "kdx-scale"
)

// ref is the object of a target named by namespace and name.
func ref(t discovery.Target, namespace, name string) write.Ref {
	if !t.Namespaced {
		namespace = ""
	}
	return write.Ref{Mapping: t.Mapping, Namespace: namespace, Name: name}
}

func (b *clusterBackend) writer(o write.Options) (*write.Writer, error) {
	client, err := write.NewClient(b.c.REST)
	if err != nil {
		return nil, err
	}
	return &write.Writer{Client: client, Options: o}, nil
}

func (b *clusterBackend) Delete(ctx context.Context, t discovery.Target, namespace, name string) (string, error) {
	w, err := b.writer(write.Options{})
	if err != nil {
		return "", err
	}
	r := w.Delete(ctx, write.Task{Ref: ref(t, namespace, name)}, write.DeleteOptions{})
	if r.Err != nil {
		return "", r.Err
	}
	return write.Line(r), nil
}

func (b *clusterBackend) Edit(ctx context.Context, t discovery.Target, namespace, name string, editor edit.Editor) (string, error) {
	client, err := write.NewClient(b.c.REST)
	if err != nil {
		return "", err
	}
	var out, errOut bytes.Buffer
	s := &edit.Session{Client: client, Editor: editor, Clean: export.NewCleaner(export.CleanOptions{}).Clean,
		FieldManager: editFieldManager, Out: &out, ErrOut: &errOut}
	err = s.Run(ctx, ref(t, namespace, name))
	if err != nil {
		// "A copy of your changes has been stored to ..." is the last line
		if kept := lastLine(errOut.String()); strings.Contains(kept, "has been stored") {
			return "", fmt.Errorf("%w (%s)", err, kept)
		}
		return "", err
	}
	if l := lastLine(out.String()); l != "" {
		return l, nil
	}
	return lastLine(errOut.String()), nil // cancelled: no change
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func (b *clusterBackend) Replicas(ctx context.Context, t discovery.Target, namespace, name string) (int64, error) {
	client, err := write.NewClient(b.c.REST)
	if err != nil {
		return 0, err
	}
	resp, err := client.Get(ctx, ref(t, namespace, name), "scale")
	if err != nil {
		return 0, err
	}
	if resp.Object == nil {
		return 0, fmt.Errorf("the server answered the read of %s's scale with no object", ref(t, namespace, name).KindName())
	}
	n, _, err := unstructured.NestedInt64(resp.Object.Object, "spec", "replicas")
	return n, err
}

func (b *clusterBackend) Scale(ctx context.Context, t discovery.Target, namespace, name string, replicas int64) (string, error) {
	w, err := b.writer(write.Options{Subresource: "scale", FieldManager: scaleFieldManager})
	if err != nil {
		return "", err
	}
	r := w.Patch(ctx, write.Task{Ref: ref(t, namespace, name)}, types.MergePatchType, fmt.Appendf(nil, `{"spec":{"replicas":%d}}`, replicas))
	if r.Err != nil {
		return "", r.Err
	}
	return r.Task.Ref.KindName() + " scaled", nil // as kubectl scale says it
}
