package manifest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// standardDecode is the decoding fromYAML replaces, kubectl's: YAML to JSON
// with sigs.k8s.io/yaml, then JSON to values with utiljson.
func standardDecode(data []byte) (any, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	var v any
	if err := utiljson.Unmarshal(js, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// newDecode is fromYAML's decoding.
func newDecode(data []byte) (any, error) {
	var y any
	if err := yamlv2.Unmarshal(data, &y); err != nil {
		return nil, err
	}
	return fromYAML(y)
}

// edgeValues is a document of the values the direct conversion treats
// apart.
const edgeValues = `
ints: [0, -1, 9007199254740993, 9223372036854775807, -9223372036854775808, 0x1F, 0o17, 017, 1_000]
bigInts: [9223372036854775808, 18446744073709551615, 18446744073709551616, -9223372036854775809]
floats: [1.0, 1.5, -0.0, 1e21, 1e20, 1e-7, 6.02e23, .5, 1., 0.1, 3.14159265358979323846]
specials: [.inf, -.inf, "1e400"]
bools: [true, false, yes, no, on, off, y, n, True, FALSE]
nulls: [null, ~, Null, ""]
times: [2001-12-14t21:59:43.10-05:00, 2002-12-14, "2002-12-14", !!timestamp 2001-12-14]
strings: ["\u00e9", "\x41", "<&>", "\u2028", "tab\there", 'single', |
    block
    text
  , >
    folded
    text
  ]
binary: !!binary aGVsbG8=
keys: {1: int, -2: neg, 1.5: float, true: bool, 2001-12-14: date, "quoted": str, 0x10: hex}
anchors: {base: &b {a: 1, b: [x, y]}, ref: *b, merged: {<<: *b, c: 3}}
nested: [[[{a: [{b: {c: [1, {d: e}]}}]}]]]
empty: {map: {}, list: [], str: ''}
`

// TestFromYAMLMatchesStandard compares the new decoding with the standard
// one on the manifests of the repository and on unusual values.
func TestFromYAMLMatchesStandard(t *testing.T) {
	docs := map[string][]byte{"edge values": []byte(edgeValues)}
	files, _ := filepath.Glob("../testdata/*/*.yaml")
	more, _ := filepath.Glob("../testdata/*/*/*.yaml")
	files = append(files, more...)
	if len(files) < 5 {
		t.Fatalf("found %d manifests under ../testdata", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := newDocuments(bytes.NewReader(data), MaxDocumentBytes, nil)
		for i := 1; ; i++ {
			doc, err := d.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			docs[fmt.Sprintf("%s document %d", f, i)] = doc.data
		}
	}
	for name, data := range docs {
		compareDecodings(t, name, data)
	}
	for _, bad := range []string{"a: .inf\n", "? [a, b]\n: c\n", "~: null key\n", "a: [b\n"} {
		compareDecodings(t, bad, []byte(bad))
	}
}

func compareDecodings(t *testing.T, name string, data []byte) {
	t.Helper()
	want, wantErr := standardDecode(data)
	got, gotErr := newDecode(data)
	switch {
	case (wantErr == nil) != (gotErr == nil):
		t.Errorf("%s: error %v, the standard decoding's %v", name, gotErr, wantErr)
	case !reflect.DeepEqual(got, want):
		t.Errorf("%s: decoded\n%#v\nthe standard decoding\n%#v", name, got, want)
	}
}

// FuzzFromYAML compares the new decoding with the standard one on any
// document that decodes the same way twice (a map whose keys collide once
// made strings, 1 and "1", decodes at random in the standard decoding).
func FuzzFromYAML(f *testing.F) {
	f.Add([]byte(edgeValues))
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: \"\\xff\\xfe\"\n"))
	f.Add([]byte("a: !!float 1\nb: !!int 3\nc: !!str 4\n\"\\xff\": 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		first, err1 := standardDecode(data)
		second, err2 := standardDecode(data)
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(first, second) {
			return
		}
		compareDecodings(t, "fuzzed", data)
	})
}
