package render

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
)

// fastYAML writes the usual Kubernetes object (maps with plain ASCII keys,
// lists, strings, integers, bools, nulls) as go-yaml v2 writes it, without
// go-yaml's reflection and event machinery, which cost most of the time of
// an export or of `get -o yaml`. It reports false for anything it is not
// sure to write byte for byte as go-yaml would (a key that needs quoting or
// is long, a multi-line string, a long string with spaces that go-yaml
// might fold, a type other than JSON's), and the caller then uses go-yaml.
// Strings other than the simplest are still formatted by go-yaml, one
// scalar at a time, where that cannot depend on where they stand.
// yamlfast_test.go compares the two on generated and real objects.
func fastYAML(v any) ([]byte, bool) {
	w := yamlWriter{buf: make([]byte, 0, 2048)}
	ok := false
	switch t := v.(type) {
	case map[string]any:
		ok = len(t) > 0 && w.mapping(t, 0, false)
	case []any:
		ok = len(t) > 0 && w.sequence(t, 0, false)
	}
	if !ok {
		return nil, false
	}
	return w.buf, true
}

// yamlWidth is the line width after which go-yaml folds a scalar at a space.
const yamlWidth = 80

// maxSimpleKey is the longest key go-yaml writes as "key: value" (longer
// ones become "? key").
const maxSimpleKey = 128

// yamlWriter appends YAML to buf.
type yamlWriter struct {
	buf []byte
	// keys is scratch space for sorting, reused by each mapping in turn.
	keys []string
}

// mapping writes the non-empty m at indent; with inline the first key goes
// on the current line (after a list's "- ").
func (w *yamlWriter) mapping(m map[string]any, indent int, inline bool) bool {
	start := len(w.keys)
	for k := range m {
		if !simpleKey(k) {
			return false
		}
		w.keys = append(w.keys, k)
	}
	keys := w.keys[start:]
	defer func() { w.keys = w.keys[:start] }()
	slices.SortFunc(keys, compareKeys)
	if !uniqueOrder(keys) {
		return false
	}
	for i, k := range keys {
		if i > 0 || !inline {
			w.indent(indent)
		}
		before := len(w.buf)
		w.key(k)
		// The scalar value, if any, starts after "key: ".
		col := indent + len(w.buf) - before + 1
		if !w.value(m[k], indent, col) {
			return false
		}
	}
	return true
}

// value writes v after "key:" (a mapping's value) at indent; col is the
// column where a scalar would start.
func (w *yamlWriter) value(v any, indent, col int) bool {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			w.buf = append(w.buf, " {}\n"...)
			return true
		}
		w.buf = append(w.buf, '\n')
		return w.mapping(t, indent+2, false)
	case []any:
		if len(t) == 0 {
			w.buf = append(w.buf, " []\n"...)
			return true
		}
		// go-yaml does not indent a list under a mapping key.
		w.buf = append(w.buf, '\n')
		return w.sequence(t, indent, false)
	}
	w.buf = append(w.buf, ' ')
	return w.scalar(v, col)
}

// sequence writes the non-empty l at indent; with inline the first item
// goes on the current line (after another list's "- ").
func (w *yamlWriter) sequence(l []any, indent int, inline bool) bool {
	for i, v := range l {
		if i > 0 || !inline {
			w.indent(indent)
		}
		w.buf = append(w.buf, "- "...)
		ok := true
		switch t := v.(type) {
		case map[string]any:
			if len(t) == 0 {
				w.buf = append(w.buf, "{}\n"...)
			} else {
				ok = w.mapping(t, indent+2, true)
			}
		case []any:
			if len(t) == 0 {
				w.buf = append(w.buf, "[]\n"...)
			} else {
				ok = w.sequence(t, indent+2, true)
			}
		default:
			ok = w.scalar(v, indent+2)
		}
		if !ok {
			return false
		}
	}
	return true
}

func (w *yamlWriter) indent(n int) {
	for range n {
		w.buf = append(w.buf, ' ')
	}
}

// key writes k (a simpleKey) and the colon.
func (w *yamlWriter) key(k string) {
	if resolvesToNonString(k) {
		w.buf = append(w.buf, '"')
		w.buf = append(w.buf, k...)
		w.buf = append(w.buf, "\":"...)
		return
	}
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, ':')
}

// scalar writes a scalar value starting at column col, and the newline.
func (w *yamlWriter) scalar(v any, col int) bool {
	switch t := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case bool:
		w.buf = strconv.AppendBool(w.buf, t)
	case int64:
		w.buf = strconv.AppendInt(w.buf, t, 10)
	case int:
		w.buf = strconv.AppendInt(w.buf, int64(t), 10)
	case string:
		return w.str(t, col)
	default:
		return false
	}
	w.buf = append(w.buf, '\n')
	return true
}

// str writes s starting at column col, and the newline.
func (w *yamlWriter) str(s string, col int) bool {
	if plainWord(s) {
		if resolvesToNonString(s) {
			w.buf = append(w.buf, '"')
			w.buf = append(w.buf, s...)
			w.buf = append(w.buf, "\"\n"...)
			return true
		}
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '\n')
		return true
	}
	// go-yaml's form of a one-line scalar does not depend on where it
	// stands, except that it may fold it at a space past the line width.
	if strings.ContainsAny(s, "\n\r\u0085\u2028\u2029") { // YAML's line breaks
		return false
	}
	out, err := yamlv2.Marshal(s)
	if err != nil || bytes.IndexByte(out, '\n') != len(out)-1 {
		return false
	}
	if bytes.IndexByte(out, ' ') >= 0 && col+len(out)-1 > yamlWidth {
		return false
	}
	w.buf = append(w.buf, out...)
	return true
}

// plainWord reports whether s is written plain, or double-quoted with
// nothing to escape when it is one of YAML 1.1's booleans or nulls: a
// letter followed by letters, digits and . _ / -, which can be nothing but
// a string or such a word.
func plainWord(s string) bool {
	if s == "" || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) && !isASCIIDigit(c) && c != '.' && c != '_' && c != '/' && c != '-' {
			return false
		}
	}
	return true
}

// simpleKey reports whether fastYAML writes k as a key: a plainWord short
// enough for "key: value".
func simpleKey(k string) bool {
	return len(k) <= maxSimpleKey && plainWord(k)
}

// resolvesToNonString reports whether the plainWord s would read back as a
// boolean or null if written plain, so that go-yaml quotes it.
func resolvesToNonString(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
		"null", "Null", "NULL":
		return true
	}
	return false
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }

// compareKeys orders the plain ASCII keys of a mapping as go-yaml does:
// byte by byte until they differ; there, a letter sorts after anything
// else, two letters by byte, and otherwise the runs of digits that start
// there are compared as numbers (shorter run first when equal, then by
// byte), so that "a9" sorts before "a10". A zero that continues a number
// with a non-zero digit before it counts from 1, keeping "a10" and "a100"
// apart from "a1". A key that is a prefix of another sorts first.
func compareKeys(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		la, lb := isASCIILetter(ca), isASCIILetter(cb)
		switch {
		case la && lb:
			return int(ca) - int(cb)
		case la:
			return 1
		case lb:
			return -1
		}
		var na, nb int64
		if ca == '0' || cb == '0' {
			for j := i - 1; j >= 0 && isASCIIDigit(a[j]); j-- {
				if a[j] != '0' {
					na, nb = 1, 1
					break
				}
			}
		}
		ea, eb := i, i
		for ; ea < len(a) && isASCIIDigit(a[ea]); ea++ {
			na = na*10 + int64(a[ea]-'0')
		}
		for ; eb < len(b) && isASCIIDigit(b[eb]); eb++ {
			nb = nb*10 + int64(b[eb]-'0')
		}
		switch {
		case na != nb:
			return cmpInt64(na, nb)
		case ea != eb:
			return ea - eb
		}
		return int(ca) - int(cb)
	}
	return len(a) - len(b)
}

// uniqueOrder reports whether go-yaml is sure to order the sorted keys as
// compareKeys did. Comparing runs of digits as numbers is not transitive
// ("x01" < "x10a" < "x1y2" < "x01"), and go-yaml's order of such keys then
// depends on the random order in which it got them; without digits the
// order is plain lexicographic. Keys with digits are checked pair by pair
// where there are few of them.
func uniqueOrder(keys []string) bool {
	digits := false
	for _, k := range keys {
		if strings.ContainsAny(k, "0123456789") {
			digits = true
			break
		}
	}
	if !digits {
		return true
	}
	if len(keys) > 32 {
		return false
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if compareKeys(keys[i], keys[j]) >= 0 || compareKeys(keys[j], keys[i]) <= 0 {
				return false
			}
		}
	}
	return true
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
