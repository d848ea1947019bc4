package render

import (
	"bytes"
	"io"
)

// Value writes v, a command's own document (a version, a resource list),
// as -o json (JSON) or -o yaml (YAML, format FormatYAML) prints it.
func Value(w io.Writer, format Format, v any) error {
	if format == FormatYAML {
		return YAML(w, v)
	}
	return JSON(w, v)
}

// AddValue adds what Value writes of v in d's format, for context.
func (d *ContextDocs) AddValue(context string, v any) error {
	var b bytes.Buffer
	if err := Value(&b, d.Format, v); err != nil {
		return err
	}
	d.Add(context, b.Bytes())
	return nil
}
