package edit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// decodeJSON decodes js keeping numbers as written (json.Number), so that
// an integer compares equal to the same integer read from the server.
func decodeJSON(js []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// normalize is obj as decodeJSON reads it.
func normalize(obj map[string]any) (map[string]any, error) {
	js, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(js)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// mergePatch is the JSON merge patch (RFC 7386) that turns from into to:
// the keys that changed, with null for those removed; a list that changed
// is sent whole. It is empty when they are equal.
func mergePatch(from, to map[string]any) map[string]any {
	p := map[string]any{}
	for k, v := range to {
		old, ok := from[k]
		switch {
		case !ok:
			p[k] = v
		case reflect.DeepEqual(old, v):
		default:
			om, oIsMap := old.(map[string]any)
			nm, nIsMap := v.(map[string]any)
			if oIsMap && nIsMap {
				if sub := mergePatch(om, nm); len(sub) > 0 {
					p[k] = sub
				}
				continue
			}
			p[k] = v
		}
	}
	for k := range from {
		if _, ok := to[k]; !ok {
			p[k] = nil
		}
	}
	return p
}

// leaf is one field a merge patch sets: its path and value.
type leaf struct {
	path  []string
	value any
}

// leaves are the fields p sets (a null for a removal), sorted by path.
func leaves(p map[string]any, prefix []string) []leaf {
	var out []leaf
	for k, v := range p {
		path := append(append([]string(nil), prefix...), k)
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			out = append(out, leaves(m, path)...)
			continue
		}
		out = append(out, leaf{path: path, value: v})
	}
	sort.Slice(out, func(i, j int) bool { return pathString(out[i].path) < pathString(out[j].path) })
	return out
}

// at is the value at path in obj, and whether it is there.
func at(obj map[string]any, path []string) (any, bool) {
	var cur any = obj
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// pathString writes path as kubectl's field paths read: data.a,
// metadata.labels["app.kubernetes.io/name"].
func pathString(path []string) string {
	var b strings.Builder
	for i, k := range path {
		switch {
		case strings.ContainsAny(k, `./"[] `) || k == "":
			fmt.Fprintf(&b, "[%q]", k)
		case i > 0:
			b.WriteString("." + k)
		default:
			b.WriteString(k)
		}
	}
	return b.String()
}

// maxValue bounds a value a conflict shows.
const maxValue = 80

// show writes a value for a message, short: "(none)" when absent.
func show(v any, ok bool) string {
	if !ok || v == nil {
		return "(none)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > maxValue {
		return string(b[:maxValue]) + "…"
	}
	return string(b)
}
