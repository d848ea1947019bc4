package explain

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/internal/golden"
)

var widgetGVK = schema.GroupVersionKind{Group: "example.io", Version: "v1", Kind: "Widget"}

func widgets(t *testing.T) *Document {
	t.Helper()
	raw, err := os.ReadFile("testdata/widgets_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument("example.io/v1", raw)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func explainText(t *testing.T, doc *Document, path string, opts Options) (string, error) {
	t.Helper()
	steps, err := ParsePath(path)
	if err != nil {
		t.Fatal(err)
	}
	_, kind, ok := doc.Kind(widgetGVK)
	if !ok {
		t.Fatal("no Widget in the document")
	}
	n, err := doc.Walk(kind, steps)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := doc.Print(&b, widgetGVK, n, opts); err != nil {
		t.Fatal(err)
	}
	return b.String(), nil
}

// TestPrintGolden compares the text of paths of the Widget document with
// golden files: kubectl's lines (its words, indentation, wrapping, enums,
// -required-, the two blank lines after FIELD) and kdx's "+ " lines.
func TestPrintGolden(t *testing.T) {
	doc := widgets(t)
	cases := []struct {
		name, path string
		opts       Options
	}{
		{"kind", "", Options{}},
		{"kind-plain", "", Options{NoExtras: true}},
		{"spec", "spec", Options{}},
		{"mode", "spec.mode", Options{}},
		{"port", "spec.port", Options{}},
		{"name", "spec.name", Options{}},
		{"parts", "spec.parts", Options{}},
		{"parts-element", "spec.parts[0]", Options{}},
		{"through-array", "spec.parts.subparts.weight", Options{}},
		{"labels-value", "spec.labels", Options{}},
		{"recursive", "spec", Options{Recursive: true}},
		{"recursive-depth", "", Options{Recursive: true, MaxDepth: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := explainText(t, doc, tc.path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tc.name+".txt"), []byte(got))
		})
	}
}

// TestExtrasAreSeparateLines checks that kdx's lines only add lines: the
// text without them is the text with them less the "+ " lines.
func TestExtrasAreSeparateLines(t *testing.T) {
	doc := widgets(t)
	for _, p := range []string{"", "spec", "spec.mode", "spec.name", "spec.parts", "spec.port"} {
		with, _ := explainText(t, doc, p, Options{})
		without, _ := explainText(t, doc, p, Options{NoExtras: true})
		var kept []string
		for _, l := range strings.Split(with, "\n") {
			if !strings.HasPrefix(strings.TrimLeft(l, " "), "+ ") {
				kept = append(kept, l)
			}
		}
		if got := strings.Join(kept, "\n"); got != without {
			t.Errorf("%q: without kdx's lines:\n%s\nwant kubectl's text:\n%s", p, got, without)
		}
		if with == without {
			t.Errorf("%q: no kdx line", p)
		}
	}
}

func TestFacts(t *testing.T) {
	doc := widgets(t)
	_, kind, _ := doc.Kind(widgetGVK)
	cases := map[string][]string{
		"":                  {"rule: self.metadata.name.size() < 20 (message: short names only)"},
		"spec.size":         {"default: 3", "format: int32", "minimum: 1", "maximum: 10"},
		"spec.mode":         {`default: "Fast"`},
		"spec.port":         {"type: int | string"},
		"spec.config":       {"accepts any fields"},
		"spec.name":         {"pattern: ^[a-z]+$", "min length: 1", "max length: 63", "immutable: self == oldSelf (message: name is immutable)"},
		"spec.parts":        {"max items: 5", "list type: map, keys: name"},
		"spec.timeout":      {`example: "30s"`, "format: duration"},
		"spec.parts.weight": {"nullable"},
		"spec":              nil, // its default is {}: not said
	}
	for p, want := range cases {
		steps, _ := ParsePath(p)
		n, err := doc.Walk(kind, steps)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got := doc.Facts(n.Schema)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: facts %q, want %q", p, got, want)
		}
	}
}

func TestWalkErrors(t *testing.T) {
	doc := widgets(t)
	_, kind, _ := doc.Kind(widgetGVK)
	cases := map[string]string{
		"spec.nope":            `field "nope" does not exist`,
		"spec.size[0]":         "spec.size is not an array: [0] does not apply",
		"[0]":                  "the type is not an array: [0] does not apply",
		"spec.parts[*].nope":   `field "nope" does not exist`,
		"metadata.name.length": `field "length" does not exist`,
	}
	for p, want := range cases {
		steps, err := ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := doc.Walk(kind, steps); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", p, err, want)
		}
	}
	// A quoted step is a field name, and a map's values are walked into.
	steps, _ := ParsePath("metadata.annotations['a.b/c']")
	if _, err := doc.Walk(kind, steps); err == nil {
		t.Errorf("a key of a string map is not a field")
	}
}

func TestParsePath(t *testing.T) {
	cases := map[string]string{
		"spec.containers[0].image":  "spec|containers|[0]|image",
		".spec.containers[*].image": "spec|containers|[*]|image",
		"metadata.labels['a.b/c']":  "metadata|labels|['a.b/c']",
		`metadata.labels["x"].y`:    "metadata|labels|x|y",
		"spec.parts[0][1]":          "spec|parts|[0]|[1]",
		"":                          "",
	}
	for in, want := range cases {
		steps, err := ParsePath(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		var got []string
		for _, s := range steps {
			got = append(got, s.String())
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%q: %q, want %q", in, strings.Join(got, "|"), want)
		}
	}
	for in, want := range map[string]string{
		"spec..x":  "an empty field name",
		"spec.":    "an empty field name",
		"spec[":    "a '[' without its ']'",
		"spec[x]":  "[x] is neither an index, [*] nor a quoted name",
		"spec[-1]": "[-1] is neither an index, [*] nor a quoted name",
		"spec['a]": "a quoted name without its closing ']",
		"spec[0].": "an empty field name",
	} {
		if _, err := ParsePath(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
	if got := PathString([]Step{{Field: "spec"}, {Index: "*"}, {Field: "a.b"}}); got != "spec[*]['a.b']" {
		t.Errorf("PathString: %q", got)
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"aaa bbb ccc", 7, "aaa bbb\nccc"},
		{"aaa bbb ccc", 8, "aaa bbb\nccc"},
		{"aaa  bbb", 4, "aaa\nbbb"},
		// a word as long as the width, or longer, is not broken
		{"a bbbbbbbbbb c", 5, "a\nbbbbbbbbbb\nc"},
		{"aaaaa", 5, "aaaaa"},
		{"aaaaaa b", 5, "aaaaaa\nb"},
		// newlines are kept; trailing blanks kept unless they cross
		{"a\n\nb ", 5, "a\n\nb "},
		{"abcd    ", 5, "abcd"},
		{"  indented text", 10, "  indented\ntext"},
		{"tab\there", 20, "tab\there"},
		{"no\u00a0break here", 8, "no\u00a0break\nhere"},
		{"", 76, ""},
	}
	for _, tc := range cases {
		if got := wrap(tc.in, tc.width); got != tc.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
	if got := indent("a\nb\n", 2); got != "  a\n  b\n  " {
		t.Errorf("indent: %q", got)
	}
}

func TestTypeWord(t *testing.T) {
	doc := widgets(t)
	_, kind, _ := doc.Kind(widgetGVK)
	cases := map[string]string{
		"spec":          "WidgetSpec",
		"spec.parts":    "[]Part",
		"spec.labels":   "map[string]string",
		"spec.port":     "Object",
		"spec.config":   "Object",
		"spec.timeout":  "string",
		"spec.size":     "integer",
		"spec.parts[0]": "Part",
	}
	for p, want := range cases {
		steps, _ := ParsePath(p)
		n, err := doc.Walk(kind, steps)
		if err != nil {
			t.Fatal(err)
		}
		if got := doc.TypeWord(n.Schema); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
}
