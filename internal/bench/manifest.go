package bench

import (
	"bufio"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// WriteManifest writes the objects of p to w as one multi-document YAML
// stream, in the order they can be applied: namespaces, CRDs, then custom
// objects and ConfigMaps interleaved.
func WriteManifest(w io.Writer, p Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for obj := range p.objects() {
		if err := writeDocument(bw, obj); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("failed to write manifest: %w", err)
	}
	return nil
}

// objects yields every object of p in apply order.
func (p Plan) objects() func(yield func(*unstructured.Unstructured) bool) {
	return func(yield func(*unstructured.Unstructured) bool) {
		for i := range p.Namespaces {
			if !yield(p.Namespace(i)) {
				return
			}
		}
		for i := range p.CRDs {
			if !yield(p.CRD(i)) {
				return
			}
		}
		for i := range max(p.CustomObjects, p.ConfigMaps) {
			if i < p.CustomObjects && !yield(p.CustomObject(i)) {
				return
			}
			if i < p.ConfigMaps && !yield(p.ConfigMap(i)) {
				return
			}
		}
	}
}

// writeDocument writes obj as a YAML document preceded by "---".
func writeDocument(w io.Writer, obj *unstructured.Unstructured) error {
	data, err := yaml.Marshal(obj.Object)
	if err != nil {
		return fmt.Errorf("failed to encode %s %s: %w", obj.GetKind(), objectKey(obj), err)
	}
	if _, err := fmt.Fprintf(w, "---\n%s", data); err != nil {
		return fmt.Errorf("failed to write manifest: %w", err)
	}
	return nil
}
