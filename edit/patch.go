package edit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
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

// rebase is the object the user means: the edited object e put back onto
// the live object l, of which b is the cleaned copy the user was shown.
// What cleaning hid is kept: a key of l that b lacks, unless the user set
// it, and an element of a list of l that no element of b stands for (the
// token volume of a pod, its default tolerations), at its place; what the
// user changed, added or removed in b is changed, added or removed.
func rebase(b, l, e any) any {
	switch ev := e.(type) {
	case map[string]any:
		bm, bok := b.(map[string]any)
		lm, lok := l.(map[string]any)
		if !bok || !lok {
			return e
		}
		out := make(map[string]any, len(lm)+len(ev))
		for k, v := range lm {
			if _, shown := bm[k]; !shown {
				out[k] = v // hidden by cleaning
			}
		}
		for k, v := range ev {
			out[k] = rebase(bm[k], lm[k], v)
		}
		return out
	case []any:
		bl, bok := b.([]any)
		ll, lok := l.([]any)
		if !bok || !lok {
			return e
		}
		return rebaseList(bl, ll, ev)
	}
	return e
}

// rebaseList is rebase of a list: each edited element is rebased on the
// element of b it edits (the one of the same name, else of the same
// place) and on the element of l that one stands for; the elements of l
// no element of b stands for are put back at their index.
func rebaseList(b, l, e []any) []any {
	// stands[j] is the index in l of the element b[j] stands for, or -1.
	stands := make([]int, len(b))
	used := make([]bool, len(l))
	for j := range stands {
		stands[j] = -1
	}
	// First the elements of the same name or equal, then, for an unnamed
	// element cleaning changed (a claim template's status), the one at
	// its index.
	for _, pass := range []func(j, k int) bool{
		func(j, k int) bool { return sameElement(b[j], l[k]) },
		func(j, k int) bool { return j == k && unnamed(b[j]) && unnamed(l[k]) },
	} {
		for j := range b {
			for k := range l {
				if stands[j] < 0 && !used[k] && pass(j, k) {
					stands[j], used[k] = k, true
				}
			}
		}
	}
	out := make([]any, 0, len(e)+len(l))
	for i, ee := range e {
		j := counterpart(b, ee, i)
		if j < 0 || stands[j] < 0 {
			out = append(out, ee)
			continue
		}
		out = append(out, rebase(b[j], l[stands[j]], ee))
	}
	for k, le := range l {
		if !used[k] {
			out = slices.Insert(out, min(k, len(out)), le)
		}
	}
	return out
}

// sameElement says whether the shown element be stands for the live
// element le: the same name, or, unnamed, equal.
func sameElement(be, le any) bool {
	bn, bNamed := elementName(be)
	ln, lNamed := elementName(le)
	if bNamed || lNamed {
		return bNamed && lNamed && bn == ln
	}
	return reflect.DeepEqual(be, le)
}

func unnamed(v any) bool {
	_, named := elementName(v)
	return !named
}

// counterpart is the index of the element of b that the edited element ee
// at index i edits: the one of the same name, else the one at i; -1 for
// none (an element the user added).
func counterpart(b []any, ee any, i int) int {
	if name, ok := elementName(ee); ok {
		for j, be := range b {
			if n, ok := elementName(be); ok && n == name {
				return j
			}
		}
		return -1
	}
	if i < len(b) {
		if _, named := elementName(b[i]); !named {
			return i
		}
	}
	return -1
}

// elementName is the name of a list element that has one (containers,
// volumes, ports, env).
func elementName(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	n, ok := m["name"].(string)
	return n, ok
}
