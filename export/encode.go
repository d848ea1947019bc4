package export

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/kdxproject/kdx/render"
)

// Format is how objects are written.
type Format string

// The output formats.
const (
	FormatYAML  Format = "yaml"
	FormatJSON  Format = "json"
	FormatJSONL Format = "jsonl"
)

// Outputs are the -o values of export.
var Outputs = render.Outputs{string(FormatYAML), string(FormatJSON), string(FormatJSONL)}

// encodeYAML encodes obj as YAML with sorted keys, as kubectl does.
func encodeYAML(obj map[string]any) ([]byte, error) {
	b, err := render.MarshalYAML(obj)
	if err != nil {
		return nil, fmt.Errorf("failed to encode YAML: %w", err)
	}
	return b, nil
}

// encodeJSON encodes obj as kubectl -o json does (four spaces, HTML
// characters escaped) with a final newline, each line after the first
// prefixed with prefix.
func encodeJSON(obj map[string]any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent(prefix, "    ")
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("failed to encode JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeJSONLine encodes obj as one line of compact JSON.
func encodeJSONLine(obj map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("failed to encode JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// fileEncoder returns the encoder of one file per object in format f.
func fileEncoder(f Format) (func(map[string]any) ([]byte, error), error) {
	switch f {
	case FormatYAML:
		return encodeYAML, nil
	case FormatJSON:
		return func(obj map[string]any) ([]byte, error) { return encodeJSON(obj, "") }, nil
	}
	return nil, fmt.Errorf("format %q cannot be written to a directory: use yaml or json", f)
}
