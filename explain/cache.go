package explain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// The cached copy of a document holds its schemas only, each as the server
// sent it, after a header that says where each one is, so that reading
// the copy back copies nothing: every schema is a slice of the file read.
//
//	kdx-openapi-schemas 1
//	{"names":["a","b"],"sizes":[120,64]}
//	the JSON of a, then of b, with nothing between them
const schemasMagic = "kdx-openapi-schemas 1\n"

// schemasHeader is the header's second line.
type schemasHeader struct {
	Names []string `json:"names"`
	Sizes []int    `json:"sizes"`
}

// encodeSchemas is the cached copy of schemas.
func encodeSchemas(schemas map[string]json.RawMessage) []byte {
	h := schemasHeader{Names: make([]string, 0, len(schemas)), Sizes: make([]int, 0, len(schemas))}
	size := 0
	for name := range schemas {
		h.Names = append(h.Names, name)
	}
	sort.Strings(h.Names)
	for _, name := range h.Names {
		h.Sizes = append(h.Sizes, len(schemas[name]))
		size += len(schemas[name])
	}
	line := mustJSON(h) // JSON escapes newlines: one line
	b := make([]byte, 0, len(schemasMagic)+len(line)+1+size)
	b = append(b, schemasMagic...)
	b = append(b, line...)
	b = append(b, '\n')
	for _, name := range h.Names {
		b = append(b, schemas[name]...)
	}
	return b
}

// errBadSchemas is the error of a cached copy that is not one
// encodeSchemas wrote, whole.
var errBadSchemas = errors.New("not a cached copy of OpenAPI schemas")

// decodeSchemas reads a copy encodeSchemas wrote: its schemas are slices
// of b, which must not change after. Each must be valid JSON, and the
// sizes must add up to what follows the header: a cut or altered copy is
// an error, not a document with schemas missing.
func decodeSchemas(b []byte) (map[string]json.RawMessage, error) {
	rest, ok := bytes.CutPrefix(b, []byte(schemasMagic))
	if !ok {
		return nil, errBadSchemas
	}
	line, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil, errBadSchemas
	}
	var h schemasHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadSchemas, err)
	}
	if len(h.Names) != len(h.Sizes) {
		return nil, errBadSchemas
	}
	schemas := make(map[string]json.RawMessage, len(h.Names))
	for i, name := range h.Names {
		n := h.Sizes[i]
		if n <= 0 || n > len(rest) {
			return nil, errBadSchemas
		}
		raw := rest[:n:n]
		if _, dup := schemas[name]; dup || !json.Valid(raw) {
			return nil, errBadSchemas
		}
		schemas[name] = raw
		rest = rest[n:]
	}
	if len(rest) != 0 {
		return nil, errBadSchemas
	}
	return schemas, nil
}
