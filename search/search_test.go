package search

import (
	"encoding/base64"
	"strings"
	"testing"
)

func object() map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata": map[string]any{
			"name":          "web",
			"labels":        map[string]any{"app.kubernetes.io/name": "web"},
			"managedFields": []any{map[string]any{"manager": "registry.example.com"}},
		},
		"spec": map[string]any{
			"replicas": int64(3),
			"template": map[string]any{"spec": map[string]any{
				"containers": []any{
					map[string]any{"name": "app", "image": "registry.example.com/web:1.2"},
					map[string]any{"name": "side", "image": "docker.io/envoy"},
				},
			}},
		},
	}
}

func find(t *testing.T, o Options, obj map[string]any, secret bool) []string {
	t.Helper()
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	m.Object(obj, secret, func(mt Match) {
		s := mt.Path + "=" + mt.Value[mt.Start:mt.End]
		if mt.Key {
			s = "key:" + s
		}
		if mt.Decoded {
			s = "decoded:" + s
		}
		got = append(got, s)
	})
	return got
}

func TestMatcher(t *testing.T) {
	secret := map[string]any{"kind": "Secret", "data": map[string]any{"password": base64.StdEncoding.EncodeToString([]byte("hunter2"))}}
	binary := map[string]any{"kind": "Secret", "data": map[string]any{"blob": base64.StdEncoding.EncodeToString([]byte("\x00k\xff\xfe\x01"))}}
	tests := []struct {
		name   string
		opts   Options
		obj    map[string]any
		secret bool
		want   string
	}{
		{"regex value, managed fields left out", Options{Pattern: `registry\.example\.com/`}, object(), false, "spec.template.spec.containers[0].image=registry.example.com/"},
		{"fixed string", Options{Pattern: "registry.example.com/", Fixed: true}, object(), false, "spec.template.spec.containers[0].image=registry.example.com/"},
		{"fixed string is not a regex", Options{Pattern: "registry.example.com/w.b", Fixed: true}, object(), false, ""},
		{"ignore case", Options{Pattern: "ENVOY", IgnoreCase: true}, object(), false, "spec.template.spec.containers[1].image=envoy"},
		{"keys only", Options{Pattern: "^replicas$", Keys: true}, object(), false, "key:spec.replicas=replicas"},
		{"values only skip keys", Options{Pattern: "^replicas$", Values: true}, object(), false, ""},
		{"numbers are text", Options{Pattern: "^3$"}, object(), false, "spec.replicas=3"},
		{"quoted key", Options{Pattern: "kubernetes.io/name", Keys: true}, object(), false, `key:metadata.labels["app.kubernetes.io/name"]=kubernetes.io/name`},
		{"secret data decoded", Options{Pattern: "hunter"}, secret, true, "decoded:data.password=hunter"},
		{"not a secret: not decoded", Options{Pattern: "hunter"}, secret, false, ""},
		{"fixed bytes that are not UTF-8", Options{Pattern: "\xff\xfe", Fixed: true}, binary, true, "decoded:data.blob=\xff\xfe"},
		{"fixed bytes that are not UTF-8, ignoring ASCII case", Options{Pattern: "K\xff", Fixed: true, IgnoreCase: true}, binary, true, "decoded:data.blob=k\xff"},
		{"fixed string, ignoring case", Options{Pattern: "ENVOY", Fixed: true, IgnoreCase: true}, object(), false, "spec.template.spec.containers[1].image=envoy"},
		{"fixed string, ignoring case beyond ASCII", Options{Pattern: "ÉTÉ", Fixed: true, IgnoreCase: true}, map[string]any{"a": "un été"}, false, "a=été"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(find(t, tt.opts, tt.obj, tt.secret), " ")
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInvalidPattern(t *testing.T) {
	_, err := New(Options{Pattern: "a("})
	if err == nil || !strings.Contains(err.Error(), `invalid pattern "a("`) {
		t.Errorf("err = %v", err)
	}
	// A regular expression is UTF-8; a fixed string (-F) is any bytes.
	_, err = New(Options{Pattern: "\xff"})
	if err == nil || !strings.Contains(err.Error(), `invalid pattern "\xff"`) || !strings.Contains(err.Error(), "-F") {
		t.Errorf("err = %v, want the pattern refused with the advice of -F", err)
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("a", 100) + "NEEDLE" + strings.Repeat("b", 100)
	tests := []struct {
		value string
		width int
		want  string
	}{
		{"short NEEDLE here", 80, "short NEEDLE here"},
		{"line one\nwith NEEDLE\tin it\nline three", 80, `with NEEDLE\tin it`},
		{long, 26, "..." + strings.Repeat("a", 10) + "NEEDLE" + strings.Repeat("b", 10) + "..."},
	}
	for _, tt := range tests {
		i := strings.Index(tt.value, "NEEDLE")
		got := Snippet(Match{Value: tt.value, Start: i, End: i + 6}, tt.width)
		if got != tt.want {
			t.Errorf("Snippet(%q, %d) = %q, want %q", tt.value, tt.width, got, tt.want)
		}
	}
}
