package render

import (
	"bufio"
	"bytes"
	"testing"
)

// TestFleetPrinterObjects: custom columns get one header and a CONTEXT
// cell before each row; json is one mapping of context to document, a
// context that printed nothing an empty List.
func TestFleetPrinterObjects(t *testing.T) {
	var b bytes.Buffer
	out := bufio.NewWriter(&b)
	p := NewFleetPrinter(out, FormatCustomColumns, nil, false, false)
	_ = p.Objects("a", []byte("NAME\tDATA\nx\t1\n"))
	_ = p.Objects("bb", []byte("NAME\tDATA\nyy\t22\n"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	out.Flush()
	want := "CONTEXT   NAME   DATA\na         x      1\nbb        yy     22\n"
	if b.String() != want || !p.Written() {
		t.Errorf("custom columns:\n%q\nwant:\n%q", b.String(), want)
	}
	b.Reset()
	p = NewFleetPrinter(out, FormatJSON, nil, false, false)
	_ = p.Objects("a", []byte("{\n    \"kind\": \"List\"\n}\n"))
	_ = p.Objects("b", nil)
	_ = p.Close()
	out.Flush()
	want = "{\n    \"a\": {\n        \"kind\": \"List\"\n    },\n    \"b\": {\"apiVersion\":\"v1\",\"items\":[],\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"}}\n}\n"
	if b.String() != want {
		t.Errorf("json:\n%s\nwant:\n%s", b.String(), want)
	}
}
