package dynamicclient

import (
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// maxKeys bounds the shared keys of one parse.
const maxKeys = 8192

// valueParser reads JSON into the values sigs.k8s.io/json's
// UnmarshalCaseSensitivePreserveInts makes of it into an interface{}:
// map[string]any, []any, string, int64 (an integer that fits), float64,
// bool and nil. It reads the bytes once (encoding/json checks the whole
// input before decoding it, then decodes it through reflection), shares
// the strings of repeated keys, of which a page of table rows has
// thousands, and passes over what it is not asked to keep (skip) without
// decoding it.
//
// A method returns false where the input is not valid JSON, nests deeper
// than encoding/json's limit, holds a number no float64 can hold (in a
// value it keeps), or repeats a key in an object: the caller then decodes
// the input the standard way, which says what is wrong (or, for a repeated
// key, merges as encoding/json does). FuzzValueParser compares the two.
type valueParser struct {
	data  []byte
	pos   int
	depth int
	keys  map[string]string // keys seen, to share their strings
	buf   []byte            // unescaped string being built
}

func (p *valueParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *valueParser) value() (any, bool) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, ok := p.str(false)
		return s, ok
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	return nil, false
}

func (p *valueParser) literal(word string) bool {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return false
	}
	p.pos += len(word)
	return true
}

func (p *valueParser) object() (any, bool) {
	m := map[string]any{}
	ok := p.fields(true, func(k string) bool {
		v, ok := p.value()
		n := len(m)
		m[k] = v
		return ok && len(m) > n // else a repeated key
	})
	if !ok {
		return nil, false
	}
	return m, true
}

func (p *valueParser) array() (any, bool) {
	a := make([]any, 0, 4)
	ok := p.elements(func() bool {
		v, ok := p.value()
		a = append(a, v)
		return ok
	})
	if !ok {
		return nil, false
	}
	return a, true
}

// fields reads the object at p.pos, calling member with each key (or ""
// when keys is false: keys are then only checked) at its value, to read
// it; false when the object is not well-formed or member returns false.
func (p *valueParser) fields(keys bool, member func(key string) bool) bool {
	if p.depth++; p.depth > maxDepth {
		return false
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return true
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return false
		}
		var k string
		ok := true
		if keys {
			k, ok = p.str(true)
		} else {
			ok = p.skipString()
		}
		if !ok {
			return false
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return false
		}
		p.pos++
		if !member(k) || !p.next('}') {
			return false
		}
		if p.data[p.pos-1] == '}' {
			return true
		}
	}
}

// elements reads the array at p.pos, calling element at each element to
// read it; false when the array is not well-formed or element returns
// false.
func (p *valueParser) elements(element func() bool) bool {
	if p.depth++; p.depth > maxDepth {
		return false
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return true
	}
	for {
		if !element() || !p.next(']') {
			return false
		}
		if p.data[p.pos-1] == ']' {
			return true
		}
	}
}

// next passes over what follows a member or an element: a comma, or the
// closing bracket of its object or array (then the last byte read).
func (p *valueParser) next(closing byte) bool {
	p.skipSpace()
	if p.pos < len(p.data) && (p.data[p.pos] == ',' || p.data[p.pos] == closing) {
		p.pos++
		return true
	}
	return false
}

// str reads a string at p.pos (its opening quote), replacing what is not
// UTF-8 and each unpaired surrogate with U+FFFD, as encoding/json does.
// Keys share their strings.
func (p *valueParser) str(key bool) (string, bool) {
	p.pos++ // "
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			raw := p.data[start:p.pos]
			p.pos++
			if key {
				return p.key(raw), true
			}
			return string(raw), true
		case c == '\\' || c >= utf8.RuneSelf:
			return p.strSlow(start, key)
		case c < ' ':
			return "", false
		}
		p.pos++
	}
	return "", false
}

func (p *valueParser) key(b []byte) string {
	if s, ok := p.keys[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.keys) < maxKeys {
		p.keys[s] = s
	}
	return s
}

// strSlow goes on reading the string begun at start, from p.pos, where an
// escape or a non-ASCII byte is.
func (p *valueParser) strSlow(start int, key bool) (string, bool) {
	b := append(p.buf[:0], p.data[start:p.pos]...)
	defer func() { p.buf = b[:0] }()
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			if key {
				return p.key(b), true
			}
			return string(b), true
		case c < ' ':
			return "", false
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", false
			}
			switch e := p.data[p.pos+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := p.hex4(p.pos + 2)
				if !ok {
					return "", false
				}
				p.pos += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := p.escapedRune(p.pos); ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							p.pos += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				return "", false
			}
			p.pos += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, p.data[p.pos:p.pos+size]...)
			}
			p.pos += size
		}
	}
	return "", false
}

// escapedRune reads a \uXXXX escape at i, if there is one.
func (p *valueParser) escapedRune(i int) (rune, bool) {
	if i+1 >= len(p.data) || p.data[i] != '\\' || p.data[i+1] != 'u' {
		return 0, false
	}
	return p.hex4(i + 2)
}

func (p *valueParser) hex4(i int) (rune, bool) {
	if i+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// number reads a number as JSON writes it: an int64 when it has no
// fraction or exponent and fits, else a float64.
func (p *valueParser) number() (any, bool) {
	s, integer := p.numberText()
	if s == nil {
		return nil, false
	}
	if integer {
		if i, ok := parseInt(s); ok {
			return i, true
		}
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return nil, false
	}
	return f, true
}

// numberText passes over a number, returning its text (nil if it is not
// one) and whether it has neither a fraction nor an exponent.
func (p *valueParser) numberText() (s []byte, integer bool) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	if p.pos >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.pos]; {
	case c == '0':
		p.pos++
	case '1' <= c && c <= '9':
		p.digits()
	default:
		return nil, false
	}
	integer = true
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		integer = false
		p.pos++
		if !p.digits() {
			return nil, false
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		integer = false
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if !p.digits() {
			return nil, false
		}
	}
	return p.data[start:p.pos], integer
}

// digits skips one or more digits.
func (p *valueParser) digits() bool {
	start := p.pos
	for p.pos < len(p.data) && '0' <= p.data[p.pos] && p.data[p.pos] <= '9' {
		p.pos++
	}
	return p.pos > start
}

// parseInt parses a JSON integer, as strconv.ParseInt(s, 10, 64) would.
func parseInt(s []byte) (int64, bool) {
	if len(s) > 18 { // may not fit: let strconv say
		i, err := strconv.ParseInt(string(s), 10, 64)
		return i, err == nil
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// skip passes over one value, checking it as value would, without keeping
// anything.
func (p *valueParser) skip() bool {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return false
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.fields(false, func(string) bool { return p.skip() })
	case c == '[':
		return p.elements(p.skip)
	case c == '"':
		return p.skipString()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		text, _ := p.numberText()
		return text != nil
	}
	return false
}

// skipString passes over a string, checking it as str would.
func (p *valueParser) skipString() bool {
	p.pos++ // "
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '"':
			p.pos++
			return true
		case c < ' ':
			return false
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return false
			}
			switch p.data[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				if _, ok := p.hex4(p.pos + 2); !ok {
					return false
				}
				p.pos += 6
			default:
				return false
			}
		default:
			p.pos++
		}
	}
	return false
}

// members reads the members of the object at p.pos, calling member with
// each key, at its value, to read it; false if the object is not
// well-formed, repeats a key, or member returns false. It is meant for
// objects of a few members, whose keys it compares one by one.
func (p *valueParser) members(member func(key string) bool) bool {
	seen := make([]string, 0, 8)
	return p.fields(true, func(k string) bool {
		if slices.Contains(seen, k) {
			return false // a repeated key
		}
		seen = append(seen, k)
		return member(k)
	})
}
