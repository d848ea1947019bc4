package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// document is one YAML document or JSON value of a file.
type document struct {
	data []byte
	line int // 1-based line of its first byte
}

// Decode decodes the objects of one file's content, named file in errors,
// keeping the last value of a duplicate field.
func Decode(file string, data []byte) ([]Object, error) {
	return Options{}.decode(file, data)
}

// decode is Decode with o's handling of duplicate fields.
func (o Options) decode(file string, data []byte) ([]Object, error) {
	docs, err := split(data)
	if err != nil {
		return nil, &Error{Source: Source{File: file}, Err: err}
	}
	var objs []Object
	var errs []error
	n := 0
	for _, d := range docs {
		if isBlank(d.data) {
			continue
		}
		n++
		src := Source{File: file, Doc: n, Line: d.line}
		got, err := o.decodeDocument(src, d.data)
		objs, errs = append(objs, got...), appendErr(errs, err)
	}
	return objs, errors.Join(errs...)
}

// split cuts data into JSON values (when it starts with '{' or '[') or YAML
// documents.
func split(data []byte) ([]document, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return splitJSON(data)
	}
	return splitYAML(data), nil
}

// splitYAML cuts at lines starting with "---" followed by nothing but
// spaces or a comment, as apimachinery's YAMLReader does.
func splitYAML(data []byte) []document {
	var docs []document
	start, startLine, line := 0, 1, 1
	for pos := 0; pos < len(data); line++ {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		if isSeparator(data[pos:next]) {
			docs = append(docs, document{data: data[start:pos], line: startLine})
			start, startLine = next, line+1
		}
		pos = next
	}
	return append(docs, document{data: data[start:], line: startLine})
}

func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := strings.TrimSpace(string(line[3:]))
	return rest == "" || strings.HasPrefix(rest, "#")
}

// splitJSON cuts a stream of JSON values.
func splitJSON(data []byte) ([]document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var docs []document
	for dec.More() {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(data, start, err)
		}
		// InputOffset was before any whitespace preceding the value.
		offset := int(start) + leadingSpace(data[start:])
		docs = append(docs, document{data: raw, line: lineAt(data, offset)})
	}
	return docs, nil
}

// jsonError adds the line to a JSON syntax error.
func jsonError(data []byte, start int64, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: invalid JSON: %v", lineAt(data, int(se.Offset)), se)
	}
	return fmt.Errorf("line %d: invalid JSON: %v", lineAt(data, int(start)+leadingSpace(data[start:])), err)
}

func leadingSpace(b []byte) int { return len(b) - len(bytes.TrimLeft(b, " \t\r\n")) }

// lineAt is the 1-based line of the byte at offset.
func lineAt(data []byte, offset int) int {
	offset = min(max(offset, 0), len(data))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// isBlank reports whether a document holds only spaces and comments.
func isBlank(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") && l != "..." {
			return false
		}
	}
	return true
}

// yamlLine finds "line N" in YAML parser errors.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// decodeDocument decodes one document, expanding a List.
func (o Options) decodeDocument(src Source, data []byte) ([]Object, error) {
	js, err := o.toJSON(src, data)
	if err != nil {
		return nil, err
	}
	var v any
	if err := utiljson.Unmarshal(js, &v); err != nil {
		return nil, &Error{Source: src, Err: fmt.Errorf("invalid document: %w", err)}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Source: src, Err: fmt.Errorf("the document is a %s, not an object with apiVersion and kind", jsonType(v))}
	}
	return expand(src, m)
}

// toJSON converts a YAML (or JSON) document to JSON, looking for duplicate
// fields unless o ignores them. Only a document the strict parser refuses is
// parsed twice: once more to tell a duplicate from a syntax error.
func (o Options) toJSON(src Source, data []byte) ([]byte, error) {
	if o.Duplicates == DuplicatesIgnore {
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, yamlError(src, err)
		}
		return js, nil
	}
	js, strictErr := yaml.YAMLToJSONStrict(data)
	if strictErr == nil {
		return js, nil
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, yamlError(src, err)
	}
	if bytes.Contains(data, []byte("<<")) {
		// The strict parser also refuses a key that overrides one brought
		// in by a merge key ("<<: *base"), which is legal YAML; such a
		// document is taken as it is, duplicates unchecked.
		return js, nil
	}
	dup := duplicateError(src, strictErr)
	if o.Duplicates == DuplicatesRefuse {
		return nil, dup
	}
	if o.Warn != nil {
		o.Warn(fmt.Errorf("%w (the last value is used)", dup))
	}
	return js, nil
}

// duplicateError turns the strict parser's complaint ("line 8: key "a"
// already set in map", one line per duplicate) into an error at the
// absolute line of the first duplicate.
func duplicateError(src Source, err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "unmarshal errors:"); i >= 0 {
		msg = msg[i+len("unmarshal errors:"):]
	}
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	first := strings.TrimSpace(lines[0])
	if m := yamlLine.FindStringSubmatchIndex(first); m != nil {
		n, _ := strconv.Atoi(first[m[2]:m[3]])
		src.Line += n - 1
		first = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(first[m[1]:]), ":"))
	}
	if k, ok := strings.CutSuffix(first, " already set in map"); ok {
		first = "duplicate field " + strings.TrimPrefix(k, "key ")
	}
	if len(lines) > 1 {
		first += fmt.Sprintf(" (and %d more)", len(lines)-1)
	}
	return &Error{Source: src, Err: errors.New(first)}
}

// yamlError makes a parser error name the absolute line of the file.
func yamlError(src Source, err error) error {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		src.Line += n - 1
		msg = strings.TrimPrefix(strings.TrimSpace(msg[m[1]:]), ":")
		msg = strings.TrimSpace(msg)
	}
	return &Error{Source: src, Err: fmt.Errorf("invalid YAML: %s", msg)}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}

// expand returns the object of m, or the items of a List.
func expand(src Source, m map[string]any) ([]Object, error) {
	obj := &unstructured.Unstructured{Object: m}
	if err := checkTypeMeta(obj); err != nil {
		return nil, &Error{Source: src, Err: err}
	}
	items, isList := m["items"].([]any)
	if !isList || !strings.HasSuffix(obj.GetKind(), "List") {
		return []Object{{Object: obj, Source: src}}, nil
	}
	out := make([]Object, 0, len(items))
	var errs []error
	for i, it := range items {
		isrc := src
		isrc.Item = i + 1
		item, ok := it.(map[string]any)
		if !ok {
			errs = append(errs, &Error{Source: isrc, Err: fmt.Errorf("the list item is a %s, not an object", jsonType(it))})
			continue
		}
		fillItemType(obj, item)
		got, err := expand(isrc, item)
		out, errs = append(out, got...), appendErr(errs, err)
	}
	return out, errors.Join(errs...)
}

// fillItemType gives the items of a typed list (ConfigMapList) the list's
// apiVersion and the kind without "List" when they have none.
func fillItemType(list *unstructured.Unstructured, item map[string]any) {
	if list.GetKind() == "List" {
		return
	}
	if _, ok := item["apiVersion"]; !ok {
		item["apiVersion"] = list.GetAPIVersion()
	}
	if _, ok := item["kind"]; !ok {
		item["kind"] = strings.TrimSuffix(list.GetKind(), "List")
	}
}

func checkTypeMeta(obj *unstructured.Unstructured) error {
	var missing []string
	if s, ok := obj.Object["apiVersion"].(string); !ok || s == "" {
		missing = append(missing, "apiVersion")
	}
	if s, ok := obj.Object["kind"].(string); !ok || s == "" {
		missing = append(missing, "kind")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the object has no %s", strings.Join(missing, " and no "))
	}
	if _, ok := obj.Object["metadata"].(map[string]any); !ok && obj.Object["metadata"] != nil {
		return errors.New("metadata must be an object")
	}
	return nil
}
