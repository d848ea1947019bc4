package render

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	apiruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// Encoding is how a ListPrinter writes objects.
type Encoding int

// The encodings of ListPrinter.
const (
	// JSONEncoding is kubectl's -o json: 4-space indented, lists in a v1 List.
	JSONEncoding Encoding = iota
	// YAMLEncoding is kubectl's -o yaml, lists in a v1 List.
	YAMLEncoding
	// JSONLinesEncoding writes one compact JSON object per line, never a List.
	JSONLinesEncoding
)

// ListPrinter prints objects as JSON, YAML or JSON lines with the bytes
// kubectl writes for the same objects. As a Streamer it writes a List
// incrementally, encoding items on several goroutines and writing them in order.
type ListPrinter struct {
	// Encoding is the output encoding.
	Encoding Encoding
	// ShowManagedFields keeps metadata.managedFields.
	ShowManagedFields bool
	// Workers bounds the encoding goroutines; 0 means GOMAXPROCS.
	Workers int
}

var (
	_ Printer  = (*ListPrinter)(nil)
	_ Streamer = (*ListPrinter)(nil)
)

// PrintObj prints one object, or a list as a v1 List (JSON lines: its items).
func (p *ListPrinter) PrintObj(obj apiruntime.Object, w io.Writer) error {
	if list, ok := obj.(*unstructured.UnstructuredList); ok {
		s := p.NewStream(w, false)
		if err := s.Add(list.Items); err != nil {
			return err
		}
		return s.Close()
	}
	u, err := toUnstructured(obj)
	if err != nil {
		return err
	}
	s := p.NewStream(w, true)
	if err := s.Add([]unstructured.Unstructured{*u}); err != nil {
		return err
	}
	return s.Close()
}

// toUnstructured converts any object to *unstructured.Unstructured.
func toUnstructured(obj apiruntime.Object) (*unstructured.Unstructured, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return u, nil
	}
	m, err := apiruntime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, errorf("failed to convert %T: %w", obj, err)
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// NewStream starts writing a list (or, when single, one object) to w.
func (p *ListPrinter) NewStream(w io.Writer, single bool) Stream {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &listStream{p: p, w: w, single: single}
	s.pool = newOrderedPool(workers, s.encode, s.write)
	return s
}

// listStream is one list written by a ListPrinter.
type listStream struct {
	p      *ListPrinter
	w      io.Writer
	single bool
	pool   *orderedPool
	// count is the number of items written so far (by the writer goroutine only).
	count int
	// first is the first item, printed alone when the stream is single.
	first *unstructured.Unstructured
	// pending holds the first item's List bytes while single output is still possible.
	pending []byte
	// started says whether the List header is written.
	started bool
}

func (s *listStream) Add(items []unstructured.Unstructured) error {
	if s.first == nil && len(items) > 0 {
		s.first = &items[0]
	}
	for i := range items {
		if err := s.pool.submit(&items[i]); err != nil {
			return err
		}
	}
	return nil
}

// encode runs on a worker: one item to its bytes, as they appear in a List.
func (s *listStream) encode(u *unstructured.Unstructured) ([]byte, error) {
	if !s.p.ShowManagedFields {
		u = withoutManagedFields(u)
	}
	switch s.p.Encoding {
	case YAMLEncoding:
		return marshalYAML([]any{u.Object})
	case JSONLinesEncoding:
		b, err := json.Marshal(u.Object)
		return append(b, '\n'), err
	}
	b, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(b) * 2)
	if err := json.Indent(&buf, b, jsonItemIndent, "    "); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// withoutManagedFields returns u without metadata.managedFields, copying
// only the two maps on the way (the object itself is shared, not changed).
func withoutManagedFields(u *unstructured.Unstructured) *unstructured.Unstructured {
	md, ok := u.Object["metadata"].(map[string]any)
	if !ok {
		return u
	}
	if _, found := md["managedFields"]; !found {
		return u
	}
	obj := make(map[string]any, len(u.Object))
	for k, v := range u.Object {
		obj[k] = v
	}
	meta := make(map[string]any, len(md))
	for k, v := range md {
		if k != "managedFields" {
			meta[k] = v
		}
	}
	obj["metadata"] = meta
	return &unstructured.Unstructured{Object: obj}
}

// jsonItemIndent is the indentation of the items of a List in kubectl's JSON.
const jsonItemIndent = "        "

// write runs on the single writer goroutine, in order.
func (s *listStream) write(b []byte) error {
	if s.p.Encoding == JSONLinesEncoding {
		_, err := s.w.Write(b)
		return err
	}
	s.count++
	if s.single && s.count == 1 {
		s.pending = b
		return nil
	}
	if err := s.start(); err != nil {
		return err
	}
	return s.writeItem(b)
}

// start writes the List header and the pending first item.
func (s *listStream) start() error {
	if s.started {
		return nil
	}
	s.started = true
	head := "apiVersion: v1\nitems:\n"
	if s.p.Encoding == JSONEncoding {
		head = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n"
	}
	if _, err := io.WriteString(s.w, head); err != nil {
		return err
	}
	if s.pending != nil {
		b := s.pending
		s.pending = nil
		s.count--
		return s.writeItem(b)
	}
	return nil
}

func (s *listStream) writeItem(b []byte) error {
	if s.p.Encoding == JSONEncoding {
		sep := ",\n" + jsonItemIndent
		if s.count == 1 {
			sep = jsonItemIndent
		}
		if _, err := io.WriteString(s.w, sep); err != nil {
			return err
		}
	}
	_, err := s.w.Write(b)
	return err
}

func (s *listStream) Close() error {
	if err := s.pool.close(); err != nil {
		return err
	}
	if s.p.Encoding == JSONLinesEncoding {
		return nil
	}
	if s.single && s.count == 1 && s.pending != nil {
		return s.writeSingle()
	}
	return s.finish()
}

// writeSingle writes the first item alone, as kubectl prints one object.
func (s *listStream) writeSingle() error {
	obj := s.first.Object
	if !s.p.ShowManagedFields {
		obj = withoutManagedFields(s.first).Object
	}
	var b []byte
	var err error
	if s.p.Encoding == YAMLEncoding {
		b, err = marshalYAML(obj)
	} else {
		b, err = json.MarshalIndent(obj, "", "    ")
		b = append(b, '\n')
	}
	if err != nil {
		return errorf("failed to encode %s: %w", s.first.GetName(), err)
	}
	_, err = s.w.Write(b)
	return err
}

// finish writes the end of the List.
func (s *listStream) finish() error {
	if s.p.Encoding == YAMLEncoding {
		tail := "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
		if !s.started {
			tail = "apiVersion: v1\nitems: []\n" + tail
		}
		_, err := io.WriteString(s.w, tail)
		return err
	}
	tail := "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	if !s.started {
		tail = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	}
	_, err := io.WriteString(s.w, tail)
	return err
}

// marshalYAML is sigs.k8s.io/yaml.Marshal without its JSON round trip,
// which costs more than half the time: for JSON data (maps, slices,
// strings, int64, float64, bools, nil) go-yaml v2 sorts the keys and
// formats the values exactly as it does after the round trip. Data with
// invalid UTF-8, which the JSON encoder would have rewritten, takes the
// round trip.
func marshalYAML(v any) ([]byte, error) {
	if !jsonSafe(v) {
		return yaml.Marshal(v)
	}
	if out, ok := fastYAML(v); ok {
		return out, nil
	}
	return yamlv2.Marshal(v)
}

// jsonSafe reports whether v holds only JSON values that survive a JSON
// round trip unchanged.
func jsonSafe(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if !utf8.ValidString(k) || !jsonSafe(e) {
				return false
			}
		}
	case []any:
		for _, e := range t {
			if !jsonSafe(e) {
				return false
			}
		}
	case string:
		return utf8.ValidString(t)
	case int64, float64, bool, nil:
	default:
		return false
	}
	return true
}

// MarshalYAML encodes v (JSON data: maps, slices, strings, int64, float64,
// bools, nil) as YAML with the bytes of sigs.k8s.io/yaml.Marshal, faster.
func MarshalYAML(v any) ([]byte, error) { return marshalYAML(v) }
