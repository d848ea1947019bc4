package describe

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// foldWidth is the column past which a long string value is folded onto
// continuation lines, at spaces.
const foldWidth = 100

// tree writes nested maps and lists as an indented tree: the scalar values
// of siblings aligned, lists of scalars on one line, lists of maps as
// "- " items, long or multi-line strings folded under the value's column.
type tree struct {
	b *strings.Builder
}

// writeMap writes the keys of m, sorted, at indent.
func (t tree) writeMap(m map[string]any, indent int) {
	keys := sortedKeys(m)
	width := 0
	for _, k := range keys {
		if isInline(m[k]) && len(k) > width {
			width = len(k)
		}
	}
	for _, k := range keys {
		t.writeField(k, m[k], indent, width)
	}
}

// writeField writes one key and its value; width is the widest inline key
// of its siblings, so that their values line up.
func (t tree) writeField(key string, v any, indent, width int) {
	pad := strings.Repeat(" ", indent)
	if isInline(v) {
		col := indent + width + 3
		t.b.WriteString(pad + key + ":" + strings.Repeat(" ", col-indent-len(key)-1))
		t.writeScalar(scalar(v), col)
		return
	}
	t.b.WriteString(pad + key + ":\n")
	switch v := v.(type) {
	case map[string]any:
		t.writeMap(v, indent+2)
	case []any:
		t.writeList(v, indent+2)
	}
}

// writeList writes a list that is not all scalars, one "- " item each.
func (t tree) writeList(l []any, indent int) {
	for _, item := range l {
		switch item := item.(type) {
		case map[string]any:
			var sub strings.Builder
			tree{&sub}.writeMap(item, indent+2)
			s := sub.String()
			t.b.WriteString(strings.Repeat(" ", indent) + "- " + s[indent+2:])
		case []any:
			t.b.WriteString(strings.Repeat(" ", indent) + "-\n")
			t.writeList(item, indent+2)
		default:
			t.b.WriteString(strings.Repeat(" ", indent) + "- ")
			t.writeScalar(scalar(item), indent+2)
		}
	}
}

// writeScalar writes s from column col to the end of the line, folding it.
func (t tree) writeScalar(s string, col int) {
	for i, line := range fold(s, foldWidth-col) {
		if i > 0 {
			t.b.WriteString(strings.Repeat(" ", col))
		}
		t.b.WriteString(line + "\n")
	}
}

// isInline says whether v is written on its key's line: a scalar, an empty
// map or list, or a list of scalars.
func isInline(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return len(v) == 0
	case []any:
		for _, item := range v {
			switch item.(type) {
			case map[string]any, []any:
				return false
			}
		}
		return true
	}
	return true
}

// scalar is the text of an inline value.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "<nil>"
	case string:
		if v == "" {
			return `""`
		}
		return v
	case map[string]any:
		return "{}"
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = scalar(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case float64, int64, int, bool, json.Number:
		return fmt.Sprint(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fold cuts s into lines: at its newlines, then at the last space before
// width (at least 40 columns), never inside a word.
func fold(s string, width int) []string {
	width = max(width, 40)
	var out []string
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		for len(line) > width {
			cut := strings.LastIndexByte(line[:width], ' ')
			if cut <= 0 {
				break
			}
			out = append(out, line[:cut])
			line = line[cut+1:]
		}
		out = append(out, line)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
