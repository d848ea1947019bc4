package explain

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// TestSchemasRoundTrip: what encodeSchemas writes decodes to the same
// schemas, byte for byte, each a slice of the copy (no schema is copied),
// none able to grow into the next.
func TestSchemasRoundTrip(t *testing.T) {
	for _, schemas := range []map[string]json.RawMessage{
		{},
		{"io.example.v1.Widget": json.RawMessage(`{"type":"object","properties":{"size":{"type":"integer"}}}`)},
		{
			"b":                    json.RawMessage(`{"description":"line\nbreak \u00e9"}`),
			"a":                    json.RawMessage(`{}`),
			"name with \"quotes\"": json.RawMessage(`[1, 2]`),
		},
	} {
		b := encodeSchemas(schemas)
		got, err := decodeSchemas(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !maps.EqualFunc(got, schemas, func(x, y json.RawMessage) bool { return string(x) == string(y) }) {
			t.Errorf("decoded %v, want %v", got, schemas)
		}
		for name, raw := range got {
			if cap(raw) != len(raw) {
				t.Errorf("%s: capacity %d beyond its %d bytes", name, cap(raw), len(raw))
			}
		}
		if a, ok := got["a"]; ok {
			b[strings.Index(string(b), `{}`)+1] = ' ' // a slice of b: the change shows
			if string(a) != "{ " {
				t.Errorf("schema a is a copy: %q", a)
			}
		}
	}
}

// TestSchemasBad: a copy cut short, altered or not written by kdx is an
// error, never a document missing schemas.
func TestSchemasBad(t *testing.T) {
	good := string(encodeSchemas(map[string]json.RawMessage{"a": json.RawMessage(`{"x":1}`), "b": json.RawMessage(`{"y":2}`)}))
	if _, err := decodeSchemas([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]string{
		"empty":            "",
		"old JSON copy":    `{"components":{"schemas":{"a":{}}}}`,
		"cut short":        good[:len(good)-3],
		"no header end":    schemasMagic + `{"names":["a"],"sizes":[2]}`,
		"bad header":       schemasMagic + "{\n{}",
		"sizes missing":    schemasMagic + `{"names":["a"],"sizes":[]}` + "\n{}",
		"zero size":        schemasMagic + `{"names":["a","b"],"sizes":[0,2]}` + "\n{}",
		"negative size":    schemasMagic + `{"names":["a","b"],"sizes":[-2,4]}` + "\n{}{}",
		"size too big":     schemasMagic + `{"names":["a"],"sizes":[3]}` + "\n{}",
		"bytes left":       good + " ",
		"not JSON":         schemasMagic + `{"names":["a"],"sizes":[2]}` + "\n{]",
		"a name twice":     schemasMagic + `{"names":["a","a"],"sizes":[2,2]}` + "\n{}{}",
		"a schema altered": strings.Replace(good, `{"x":1}`, `{"x":1]`, 1),
	} {
		if s, err := decodeSchemas([]byte(b)); err == nil {
			t.Errorf("%s: decoded %v", name, s)
		}
	}
}
