package render

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// checkFastYAML fails t when fastYAML writes v differently from go-yaml; it
// reports whether fastYAML took v.
func checkFastYAML(t *testing.T, name string, v any) bool {
	t.Helper()
	want, err := yamlv2.Marshal(v)
	if err != nil {
		t.Fatalf("%s: go-yaml: %v", name, err)
	}
	got, ok := fastYAML(v)
	if ok && !bytes.Equal(got, want) {
		t.Errorf("%s: fastYAML differs from go-yaml\n--- fastYAML:\n%s--- go-yaml:\n%s", name, got, want)
	}
	return ok
}

func TestFastYAMLCases(t *testing.T) {
	long := strings.Repeat("word ", 30)
	cases := map[string]struct {
		v    any
		fast bool
	}{
		"nesting": {map[string]any{
			"a":      map[string]any{"b": "c", "empty": map[string]any{}, "el": []any{}},
			"list":   []any{"x", map[string]any{"k": "v", "k2": int64(2)}, []any{"n1", "n2"}, map[string]any{}, []any{}, nil, true},
			"nested": []any{map[string]any{"m": []any{"a", []any{map[string]any{"deep": false}}}, "z": map[string]any{"q": "r"}}},
		}, true},
		"scalars that need quotes": {map[string]any{
			"t": "true", "y": "y", "on": "ON", "nul": "null", "num": "1", "oct": "0123", "f": "1.5", "ts": "2026-11-27T09:00:00Z",
			"empty": "", "space": "a b", "colon": "x: y", "dash": "-x", "hash": "a #b", "lead": " a", "trail": "a ",
			"quote": `it's "q"`, "uni": "héllo 中", "tab": "a\tb", "ver": "v1.37.2", "ip": "10.0.0.1", "star": "*",
		}, true},
		"keys that need quotes": {map[string]any{"n": int64(1), "yes": "x", "a": int64(2)}, true},
		"key order": {map[string]any{
			"a10": 1, "a9": 2, "A": 3, "a01": 4, "a1": 5, "a100": 6, "a0": 7, "b": 8, "a-1": 9, "a.1": 10, "a/1": 11, "a_1": 12,
			"a": 13, "ab": 14, "aB": 15, "cm-00010": 16, "cm-00009": 17, "x1y2": 18, "x1y10": 19,
		}, true},
		// go-yaml's order of these depends on the order it got them in.
		"keys without one order":       {map[string]any{"x01": 1, "x10a": 2, "x1y2": 3}, false},
		"fits the width":               {map[string]any{"k": strings.Repeat("ab ", 25)}, true},
		"long with spaces":             {map[string]any{"description": long, "l": []any{long, map[string]any{"deep": []any{long}}}}, true},
		"long single-quoted":           {map[string]any{"d": strings.Repeat("key: it's ", 20), "l": []any{strings.Repeat("a: b ", 30)}}, true},
		"long double-quoted":           {map[string]any{"d": strings.Repeat("tab\there ", 20), "e": "a \n  b" + strings.Repeat(" \"q\" \\ x\u0007", 20)}, true},
		"double-quoted, a BOM":         {map[string]any{"d": "\uFEFFa\tb " + strings.Repeat("x ", 50)}, true}, // every character escaped
		"long with wide runes":         {map[string]any{"d": strings.Repeat("héllo wörld 中文 ", 12)}, true},
		"multi-line":                   {map[string]any{"script": "a\nb\n", "l": []any{"x\n\n  y", map[string]any{"k": " lead\nz"}}}, true},
		"multi-line kept":              {map[string]any{"script": "a\nb\n\n"}, false},
		"multi-line, a trailing space": {map[string]any{"script": "a \nb", "s2": "x\n" + strings.Repeat("y  z ", 30) + " \n"}, true},
		"key with a space":             {map[string]any{"a b": "c"}, false},
		"key with a digit":             {map[string]any{"1k": "c"}, false},
		"float":                        {map[string]any{"f": 1.5}, false},
		"long key":                     {map[string]any{strings.Repeat("k", 129): "v"}, false},
		"a list":                       {[]any{"a", map[string]any{"k": "v", "l": []any{"x"}}, []any{"y"}}, true},
		"a scalar":                     {"a", false},
		"empty list":                   {[]any{}, false},
		"empty map":                    {map[string]any{}, false},
		"long without space":           {map[string]any{"k": strings.Repeat("x", 500)}, true},
	}
	for name, c := range cases {
		if ok := checkFastYAML(t, name, c.v); ok != c.fast {
			t.Errorf("%s: fastYAML took it: %v, want %v", name, ok, c.fast)
		}
	}
}

// TestFastYAMLRandom compares fastYAML with go-yaml on generated objects
// built from awkward keys and values.
func TestFastYAMLRandom(t *testing.T) {
	keys := []string{"a", "b", "A", "Z", "n", "y", "on", "off", "no", "null", "True", "a1", "a01", "a001", "a10", "a100", "a9",
		"a0", "a00", "a-1", "a.b", "a/b", "a_b", "ab", "aB", "Ab", "x1y2", "x1y10", "x10y1", "x0", "x00y", "metadata", "name",
		"app.kubernetes.io/name", "z9z", "z10z", "k8s", "k08s", "k80s", "v1", "v1beta1", "v10", "v2alpha1"}
	values := []any{"", "a", "true", "y", "n", "null", "~", "1", "-1", "0x1f", "0o7", "1e3", "1.5", ".5", ".inf", "1:20",
		"2026-11-27", "2026-11-27T09:00:00Z", "a b", "a  b", " a", "a ", "a: b", "a:b", "#a", "a #b", "a#b", "-", "- a",
		"-a", "?", "? a", "!a", "&a", "*a", "|", ">", "'", `"`, "@a", "`a", "%a", "{a}", "[a]", "a,b", "é", "中文",
		"tab\there", "ctl\x01", "---", "...", "a\u2028b", "http://x/y?z=1", "10.0.0.1", "v1.2.3", strings.Repeat("ab ", 30),
		strings.Repeat("x", 90), int64(0), int64(-7), int64(1 << 40), true, false, nil,
		// multi-line and long strings, which go-yaml writes as blocks or folds
		"a\nb", "a\n\nb\n", " lead\nx", "x\n\n", "\nx", "a: b\n- c", "tab\tin\nblock", "a \nb",
		strings.Repeat("word: ", 20), strings.Repeat("it's a ", 20), strings.Repeat("é ", 50), strings.Repeat("a  b ", 20),
		strings.Repeat("x", 79) + " y z", "- " + strings.Repeat("w ", 50), strings.Repeat("a", 85) + " " + strings.Repeat("b", 85),
		strings.Repeat("q\"\\ t\t ", 15), "a \n" + strings.Repeat("  \x7f é\u00a0 ", 12), strings.Repeat("中 ", 40) + "\u2028",
		"true", strings.Repeat("a", 60) + " " + strings.Repeat("b", 10) + "  c", "x \ny"}
	rng := rand.New(rand.NewPCG(1, 2))
	var gen func(depth int) any
	gen = func(depth int) any {
		switch r := rng.IntN(10); {
		case depth < 4 && r < 3:
			m := map[string]any{}
			for range rng.IntN(5) {
				m[keys[rng.IntN(len(keys))]] = gen(depth + 1)
			}
			return m
		case depth < 4 && r < 5:
			l := []any{}
			for range rng.IntN(4) {
				l = append(l, gen(depth+1))
			}
			return l
		}
		return values[rng.IntN(len(values))]
	}
	fast := 0
	const n = 20000
	for i := range n {
		m := map[string]any{}
		for range 1 + rng.IntN(6) {
			m[keys[rng.IntN(len(keys))]] = gen(0)
		}
		var v any = m
		if i%3 == 0 {
			v = []any{m} // as the items of a List are encoded
		}
		if checkFastYAML(t, "generated object", v) {
			fast++
		}
		if t.Failed() {
			t.Fatalf("stopped after %d objects", i+1)
		}
	}
	if fast < n/4 {
		t.Errorf("fastYAML took only %d of %d generated objects", fast, n)
	}
}

// TestFastYAMLRealObjects compares fastYAML with go-yaml on every object of
// the project's test data and of the shared real-world CRDs when present.
func TestFastYAMLRealObjects(t *testing.T) {
	roots := []string{"../testdata", "../../shared/crds"}
	objects, fast := 0, 0
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			for i, doc := range strings.Split(string(data), "\n---") {
				js, err := yaml.YAMLToJSON([]byte(doc))
				if err != nil {
					continue
				}
				var v any
				if utiljson.Unmarshal(js, &v) != nil || v == nil {
					continue
				}
				if checkFastYAML(t, p+" document "+strconv.Itoa(i+1), v) {
					fast++
				}
				objects++
			}
			return nil
		})
	}
	if objects == 0 || fast == 0 {
		t.Fatalf("fastYAML took %d of %d objects under %v", fast, objects, roots)
	}
	t.Logf("fastYAML took %d of %d objects", fast, objects)
}

func BenchmarkMarshalYAML(b *testing.B) {
	obj := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "cm-00001", "namespace": "kdx-bench-00", "labels": map[string]any{"bench.kdx.example/seed": "true"}},
		"data":     map[string]any{"payload": strings.Repeat("abcdefghij", 100)},
	}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, ok := fastYAML(obj); !ok {
				b.Fatal("not taken")
			}
		}
	})
	b.Run("go-yaml", func(b *testing.B) {
		for b.Loop() {
			if _, err := yamlv2.Marshal(obj); err != nil {
				b.Fatal(err)
			}
		}
	})
}
