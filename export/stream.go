package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Sink receives the cleaned objects of an export.
type Sink interface {
	// Write writes one object. It may be called from several goroutines.
	Write(ctx context.Context, obj *unstructured.Unstructured) error
	// Close completes the output once every object was written.
	Close(ctx context.Context) error
}

// StreamSink writes objects to one stream: YAML documents separated by
// "---", a JSON List, or JSON lines. Objects appear in the order of the
// calls to Write.
type StreamSink struct {
	// w receives the output.
	w io.Writer
	// format is the output format.
	format Format

	// mu guards count and serializes writes to w.
	mu sync.Mutex
	// count is the number of objects written.
	count int
}

var _ Sink = (*StreamSink)(nil)

// NewStreamSink returns a sink writing format f to w.
func NewStreamSink(w io.Writer, f Format) *StreamSink {
	return &StreamSink{w: w, format: f}
}

// jsonListItemIndent is the indentation of the items of a JSON List.
const jsonListItemIndent = "        "

// Write encodes obj and writes it to the stream.
func (s *StreamSink) Write(_ context.Context, obj *unstructured.Unstructured) error {
	var data []byte
	var err error
	switch s.format {
	case FormatJSON:
		data, err = encodeJSON(obj.Object, jsonListItemIndent)
		data = bytes.TrimSuffix(data, []byte("\n"))
	case FormatJSONL:
		data, err = encodeJSONLine(obj.Object)
	default:
		data, err = encodeYAML(obj.Object)
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.writeSeparator(); err != nil {
		return err
	}
	s.count++
	return s.write(data)
}

// writeSeparator writes what comes before an object.
func (s *StreamSink) writeSeparator() error {
	switch {
	case s.format == FormatJSON && s.count == 0:
		return s.write([]byte("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n" + jsonListItemIndent))
	case s.format == FormatJSON:
		return s.write([]byte(",\n" + jsonListItemIndent))
	case s.format == FormatYAML && s.count > 0:
		return s.write([]byte("---\n"))
	}
	return nil
}

// Close ends a JSON List; it writes an empty List when there was no object.
func (s *StreamSink) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.format != FormatJSON {
		return nil
	}
	head := "\n    ],\n"
	if s.count == 0 {
		head = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n"
	}
	return s.write([]byte(head + "    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"))
}

func (s *StreamSink) write(b []byte) error {
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("failed to write output: %w", err)
	}
	return nil
}
