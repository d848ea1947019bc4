package export

import (
	"strconv"
	"strings"
)

// Path is a field path in an object: map keys, "*" for every key or list
// element at one level, "**" for any number of levels.
type Path []string

// String writes p as in the rules table: spec.ports[*].nodePort,
// metadata.annotations["a/b"], **.metadata.creationTimestamp.
func (p Path) String() string {
	var b strings.Builder
	for i, seg := range p {
		switch {
		case seg == "*":
			b.WriteString("[*]")
		case seg == "**" || isIdentifier(seg):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg)
		default:
			b.WriteString("[" + strconv.Quote(seg) + "]")
		}
	}
	return b.String()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// removeFields deletes the fields at p under node whose value satisfies
// match (nil matches every value). It reports whether it deleted anything;
// a map it emptied is deleted from its parent map in turn, so that the
// cleaning leaves no empty map behind, while an empty map the user wrote,
// which no deletion touched, stays.
func removeFields(node any, p Path, match func(any) bool) bool {
	if len(p) == 0 {
		return false
	}
	seg, rest := p[0], p[1:]
	if seg == "**" {
		removed := removeFields(node, rest, match)
		return eachChild(node, func(child any) bool { return removeFields(child, p, match) }) || removed
	}
	if len(rest) == 0 {
		return removeLeaves(node, seg, match)
	}
	if len(rest) == 1 && rest[0] == "*" && seg != "*" {
		if removed, ok := removeElements(node, seg, match); ok {
			return removed
		}
	}
	if seg == "*" {
		return eachChild(node, func(child any) bool { return removeFields(child, rest, match) })
	}
	m, ok := node.(map[string]any)
	if !ok {
		return false
	}
	child, ok := m[seg]
	if !ok || !removeFields(child, rest, match) {
		return false
	}
	if cm, ok := child.(map[string]any); ok && len(cm) == 0 {
		delete(m, seg)
	}
	return true
}

// eachChild runs fn on every value of a map or element of a list and
// reports whether any run deleted something; it deletes child maps of a map
// that became empty.
func eachChild(node any, fn func(any) bool) bool {
	removed := false
	switch n := node.(type) {
	case map[string]any:
		for k, child := range n {
			if !fn(child) {
				continue
			}
			removed = true
			if cm, ok := child.(map[string]any); ok && len(cm) == 0 {
				delete(n, k)
			}
		}
	case []any:
		for _, child := range n {
			if fn(child) {
				removed = true
			}
		}
	}
	return removed
}

// removeElements deletes the elements that satisfy match of the list at
// key seg of a map node (a path ending in "key", "*"), and the key when
// the list becomes empty. ok is false when there is no such list.
func removeElements(node any, seg string, match func(any) bool) (removed, ok bool) {
	m, isMap := node.(map[string]any)
	if !isMap {
		return false, false
	}
	l, isList := m[seg].([]any)
	if !isList {
		return false, false
	}
	kept := l[:0:0]
	for _, e := range l {
		if match == nil || match(e) {
			removed = true
			continue
		}
		kept = append(kept, e)
	}
	switch {
	case !removed:
	case len(kept) == 0:
		delete(m, seg)
	default:
		m[seg] = kept
	}
	return removed, true
}

// removeLeaves deletes the key seg ("*": every key) of a map node whose
// value satisfies match.
func removeLeaves(node any, seg string, match func(any) bool) bool {
	m, ok := node.(map[string]any)
	if !ok {
		return false
	}
	if seg != "*" {
		v, ok := m[seg]
		if !ok || (match != nil && !match(v)) {
			return false
		}
		delete(m, seg)
		return true
	}
	removed := false
	for k, v := range m {
		if match == nil || match(v) {
			delete(m, k)
			removed = true
		}
	}
	return removed
}

// lookup returns the value at a path of plain keys.
func lookup(obj map[string]any, keys ...string) (any, bool) {
	var node any = obj
	for _, k := range keys {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, false
		}
		if node, ok = m[k]; !ok {
			return nil, false
		}
	}
	return node, true
}
