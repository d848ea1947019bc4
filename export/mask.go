package export

import (
	"bytes"
	"fmt"
	"path/filepath"

	"k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kdxproject/kdx/render"
)

// MaskSecrets masks the values of a Secret (render.MaskSecrets) in two
// versions of the file rel of a tree, old and new (nil where it does not
// exist), for a diff without --show-secrets. A file of another kind is
// returned as it is; a Secret's is decoded, masked and encoded again in
// its format (JSON for a file that starts with "{", else YAML), as export
// writes it.
func MaskSecrets(rel string, old, new []byte) ([]byte, []byte, error) {
	dir := filepath.Dir(rel)
	if filepath.Base(dir) != "Secret" || filepath.Base(filepath.Dir(dir)) != CoreGroupDir {
		return old, new, nil
	}
	o, err := decodeFile(rel, old)
	if err != nil {
		return nil, nil, err
	}
	n, err := decodeFile(rel, new)
	if err != nil {
		return nil, nil, err
	}
	if (o != nil && !render.IsSecret(o)) || (n != nil && !render.IsSecret(n)) {
		return old, new, nil
	}
	render.MaskSecrets(o, n)
	if old, err = encodeFile(o, old); err != nil {
		return nil, nil, err
	}
	new, err = encodeFile(n, new)
	return old, new, err
}

// decodeFile decodes the object of a file; nil for none.
func decodeFile(rel string, b []byte) (map[string]any, error) {
	if b == nil {
		return nil, nil
	}
	var obj map[string]any
	if err := yaml.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", rel, err)
	}
	return obj, nil
}

// encodeFile encodes obj in the format of was, the file it was read from.
func encodeFile(obj map[string]any, was []byte) ([]byte, error) {
	if obj == nil {
		return nil, nil
	}
	if bytes.HasPrefix(bytes.TrimSpace(was), []byte("{")) {
		return encodeJSON(obj, "")
	}
	return encodeYAML(obj)
}
