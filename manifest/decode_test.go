package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		name    string
		data    string
		want    []string // kind/name@source
		wantErr string
	}{
		{name: "documents, comments and empty ones", data: "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n",
			want: []string{"ConfigMap/a@f.yaml document 1 (line 4)", "Secret/b@f.yaml document 2 (line 10)"}},
		{name: "separator with a comment", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- # next\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
			want: []string{"ConfigMap/a@f.yaml document 1 (line 1)", "ConfigMap/b@f.yaml document 2 (line 5)"}},
		{name: "List and typed list", data: "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\napiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: b}\n",
			want: []string{"ConfigMap/a@f.yaml document 1 item 1 (line 1)", "ConfigMap/b@f.yaml document 2 item 1 (line 6)"}},
		{name: "JSON stream", data: "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"b\"}}",
			want: []string{"ConfigMap/a@f.yaml document 1 (line 1)", "ConfigMap/b@f.yaml document 2 (line 3)"}},
		{name: "YAML error with the line in the file", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n",
			wantErr: "f.yaml document 2 (line 8): invalid YAML: did not find expected ',' or ']'"},
		{name: "JSON error", data: "{\"apiVersion\": \"v1\",\n \"kind\": ]}", wantErr: "f.yaml document 1 (line 2): invalid JSON at column 10: invalid character ']' looking for beginning of value"},
		{name: "no kind", data: "apiVersion: v1\nmetadata: {name: a}\n", wantErr: "f.yaml document 1 (line 1): the object has no kind"},
		{name: "no apiVersion nor kind", data: "metadata: {name: a}\n", wantErr: "the object has no apiVersion and no kind"},
		{name: "a list, not an object", data: "- a\n- b\n", wantErr: "f.yaml document 1 (line 1): the document is a list, not an object"},
		{name: "bad list item", data: "apiVersion: v1\nkind: List\nitems: [3]\n", wantErr: "f.yaml document 1 item 1 (line 1): the list item is a number"},
		{name: "every error reported", data: "kind: A\n---\nkind: B\n", wantErr: "document 1 (line 1): the object has no apiVersion\nf.yaml document 2 (line 3)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := Decode("f.yaml", []byte(c.data))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range objs {
				got = append(got, o.Object.GetKind()+"/"+o.Object.GetName()+"@"+o.Source.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestDecodeKeepsIntegers(t *testing.T) {
	objs, err := Decode("f", []byte("apiVersion: v1\nkind: X\nspec: {num: 9007199254740993, f: 1.5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	spec := objs[0].Object.Object["spec"].(map[string]any)
	if spec["num"] != int64(9007199254740993) || spec["f"] != 1.5 {
		t.Errorf("numbers: %#v", spec)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	obj := func(name string) string { return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n" }
	write("b.yaml", obj("b"))
	write("a.yml", obj("a"))
	write("notes.txt", "not read")
	write("deep/er/d.yaml", obj("d"))
	write("sub/c.json", `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}`)
	cases := []struct {
		name    string
		opts    Options
		want    string
		wantErr string
	}{
		{name: "directory, lexical order", opts: Options{Filenames: []string{dir}}, want: "a b"},
		{name: "recursive", opts: Options{Filenames: []string{dir}, Recursive: true}, want: "a b d c"},
		{name: "stdin once, files in order", opts: Options{Filenames: []string{"-", filepath.Join(dir, "b.yaml"), "-"}, Stdin: strings.NewReader(obj("in"))}, want: "in b"},
		{name: "missing file", opts: Options{Filenames: []string{filepath.Join(dir, "nope.yaml")}}, wantErr: "failed to read " + filepath.Join(dir, "nope.yaml") + ": no such file or directory"},
		{name: "nothing given", opts: Options{}, wantErr: "must specify -f"},
		{name: "no objects", opts: Options{Filenames: []string{"-"}, Stdin: strings.NewReader("# nothing\n")}, wantErr: ErrNoObjects.Error()},
		{name: "only subdirectories", opts: Options{Filenames: []string{filepath.Join(dir, "sub", "..", "deep")}}, wantErr: "has no .json, .yaml, .yml files; its subdirectories are read only with -R (--recursive)"},
		{name: "only subdirectories, -R", opts: Options{Filenames: []string{filepath.Join(dir, "deep")}, Recursive: true}, want: "d"},
		{name: "empty directory", opts: Options{Filenames: []string{filepath.Join(dir, "sub", "..", "sub", "empty")}}, wantErr: "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := Read(t.Context(), c.opts)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range objs {
				names = append(names, o.Object.GetName())
			}
			if got := strings.Join(names, " "); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if _, err := Read(t.Context(), Options{Filenames: []string{"-"}, Stdin: strings.NewReader("")}); !errors.Is(err, ErrNoObjects) {
		t.Errorf("empty stdin: %v, want ErrNoObjects", err)
	}
}

func TestDuplicateFields(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "dup.yaml")
	data := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: one\n  k: two\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(d Duplicates) ([]Object, []error, error) {
		var warnings []error
		objs, err := Read(t.Context(), Options{Filenames: []string{file}, Duplicates: d, Warn: func(err error) { warnings = append(warnings, err) }})
		return objs, warnings, err
	}
	want := file + ` document 2 (line 12): duplicate field "k"`

	if _, _, err := read(DuplicatesRefuse); err == nil || err.Error() != want {
		t.Errorf("refuse: got %v, want %q", err, want)
	}
	objs, warnings, err := read(DuplicatesWarn)
	if err != nil || len(objs) != 2 || len(warnings) != 1 || warnings[0].Error() != want+" (the last value is used)" {
		t.Errorf("warn: %d objects, warnings %v, error %v", len(objs), warnings, err)
	}
	objs, warnings, err = read(DuplicatesIgnore)
	if err != nil || len(objs) != 2 || len(warnings) != 0 {
		t.Fatalf("ignore: %d objects, warnings %v, error %v", len(objs), warnings, err)
	}
	if v, _, _ := unstructured.NestedString(objs[1].Object.Object, "data", "k"); v != "two" {
		t.Errorf("the last value should win, got %q", v)
	}
	// A key overriding one a merge key brings in is not a duplicate.
	merge := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\ndata:\n  base: &base\n    k: one\n  x:\n    <<: *base\n    k: two\n"
	if err := os.WriteFile(file, []byte(merge), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, warnings, err := read(DuplicatesRefuse); err != nil || len(warnings) != 0 {
		t.Errorf("merge key override: warnings %v, error %v", warnings, err)
	}
	// A syntax error stays a syntax error when duplicates are looked for.
	if err := os.WriteFile(file, []byte("apiVersion: v1\nkind: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := read(DuplicatesRefuse); err == nil || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("syntax error: got %v", err)
	}
}
