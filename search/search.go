package search

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options say what a Matcher looks for.
type Options struct {
	// Pattern is a Go regular expression, or a fixed string with Fixed.
	Pattern string
	Fixed   bool
	// IgnoreCase matches without regard to case.
	IgnoreCase bool
	// Keys and Values restrict the search to one side; neither (or both)
	// searches both.
	Keys, Values bool
}

// Matcher finds a compiled pattern in objects. It is safe for concurrent use.
type Matcher struct {
	// find is the offsets of the first match in s, or nil.
	find         func(s string) []int
	keys, values bool
}

// New compiles o's pattern. A fixed string is any bytes (a Secret's data
// decoded may be binary); a regular expression is UTF-8.
func New(o Options) (*Matcher, error) {
	both := o.Keys == o.Values
	m := &Matcher{keys: both || o.Keys, values: both || o.Values}
	if o.Fixed && (!o.IgnoreCase || !utf8.ValidString(o.Pattern)) {
		m.find = fixed(o.Pattern, o.IgnoreCase)
		return m, nil
	}
	if !utf8.ValidString(o.Pattern) {
		return nil, fmt.Errorf("invalid pattern %q: a regular expression must be UTF-8 (give -F to search for bytes)", o.Pattern)
	}
	expr := o.Pattern
	if o.Fixed {
		expr = regexp.QuoteMeta(expr)
	}
	if o.IgnoreCase {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid pattern %q: %w", o.Pattern, err)
	}
	m.find = re.FindStringIndex
	return m, nil
}

// fixed finds p in s byte for byte; with fold, ASCII letters match without
// regard to case (fold is asked only of a p that is not UTF-8, which has
// no other letters to fold).
func fixed(p string, fold bool) func(s string) []int {
	if fold {
		p = asciiLower(p)
	}
	return func(s string) []int {
		if fold {
			s = asciiLower(s) // the same length: the offsets hold
		}
		if i := strings.Index(s, p); i >= 0 {
			return []int{i, i + len(p)}
		}
		return nil
	}
}

// asciiLower is s with its ASCII capitals lowered and every other byte
// kept (strings.ToLower would replace bytes that are not UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Match is one match in an object.
type Match struct {
	// Path is the field path, JSONPath-like: a.b[2].c, with ["..."] for a
	// key that is not a plain word (annotations, labels).
	Path string
	// Key says that the key matched; Value is then the key.
	Key bool
	// Value is the matching key, or the value as text (a string as it is,
	// a number or boolean as JSON writes it).
	Value string
	// Start and End are the first match's offsets in Value.
	Start, End int
	// Decoded says that Value is a Secret's data value, base64-decoded.
	Decoded bool
}

// Object calls fn for each match in obj, in key order. Managed fields are
// not searched (they repeat the object's field names). Secret says that
// obj is a Secret: the values of its data are also searched decoded.
func (m *Matcher) Object(obj map[string]any, secret bool, fn func(Match)) {
	w := walker{m: m, fn: fn, secret: secret}
	w.walk(obj, nil)
}

// Matches reports whether obj has a match.
func (m *Matcher) Matches(obj map[string]any, secret bool) bool {
	found := false
	m.Object(obj, secret, func(Match) { found = true })
	return found
}

type walker struct {
	m      *Matcher
	fn     func(Match)
	secret bool
}

func (w *walker) walk(v any, path []string) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if len(path) == 1 && path[0] == "metadata" && k == "managedFields" {
				continue
			}
			p := append(path[:len(path):len(path)], k)
			if w.m.keys {
				if loc := w.m.find(k); loc != nil {
					w.fn(Match{Path: Path(p), Key: true, Value: k, Start: loc[0], End: loc[1]})
				}
			}
			w.walk(v[k], p)
		}
	case []any:
		for i, e := range v {
			w.walk(e, append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]"))
		}
	default:
		if !w.m.values || v == nil {
			return
		}
		s := scalar(v)
		if loc := w.m.find(s); loc != nil {
			w.fn(Match{Path: Path(path), Value: s, Start: loc[0], End: loc[1]})
			return
		}
		if w.secret && len(path) == 2 && path[0] == "data" {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				if loc := w.m.find(string(b)); loc != nil {
					w.fn(Match{Path: Path(path), Value: string(b), Start: loc[0], End: loc[1], Decoded: true})
				}
			}
		}
	}
}

// scalar is a JSON scalar as text.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// plainKey matches the keys written after a dot in a path.
var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// Path writes path elements (keys, and "[i]" for list indexes) as a field
// path: spec.containers[0].image, metadata.labels["app.kubernetes.io/name"].
func Path(elems []string) string {
	var b strings.Builder
	for _, e := range elems {
		switch {
		case strings.HasPrefix(e, "[") && strings.HasSuffix(e, "]") && isIndex(e[1:len(e)-1]):
			b.WriteString(e)
		case plainKey.MatchString(e):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e)
		default:
			b.WriteString("[" + strconv.Quote(e) + "]")
		}
	}
	return b.String()
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// Snippet is the part of m.Value to print in at most width characters
// (at least 20): the line of the match, cut around it with "..." where
// text was left out; newlines and tabs inside are escaped.
func Snippet(m Match, width int) string {
	width = max(width, 20)
	v, start, end := m.Value, m.Start, m.End
	// The line holding the match.
	if i := strings.LastIndexByte(v[:start], '\n'); i >= 0 {
		v, start, end = v[i+1:], start-i-1, end-i-1
	}
	if i := strings.IndexByte(v[end:], '\n'); i >= 0 {
		v = v[:end+i]
	}
	r := []rune(v)
	rs, re := len([]rune(v[:start])), len([]rune(v[:end]))
	if len(r) > width {
		from := max(0, rs-(width-(re-rs))/2)
		to := min(len(r), from+width)
		from = max(0, min(from, to-width))
		out := string(r[from:to])
		if from > 0 {
			out = "..." + out
		}
		if to < len(r) {
			out += "..."
		}
		v = out
	}
	return strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(v)
}
