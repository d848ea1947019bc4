package explain

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
)

func foundPaths(fs []Found) string {
	var out []string
	for _, f := range fs {
		out = append(out, KindName(f.GVK)+" "+f.Path+" "+f.Type)
	}
	return strings.Join(out, "\n")
}

func TestFindIn(t *testing.T) {
	doc := widgets(t)
	cases := []struct {
		pattern      string
		descriptions bool
		want         string
	}{
		// A name matches in any case, every field of that name, through
		// references, arrays and maps; a type that contains itself stops
		// where it repeats.
		{"NAME", false, "Widget.example.io metadata.name string\nWidget.example.io spec.name string\nWidget.example.io spec.parts[*].name string"},
		{"weight", false, "Widget.example.io spec.parts[*].weight number"},
		{"*parts", false, "Widget.example.io spec.parts []Part\nWidget.example.io spec.parts[*].subparts []Part"},
		{"^(size|mode)$", false, "Widget.example.io spec.mode string\nWidget.example.io spec.size integer"},
		{"grams", false, ""},
		{"grams", true, "Widget.example.io spec.parts[*].weight number"},
		{"free-form", true, "Widget.example.io spec.config Object"},
	}
	for _, tc := range cases {
		p, err := NewPattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := foundPaths(doc.FindIn(widgetGVK, p, tc.descriptions)); got != tc.want {
			t.Errorf("find %q (descriptions %v):\n%s\nwant:\n%s", tc.pattern, tc.descriptions, got, tc.want)
		}
	}
}

func TestNewPatternErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":    "--find needs a pattern: a field name, a glob or a Go regexp",
		"(a":  "invalid --find pattern \"(a\": error parsing regexp: missing closing ): `(a`",
		"[a*": "invalid --find glob \"[a*\": syntax error in pattern",
	} {
		if _, err := NewPattern(in); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

// TestFindFailures: a group-version whose document fails is reported and
// the others are searched; a server without /openapi/v3 is the error.
func TestFindFailures(t *testing.T) {
	f, srv := newFake(t)
	c := clientOf(t, srv, t.TempDir(), nil)
	p, _ := NewPattern("size")
	rep := query.NewReport("read the OpenAPI document of", "group-version")
	gvks := []schema.GroupVersionKind{
		{Group: "down.io", Version: "v1", Kind: "Down"},
		widgetGVK,
		{Group: "none.io", Version: "v1", Kind: "None"},
	}
	found, err := c.Find(context.Background(), gvks, p, false, 2, rep)
	if err != nil {
		t.Fatal(err)
	}
	if got := foundPaths(found); got != "Widget.example.io spec.size integer" {
		t.Errorf("found %q", got)
	}
	var b bytes.Buffer
	rep.Write(&b)
	want := "error: could not read the OpenAPI document of 1 group-version (API unavailable: failed to get /openapi/v3/apis/down.io/v1: the server is currently unable to handle the request): down.io/v1\n" +
		"error: could not read the OpenAPI document of 1 group-version (failed: no OpenAPI v3 document for none.io/v1: the server lists none at /openapi/v3): none.io/v1\n"
	if b.String() != want || rep.Err() == nil {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), want)
	}
	f.status = 404
	if _, err := clientOf(t, srv, "", nil).Find(context.Background(), gvks, p, false, 2, query.NewReport("read", "group-version")); err == nil {
		t.Error("no error without /openapi/v3")
	}
}

func TestDiff(t *testing.T) {
	doc := widgets(t)
	_, kind, _ := doc.Kind(widgetGVK)
	old := doc.Fields(kind)
	// The next version: size no longer required, with another maximum;
	// color gone; a new field.
	raw, _ := os.ReadFile("testdata/widgets_v1.json")
	next := strings.Replace(string(raw), `"required": ["size"],`, `"required": [],`, 1)
	next = strings.Replace(next, `"maximum": 10}`, `"maximum": 20}`, 1)
	next = strings.Replace(next, `"color": {"type": "string", "enum": ["red", "green", "blue", "cyan", "magenta"]},`, `"shade": {"type": "integer"},`, 1)
	doc2, err := ParseDocument("example.io/v2", []byte(next))
	if err != nil {
		t.Fatal(err)
	}
	_, kind2, _ := doc2.Kind(widgetGVK)
	var b bytes.Buffer
	if err := WriteDiff(&b, "v1", "v2", Diff(old, doc2.Fields(kind2))); err != nil {
		t.Fatal(err)
	}
	want := "--- v1\n+++ v2\n" +
		"- spec.color <string>\n" +
		"~ spec.size: required: yes -> no\n" +
		"~ spec.size: validation: format: int32; minimum: 1; maximum: 10 -> format: int32; minimum: 1; maximum: 20\n" +
		"+ spec.shade <integer>\n"
	if b.String() != want {
		t.Errorf("diff:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := Diff(old, old); len(got) != 0 {
		t.Errorf("diff of a version with itself: %v", got)
	}
}

func TestSkeleton(t *testing.T) {
	doc := widgets(t)
	_, kind, _ := doc.Kind(widgetGVK)
	var b bytes.Buffer
	if err := doc.Skeleton(&b, widgetGVK, kind, false); err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: example.io/v1
kind: Widget
metadata:
  # The object's name: give one.
  name: ""
# Spec of the widget.
spec:
  # Size of the widget.
  size: 3
`
	if b.String() != want {
		t.Errorf("skeleton:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := doc.Skeleton(&b, widgetGVK, kind, true); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"  color: \"red\"\n",
		"  # Free-form configuration.\n  config: {}\n",
		"  # Documented.\n  docs: \"\"\n",
		"  # Mode.\n  mode: \"Fast\"\n",
		"  # Parts of the widget.\n  parts:\n    -\n      name: \"\"\n",
		"      name: \"\"\n      # Parts of this part.\n      subparts:\n        - {}\n",
		"  # Port by number or name.\n  port: 0\n",
		"  # Timeout.\n  timeout: \"0s\"\n",
	} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("skeleton --all: no %q in:\n%s", w, b.String())
		}
	}
}

func TestFieldType(t *testing.T) {
	doc := widgets(t)
	_, kind, _ := doc.Kind(widgetGVK)
	for path, want := range map[string]string{
		"spec.size":          "integer",
		"spec.mode":          "string",
		"spec.port":          "", // int-or-string: either
		"spec.timeout":       "string",
		"spec":               "object",
		"spec.parts":         "array",
		"metadata.name":      "string",
		"spec.nope":          "",
		"spec.labels.anyKey": "",
	} {
		if got := doc.FieldType(kind, strings.Split(path, ".")); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	_, srv := newFake(t)
	c := clientOf(t, srv, "", nil)
	targets := []discovery.Target{{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Group: "example.io", Version: "v1", Resource: "widgets"}, GVK: widgetGVK}},
		{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Group: "none.io", Version: "v1", Resource: "nones"}, GVK: schema.GroupVersionKind{Group: "none.io", Version: "v1", Kind: "None"}}}}
	schemas, err := c.WhereSchemas(context.Background(), targets)
	if err != nil || len(schemas) != 1 || schemas["widgets.example.io"] == nil || schemas["widgets.example.io"]([]string{"spec", "size"}) != "integer" {
		t.Errorf("WhereSchemas: %v %v", schemas, err)
	}
}
