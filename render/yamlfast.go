package render

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
)

// fastYAML writes the usual Kubernetes object (maps with plain ASCII keys,
// lists, strings, integers, bools, nulls) as go-yaml v2 writes it, without
// go-yaml's reflection and event machinery, which cost most of the time of
// an export or of `get -o yaml`. It reports false for anything it is not
// sure to write byte for byte as go-yaml would (a key that needs quoting or
// is long, a double-quoted string that go-yaml might fold or break, a type
// other than JSON's), and the caller then uses go-yaml. Strings other than
// the simplest are still styled by go-yaml, one scalar at a time: a
// multi-line string as its literal block, indented where it stands, a long
// plain or single-quoted one folded at the line width as go-yaml folds it.
// Real CRDs are such strings: go-yaml allocates some 25 times their size
// to write them, which was most of the memory of an export with CRDs.
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
	return w.scalar(v, col, indent+2)
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
			ok = w.scalar(v, indent+2, indent+2)
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

// scalar writes a scalar value starting at column col, and the newline;
// the lines it continues on (a folded or block string) are indented by
// cont, as go-yaml indents them: two more than the key's or the dash's.
func (w *yamlWriter) scalar(v any, col, cont int) bool {
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
		return w.str(t, col, cont)
	default:
		return false
	}
	w.buf = append(w.buf, '\n')
	return true
}

// str writes s starting at column col, and the newline; cont is the
// indentation of the lines it continues on.
func (w *yamlWriter) str(s string, col, cont int) bool {
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
	// go-yaml's style of a scalar does not depend on where it stands (out
	// of a flow collection and a key), its form does: a block scalar's
	// lines are indented, a long line is folded at a space.
	if strings.ContainsAny(s, "\r\u0085\u2028\u2029") || !utf8.ValidString(s) { // YAML's line breaks but \n
		return false
	}
	if (strings.IndexByte(s, '\n') >= 0 || len(s) > maxResolvable && strings.IndexByte(s, ' ') >= 0) && !strings.HasPrefix(s, "\uFEFF") {
		// go-yaml writes a multi-line string as a literal block, and a
		// string with a space this long can only read back as a string:
		// its style follows from its characters alone (scalarStyleOf),
		// which spares a go-yaml encoding of every description of a CRD.
		switch scalarStyleOf(s) {
		case stylePlain:
			return w.folded(s, col, cont, false)
		case styleSingle:
			return w.folded(s, col, cont, true)
		case styleLiteral:
			return w.literal(s, cont)
		}
		return w.doubleQuoted(s, col, cont)
	}
	out, err := yamlv2.Marshal(s)
	if err != nil || len(out) == 0 {
		return false
	}
	if bytes.IndexByte(out, '\n') == len(out)-1 && (bytes.IndexByte(out, ' ') < 0 || col+len(out)-1 <= yamlWidth) {
		w.buf = append(w.buf, out...) // one line wherever it stands
		return true
	}
	switch out[0] { // a short string past the width, deep in the object
	case '\'':
		return w.folded(s, col, cont, true)
	case '"':
		return w.doubleQuoted(s, col, cont)
	case '|', '>':
		return false
	}
	return w.folded(s, col, cont, false)
}

// yamlEscapes are the characters go-yaml writes as a backslash and a letter
// in a double-quoted scalar.
var yamlEscapes = map[rune]byte{0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0A: 'n', 0x0B: 'v', 0x0C: 'f', 0x0D: 'r',
	0x1B: 'e', '"': '"', '\\': '\\', 0x85: 'N', 0xA0: '_', 0x2028: 'L', 0x2029: 'P'}

// doubleQuoted writes s as go-yaml writes a double-quoted scalar starting
// at column col (write_double_quoted_scalar): what is not printable, a
// line break, a quote or a backslash escaped, folded at a single space
// past the line width onto a line indented by cont (a second space then
// escaped).
func (w *yamlWriter) doubleQuoted(s string, col, cont int) bool {
	if strings.HasPrefix(s, "\uFEFF") { // go-yaml then escapes every character
		return false
	}
	w.buf = append(w.buf, '"')
	column := col + 1
	spaces := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case !yamlPrintable(s, i) || c == '\n' || c == '"' || c == '\\':
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			w.buf = append(w.buf, '\\')
			if e, ok := yamlEscapes[r]; ok {
				w.buf = append(w.buf, e)
				column += 2
			} else {
				letter, digits := byte('x'), 2
				if r > 0xFF {
					letter, digits = 'u', 4
				}
				if r > 0xFFFF {
					letter, digits = 'U', 8
				}
				w.buf = append(w.buf, letter)
				for k := (digits - 1) * 4; k >= 0; k -= 4 {
					w.buf = append(w.buf, "0123456789ABCDEF"[(r>>uint(k))&0x0F])
				}
				column += 2 + digits
			}
			spaces = false
		case c == ' ':
			if !spaces && column > yamlWidth && i > 0 && i < len(s)-1 {
				w.buf = append(w.buf, '\n')
				w.indent(cont)
				column = cont
				if s[i+1] == ' ' {
					w.buf = append(w.buf, '\\')
					column++
				}
			} else {
				w.buf = append(w.buf, ' ')
				column++
			}
			i++
			spaces = true
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			w.buf = append(w.buf, s[i:i+size]...)
			i += size
			column++
			spaces = false
		}
	}
	w.buf = append(w.buf, '"', '\n')
	return true
}

// maxResolvable bounds the length of a string with a space that go-yaml
// could read as something else than a string: a timestamp
// ("2001-12-14 21:59:43.10 -5"); numbers, booleans and nulls have no space.
const maxResolvable = 40

// literal writes s, a multi-line string, as go-yaml writes it as a literal
// block: its header (an indentation hint when it starts with a space or a
// break, "-" without a final break), then its lines indented by cont.
func (w *yamlWriter) literal(s string, cont int) bool {
	w.buf = append(w.buf, '|')
	if s[0] == ' ' || s[0] == '\n' {
		w.buf = append(w.buf, '2')
	}
	body, final := strings.CutSuffix(s, "\n")
	switch {
	case !final:
		w.buf = append(w.buf, '-')
	case body == "" || strings.HasSuffix(body, "\n"):
		// "|+": go-yaml then marks the document open-ended ("...")
		return false
	}
	w.buf = append(w.buf, '\n')
	for line := range strings.SplitSeq(body, "\n") {
		if line != "" {
			w.indent(cont)
			w.buf = append(w.buf, line...)
		}
		w.buf = append(w.buf, '\n')
	}
	return true
}

// The styles go-yaml writes a string in, as scalarStyleOf tells them.
const (
	stylePlain = iota
	styleSingle
	styleLiteral
	styleDouble
)

// scalarStyleOf is the style go-yaml v2 writes s in, in a block mapping or
// sequence, s being a string that reads back as a string (or has a line
// break): its emitter's analysis of the characters (analyze_scalar) and
// choice of style (select_scalar_style), with unicode allowed as
// go-yaml's encoder allows it.
func scalarStyleOf(s string) int {
	var (
		blockIndicators, specialCharacters, lineBreaks bool
		leadingSpace, leadingBreak, trailingSpace      bool
		trailingBreak, breakSpace, spaceBreak          bool
		previousSpace, previousBreak                   bool
	)
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		blockIndicators = true
	}
	precededByWhitespace := true
	for i, w := 0, 0; i < len(s); i += w {
		w = yamlWidthOf(s[i])
		followedByWhitespace := i+w >= len(s) || s[i+w] == ' ' || s[i+w] == '\t'
		c := s[i]
		if i == 0 {
			switch c {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				blockIndicators = true
			case '?', ':', '-':
				blockIndicators = blockIndicators || followedByWhitespace
			}
		} else {
			switch c {
			case ':':
				blockIndicators = blockIndicators || followedByWhitespace
			case '#':
				blockIndicators = blockIndicators || precededByWhitespace
			}
		}
		if !yamlPrintable(s, i) {
			specialCharacters = true
		}
		switch {
		case c == ' ':
			leadingSpace = leadingSpace || i == 0
			trailingSpace = trailingSpace || i+w == len(s)
			breakSpace = breakSpace || previousBreak
			previousSpace, previousBreak = true, false
		case c == '\n': // the only break scalarStyleOf is given
			lineBreaks = true
			leadingBreak = leadingBreak || i == 0
			trailingBreak = trailingBreak || i+w == len(s)
			spaceBreak = spaceBreak || previousSpace
			previousSpace, previousBreak = false, true
		default:
			previousSpace, previousBreak = false, false
		}
		precededByWhitespace = c == ' ' || c == '\t' || c == '\n' || c == 0
	}
	blockPlain, single, block := true, true, true
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		blockPlain = false
	}
	if trailingSpace {
		block = false
	}
	if breakSpace {
		blockPlain, single = false, false
	}
	if spaceBreak || specialCharacters {
		blockPlain, single, block = false, false, false
	}
	if lineBreaks || blockIndicators {
		blockPlain = false
	}
	switch {
	case lineBreaks && block:
		return styleLiteral
	case lineBreaks:
		return styleDouble // (no single quotes for line breaks)
	case blockPlain:
		return stylePlain
	case single:
		return styleSingle
	}
	return styleDouble
}

// yamlWidthOf is the length of the UTF-8 sequence that starts with b, as
// go-yaml reads it (0 for a byte that starts none).
func yamlWidthOf(b byte) int {
	switch {
	case b&0x80 == 0x00:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// yamlPrintable is go-yaml's is_printable of the character at s[i].
func yamlPrintable(s string, i int) bool {
	at := func(j int) byte {
		if j < len(s) {
			return s[j]
		}
		return 0
	}
	b := s[i]
	return b == 0x0A || b >= 0x20 && b <= 0x7E ||
		b == 0xC2 && at(i+1) >= 0xA0 ||
		b > 0xC2 && b < 0xED ||
		b == 0xED && at(i+1) < 0xA0 ||
		b == 0xEE ||
		b == 0xEF && !(at(i+1) == 0xBB && at(i+2) == 0xBF) && !(at(i+1) == 0xBF && (at(i+2) == 0xBE || at(i+2) == 0xBF))
}

// folded writes s, a one-line plain or (single) single-quoted scalar,
// starting at column col as go-yaml writes it: at a single space past the
// line width, a line break and cont spaces instead (columns count runes).
func (w *yamlWriter) folded(s string, col, cont int, single bool) bool {
	column := col
	if single {
		w.buf = append(w.buf, '\'')
		column++
	}
	spaces := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ':
			nextSpace := i+1 < len(s) && s[i+1] == ' '
			if !spaces && column > yamlWidth && !nextSpace && (!single || i > 0 && i < len(s)-1) {
				w.buf = append(w.buf, '\n')
				w.indent(cont)
				column = cont
			} else {
				w.buf = append(w.buf, ' ')
				column++
			}
			spaces = true
		default:
			if single && r == '\'' {
				w.buf = append(w.buf, '\'')
				column++
			}
			w.buf = append(w.buf, s[i:i+size]...)
			column++
			spaces = false
		}
		i += size
	}
	if single {
		w.buf = append(w.buf, '\'')
	}
	w.buf = append(w.buf, '\n')
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
