package export

import (
	"strings"
	"testing"
)

// TestMaskSecrets masks the values of a Secret's files, YAML or JSON, on
// both sides of a diff, and leaves the files of other kinds alone.
func TestMaskSecrets(t *testing.T) {
	secret := func(password string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "db", "namespace": "shop"},
			"data": map[string]any{"password": password, "user": "YWRtaW4="}, "type": "Opaque"}
	}
	json := func(obj map[string]any) ([]byte, error) { return encodeJSON(obj, "") }
	for _, enc := range []struct {
		name   string
		ext    string
		encode func(map[string]any) ([]byte, error)
		want   []string
	}{
		{"yaml", "yaml", encodeYAML, []string{"  password: '*** (before)'\n", "  password: '*** (after)'\n", "  user: '***'\n"}},
		{"json", "json", json, []string{`"password": "*** (before)"`, `"password": "*** (after)"`, `"user": "***"`}},
	} {
		t.Run(enc.name, func(t *testing.T) {
			rel := RelPath("shop", "", "Secret", "db", enc.ext)
			old, _ := enc.encode(secret("aHVudGVyMg=="))
			new, _ := enc.encode(secret("Y29ycmVjdC1ob3JzZQ=="))
			mo, mn, err := MaskSecrets(rel, old, new)
			if err != nil {
				t.Fatal(err)
			}
			both := string(mo) + string(mn)
			for _, w := range enc.want {
				if !strings.Contains(both, w) {
					t.Errorf("no %q in:\n%s", w, both)
				}
			}
			if strings.Contains(both, "aHVudGVy") || strings.Contains(both, "Y29ycmVjdC") || strings.Contains(both, "YWRtaW4") || !strings.Contains(both, "Opaque") {
				t.Errorf("a value is shown, or more than the values masked:\n%s", both)
			}
			// A Secret only in the cluster, or only in the tree.
			if _, mn, _ := MaskSecrets(rel, nil, new); strings.Contains(string(mn), "Y29ycmVjdC") || !strings.Contains(string(mn), "***") {
				t.Errorf("new Secret not masked:\n%s", mn)
			}
			if mo, _, _ := MaskSecrets(rel, old, nil); strings.Contains(string(mo), "aHVudGVy") {
				t.Errorf("gone Secret not masked:\n%s", mo)
			}
		})
	}
	cm := []byte("apiVersion: v1\nkind: ConfigMap\ndata: {password: hunter2}\n")
	if o, n, err := MaskSecrets(RelPath("shop", "", "ConfigMap", "c", "yaml"), cm, cm); err != nil || string(o) != string(cm) || string(n) != string(cm) {
		t.Errorf("a ConfigMap was changed: %q %q %v", o, n, err)
	}
}
