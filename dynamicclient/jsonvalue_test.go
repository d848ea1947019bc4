package dynamicclient

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// parseValue reads data, one JSON value, with a valueParser.
func parseValue(data []byte) (any, bool) {
	p := valueParser{data: data, keys: map[string]string{}}
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	p.skipSpace()
	return v, p.pos == len(p.data)
}

// jsonValues are inputs the parser must read as the standard decoding does
// (want ok), or leave to it (want !ok).
var jsonValues = []struct {
	in string
	ok bool
}{
	{`{}`, true}, {`[]`, true}, {` {"a" : [1, -2, 3.5, -0, 0.0, 1e3, 1E-2, 2e+2] } `, true},
	{`9223372036854775807`, true}, {`-9223372036854775808`, true}, {`9223372036854775808`, true}, {`123456789012345678901234567890`, true},
	{`"plain"`, true}, {`"\"\\\/\b\f\n\r\t"`, true}, {`"\u00e9\u4E2D\ud83d\ude00"`, true},
	{`"lone \ud83d surrogate"`, true}, {`"\ud83d\u0041 high then letter"`, true}, {`"\udc00 low alone"`, true},
	{"\"bad utf-8 \xff\xfe end\"", true}, {"\"é 中 😀\"", true}, {"\"\xef\xbf\xbd replacement\"", true},
	{`{"k":{"k":{"k":[null,true,false,{}]}}}`, true}, {`{"":""}`, true}, {`[[[]]]`, true},
	{`{"a":1,"a":2}`, false}, {`[1,]`, false}, {`{"a":1,}`, false}, {`01`, false}, {`-`, false}, {`1.`, false}, {`1e`, false},
	{`.5`, false}, {`+1`, false}, {`"\x"`, false}, {`"\u12"`, false}, {"\"tab\tin\"", false}, {`"open`, false}, {`{"a"}`, false},
	{`{"a":1} x`, false}, {`tru`, false}, {`nul`, false}, {``, false}, {` `, false}, {`1e400`, false}, {`{a:1}`, false},
	{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), false},
}

func TestValueParserMatchesStandard(t *testing.T) {
	for _, tt := range jsonValues {
		got, ok := parseValue([]byte(tt.in))
		if ok != tt.ok {
			t.Errorf("parseValue(%.40q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
		if err := compareValue([]byte(tt.in)); err != "" {
			t.Errorf("parseValue(%.40q) = %#v: %s", tt.in, got, err)
		}
	}
}

// FuzzValueParser: whatever the parser reads, the standard decoding reads
// the same.
func FuzzValueParser(f *testing.F) {
	for _, tt := range jsonValues {
		f.Add([]byte(tt.in))
	}
	for _, body := range tableBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := compareValue(data); err != "" {
			t.Errorf("%q: %s", data, err)
		}
	})
}

// compareValue says how the parser and the standard decoding differ on
// data, where the parser reads it.
func compareValue(data []byte) string {
	got, ok := parseValue(data)
	var want any
	err := utiljson.Unmarshal(data, &want)
	switch {
	case !ok:
		return ""
	case err != nil:
		return "read, where the standard decoding fails: " + err.Error()
	case !reflect.DeepEqual(got, want):
		return fmt.Sprintf("differs from the standard decoding's %#v", want)
	}
	p := valueParser{data: data}
	skipped := p.skip()
	p.skipSpace()
	if !skipped || p.pos != len(data) {
		return "read, but skip does not pass over it"
	}
	return ""
}
