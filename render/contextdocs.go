package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
)

// ContextDocs writes what a command printed for each context of a fleet in
// one output of the format: json and yaml, one mapping of context name to
// what the command prints for that context alone; jsonl, {"context": ...,
// "object": ...} per line; name, the lines of the context's
// NamePrinter{Context: ...}, "kind/name -n NS --context=CONTEXT"
// (a line is a kdx argument list). EmptyJSON and EmptyYAML stand for a
// context that printed nothing.
type ContextDocs struct {
	Out                  *bufio.Writer
	Format               Format
	EmptyJSON, EmptyYAML string
	// YAMLDocs says that a context's yaml is documents separated by ---
	// (export's), each written as {context: ..., object: ...}.
	YAMLDocs bool
	n        int // contexts added
	docs     int // yaml documents written (YAMLDocs)
}

// Add writes what the command printed for context.
func (d *ContextDocs) Add(context string, body []byte) {
	defer func() { d.n++ }()
	body = bytes.TrimRight(body, "\n")
	keyJSON, _ := json.Marshal(context)
	key := string(keyJSON)
	switch d.Format {
	case FormatJSON:
		if d.n == 0 {
			d.Out.WriteString("{\n")
		} else {
			d.Out.WriteString(",\n")
		}
		d.Out.WriteString("    " + key + ": ")
		if len(body) == 0 {
			body = []byte(d.EmptyJSON)
		}
		d.Out.Write(indentLines(body, "    ", false))
	case FormatYAML:
		if d.YAMLDocs {
			d.addDocs(key, body)
			return
		}
		d.Out.WriteString(key + ":\n")
		if len(body) == 0 {
			body = []byte(d.EmptyYAML)
		}
		d.Out.Write(indentLines(body, "  ", true))
		d.Out.WriteByte('\n')
	case FormatJSONL:
		for _, line := range bytes.Split(body, []byte("\n")) {
			if len(line) > 0 {
				fmt.Fprintf(d.Out, "{\"context\":%s,\"object\":%s}\n", key, line)
			}
		}
	case FormatName: // the lines of a NamePrinter of the context
		if len(body) > 0 {
			d.Out.Write(body)
			d.Out.WriteByte('\n')
		}
	}
}

// addDocs writes each yaml document of body as {context: key, object: ...}.
func (d *ContextDocs) addDocs(key string, body []byte) {
	for _, doc := range bytes.Split(append([]byte("\n"), body...), []byte("\n---\n")) {
		doc = bytes.Trim(doc, "\n")
		if len(doc) == 0 {
			continue
		}
		if d.docs > 0 {
			d.Out.WriteString("---\n")
		}
		d.docs++
		d.Out.WriteString("context: " + key + "\nobject:\n")
		d.Out.Write(indentLines(doc, "  ", true))
		d.Out.WriteByte('\n')
	}
}

// Close ends the json mapping, or writes an empty yaml one.
func (d *ContextDocs) Close() {
	if d.Format == FormatYAML && d.n == 0 && !d.YAMLDocs {
		d.Out.WriteString("{}\n")
	}
	if d.Format == FormatJSON {
		if d.n == 0 {
			d.Out.WriteString("{")
		}
		d.Out.WriteString("\n}\n")
	}
}

// indentLines indents every line of b but the first (json: the value
// follows its key) or every line (yaml); empty lines stay empty.
func indentLines(b []byte, indent string, first bool) []byte {
	lines := bytes.Split(b, []byte("\n"))
	var out bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			out.WriteByte('\n')
		}
		if len(l) > 0 && (i > 0 || first) {
			out.WriteString(indent)
		}
		out.Write(l)
	}
	return out.Bytes()
}
