package manifest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kjson "sigs.k8s.io/json"

	"github.com/kdxproject/kdx/internal/readcap"
)

// Decode decodes the objects of one file's content, named file in errors,
// keeping the last value of a duplicate field.
func Decode(file string, data []byte) ([]Object, error) {
	return Options{}.decode(context.Background(), file, bytes.NewReader(data))
}

// decode decodes the documents of one input as they are read, with o's
// handling of duplicate fields, until the input ends, a JSON value has a
// syntax error (where the next one starts is then unknown), a document is
// larger than o's cap, or ctx ends.
//
// As kubectl's decoder, an input that starts as JSON but whose first or
// second value is not JSON is read as YAML from that value on (YAML
// takes a trailing comma, for one); when it is not YAML either, the error
// is the JSON one.
func (o Options) decode(ctx context.Context, file string, r io.Reader) ([]Object, error) {
	n := 0 // documents that are not blank
	tooLarge := func(line int) error {
		src := Source{File: file, Doc: n + 1, Line: line}
		return &readcap.Error{Source: src.String(), Cap: o.documentCap(), What: "kdx's cap for one document of -f"}
	}
	docs := newDocuments(r, o.documentCap(), tooLarge)
	var objs []Object
	var errs []error
	jsonValues := 0   // JSON values read
	var jsonErr error // the JSON error of the document read again as YAML
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := docs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			err = readError(Source{File: file, Doc: n + 1, Line: d.line}, docs.isJSON(), err)
			if docs.isJSON() && errors.Is(err, errJSONCut) && jsonValues <= 1 {
				jsonErr = err
				docs.toYAML(d.data, d.line)
				continue
			}
			return nil, errors.Join(append(errs, err)...)
		}
		if isBlank(d.data) {
			continue
		}
		n++
		src := Source{File: file, Doc: n, Line: d.line}
		var got []Object
		switch {
		case docs.isJSON():
			var stop bool
			got, stop, err = o.decodeJSONDocument(src, d.data, d.col)
			if stop && jsonValues <= 1 {
				jsonErr, n = err, n-1
				docs.toYAML(d.data, d.line)
				continue
			}
			if stop {
				return nil, errors.Join(append(errs, err)...)
			}
			jsonValues++
		case jsonErr != nil:
			// The first document read again as YAML.
			var v any
			if v, err = o.parseYAML(src, d.data); err != nil {
				return nil, errors.Join(append(errs, jsonErr)...)
			}
			jsonErr = nil
			got, err = object(src, v)
		default:
			got, err = o.decodeYAMLDocument(src, d.data)
		}
		objs, errs = append(objs, got...), appendErr(errs, err)
	}
	if jsonErr != nil {
		errs = append(errs, jsonErr)
	}
	return objs, errors.Join(errs...)
}

// errJSONCut is the error of JSON input that ends inside a value.
var errJSONCut = errors.New("invalid JSON: the input ends inside a value")

// readError is the error that ended the reading of an input, in the
// document src.
func readError(src Source, isJSON bool, err error) error {
	var capErr *readcap.Error
	switch {
	case errors.As(err, &capErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) && isJSON:
		return &Error{Source: src, Err: errJSONCut}
	}
	return fmt.Errorf("failed to read %s: %w", src.File, unwrapPathError(err))
}

// isBlank reports whether a document holds only spaces and comments.
func isBlank(data []byte) bool {
	for len(data) > 0 {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' && string(l) != "..." {
			return false
		}
	}
	return true
}

// yamlLine finds "line N" in YAML parser errors.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// decodeYAMLDocument decodes one YAML document, expanding a List.
func (o Options) decodeYAMLDocument(src Source, data []byte) ([]Object, error) {
	v, err := o.parseYAML(src, data)
	if err != nil {
		return nil, err
	}
	return object(src, v)
}

// decodeJSONDocument decodes one JSON value, expanding a List; stop says
// that the value's syntax is wrong, and with it where the next one starts.
// The value starts at column col of its line.
func (o Options) decodeJSONDocument(src Source, data []byte, col int) (objs []Object, stop bool, err error) {
	var v any
	if o.Duplicates == DuplicatesIgnore {
		err = kjson.UnmarshalCaseSensitivePreserveInts(data, &v)
	} else {
		var dups []error
		dups, err = kjson.UnmarshalStrict(data, &v, kjson.DisallowDuplicateFields)
		if err == nil && len(dups) > 0 {
			msg := strings.TrimPrefix(dups[0].Error(), "json: ")
			if len(dups) > 1 {
				msg += fmt.Sprintf(" (and %d more)", len(dups)-1)
			}
			if err := o.duplicate(&Error{Source: src, Err: errors.New(msg)}); err != nil {
				return nil, false, err
			}
		}
	}
	if ok, offset := kjson.SyntaxErrorOffset(err); ok {
		return nil, true, jsonSyntaxError(src, data, col, offset, err)
	}
	if err != nil {
		return nil, false, &Error{Source: src, Err: fmt.Errorf("invalid document: %w", err)}
	}
	objs, err = object(src, v)
	return objs, false, err
}

// jsonSyntaxError names the line and column of a syntax error at offset
// in data, the value src starts, at column col of its line.
func jsonSyntaxError(src Source, data []byte, col int, offset int64, err error) error {
	// The offset is just past the byte that made the error.
	at := min(max(int(offset)-1, 0), len(data))
	if nl := bytes.LastIndexByte(data[:at], '\n'); nl >= 0 {
		src.Line += bytes.Count(data[:at], []byte("\n"))
		col = at - nl
	} else {
		col += at
	}
	return &Error{Source: src, Err: fmt.Errorf("invalid JSON at column %d: %v", col, err)}
}

// object is the object of a decoded document, or the items of a List.
func object(src Source, v any) ([]Object, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Source: src, Err: fmt.Errorf("the document is a %s, not an object with apiVersion and kind", jsonType(v))}
	}
	return expand(src, m)
}

// parseYAML decodes a YAML document into JSON values (see fromYAML),
// looking for duplicate fields unless o ignores them. Only a document the
// strict parser refuses is parsed twice: once more to tell a duplicate from
// a syntax error.
func (o Options) parseYAML(src Source, data []byte) (any, error) {
	var y any
	if o.Duplicates == DuplicatesIgnore {
		if err := yamlv2.Unmarshal(data, &y); err != nil {
			return nil, yamlError(src, err)
		}
		return convertYAML(src, y)
	}
	strictErr := yamlv2.UnmarshalStrict(data, &y)
	if strictErr == nil {
		return convertYAML(src, y)
	}
	y = nil
	if err := yamlv2.Unmarshal(data, &y); err != nil {
		return nil, yamlError(src, err)
	}
	v, err := convertYAML(src, y)
	if err != nil || bytes.Contains(data, []byte("<<")) {
		// The strict parser also refuses a key that overrides one brought
		// in by a merge key ("<<: *base"), which is legal YAML; such a
		// document is taken as it is, duplicates unchecked.
		return v, err
	}
	return v, o.duplicate(duplicateError(src, strictErr))
}

// duplicate is the error of a duplicate field, or nil after warning of it,
// as o says.
func (o Options) duplicate(dup error) error {
	if o.Duplicates == DuplicatesRefuse {
		return dup
	}
	if o.Warn != nil {
		o.Warn(fmt.Errorf("%w (the last value is used)", dup))
	}
	return nil
}

func convertYAML(src Source, y any) (any, error) {
	v, err := fromYAML(y)
	if err != nil {
		return nil, yamlError(src, err)
	}
	return v, nil
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
