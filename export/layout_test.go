package export

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"dns name stays", "web-1.example", "web-1.example"},
		{"colon escaped", "system:aggregate-to-admin", "system%3Aaggregate-to-admin"},
		{"upper case escaped", "MyConfig", "%4Dy%43onfig"},
		{"leading dot", ".hidden", "%2Ehidden"},
		{"trailing dot", "a.", "a%2E"},
		{"dot dot", "..", "%2E%2E"},
		{"slash and backslash", `a/b\c`, "a%2Fb%5Cc"},
		{"percent escaped", "100%", "100%25"},
		{"tilde escaped", "a~b", "a%7Eb"},
		{"windows reserved", "con", "%63on"},
		{"windows reserved with extension", "nul.txt", "%6Eul.txt"},
		{"windows reserved com port", "com1", "%63om1"},
		{"not reserved", "console", "console"},
		{"empty", "", "%"},
		{"nul", "\x00", "%00"},
		{"leading dash", "-rf", "%2Drf"},
		{"leading dashes", "--help", "%2D-help"},
		{"inner and trailing dash", "a-b-", "a-b-"},
		{"unicode", "é", "%C3%A9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SafeName(tc.in); got != tc.want {
				t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct{ name, ns, group, kind, obj, want string }{
		{"namespaced core", "shop", "", "ConfigMap", "web", "shop/core/ConfigMap/web.yaml"},
		{"namespaced group", "shop", "apps", "Deployment", "web", "shop/apps/Deployment/web.yaml"},
		{"cluster scoped", "", "rbac.authorization.k8s.io", "ClusterRole", "a:b", "_cluster/rbac.authorization.k8s.io/ClusterRole/a%3Ab.yaml"},
		{"name like a flag", "shop", "", "ConfigMap", "-rf", "shop/core/ConfigMap/%2Drf.yaml"},
		{"namespace named as the cluster directory", "_cluster", "", "ConfigMap", "a", "%5Fcluster/core/ConfigMap/a.yaml"},
		{"group named as the core directory", "shop", "core", "ConfigMap", "a", "shop/%63ore/ConfigMap/a.yaml"},
		{"kind not an identifier", "shop", "x.io", "../x", "a", "shop/x.io/%2E.%2Fx/a.yaml"},
		{"kind reserved on windows", "shop", "x.io", "Con", "a", "shop/x.io/%43on/a.yaml"},
		{"empty kind", "shop", "x.io", "", "a", "shop/x.io/%/a.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RelPath(tc.ns, tc.group, tc.kind, tc.obj, "yaml"); got != filepath.FromSlash(tc.want) {
				t.Errorf("RelPath = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSafeFileNameLong(t *testing.T) {
	long := strings.Repeat("A", 253)
	a, b := SafeFileName(long, "yaml"), SafeFileName(long[:252]+"B", "yaml")
	if len(a) > maxFileName || len(b) > maxFileName {
		t.Fatalf("too long: %d, %d", len(a), len(b))
	}
	if a == b {
		t.Errorf("two long names map to the same file %q", a)
	}
	if !strings.HasSuffix(a, ".yaml") || strings.Contains(a[len(a)-30:], "%4~") {
		t.Errorf("bad shortened name %q", a)
	}
}

func TestParseRelPath(t *testing.T) {
	good := []FileKey{
		{Namespace: "shop", Kind: "ConfigMap", Name: "web", Ext: "yaml"},
		{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "system:admin", Ext: "json"},
		{Namespace: "_cluster", Group: "core", Kind: "Con", Name: "-rf", Ext: "yaml"},
		{Namespace: "a", Group: "b", Kind: "", Name: "", Ext: "yaml"},
	}
	for _, k := range good {
		rel := RelPath(k.Namespace, k.Group, k.Kind, k.Name, k.Ext)
		if got, ok := ParseRelPath(rel); !ok || got != k {
			t.Errorf("ParseRelPath(%q) = %+v, %v, want %+v", rel, got, ok, k)
		}
	}
	for _, rel := range []string{
		"shop/core/ConfigMap/web",             // no extension
		"shop/core/ConfigMap/Web.yaml",        // upper case is escaped
		"shop/core/ConfigMap/%2drf.yaml",      // lower-case escape
		"shop/core/ConfigMap/%77eb.yaml",      // needless escape
		"shop/core/ConfigMap/-rf.yaml",        // unescaped dash
		"shop/core/con/a.yaml",                // reserved kind
		"shop/core/ConfigMap/a%.yaml",         // cut escape
		"shop/%63ore/ConfigMap/a.yaml/x.yaml", // five names
		"shop/ConfigMap/a.yaml",               // three names
		"../core/ConfigMap/a.yaml",
		"shop/core/ConfigMap/" + SafeFileName(strings.Repeat("a", 300), "yaml"), // shortened
	} {
		if got, ok := ParseRelPath(filepath.FromSlash(rel)); ok {
			t.Errorf("ParseRelPath(%q) = %+v, want not a path RelPath gives", rel, got)
		}
	}
}

// FuzzRelPath checks the layout of an export tree against hostile names,
// kinds, groups and namespaces (a server can send any string): the path of
// an object never leaves the export directory nor reads as an option or a
// hidden file, two distinct objects never share a file (not even on a
// case-insensitive file system, but for kinds that differ only in case),
// and the path reads back as the object (unless a name was too long and
// was shortened with a hash). The seed corpus runs as a normal test.
func FuzzRelPath(f *testing.F) {
	seeds := [][8]string{
		{"shop", "", "ConfigMap", "web", "shop", "", "ConfigMap", "web2"},
		{"", "", "Namespace", "shop", "shop", "", "Namespace", "shop"},
		{"..", "..", "..", "..", ".", ".", ".", "."},
		{"../../etc", "/", "a/b", "../../../../etc/passwd", `..\..`, `\`, `a\b`, `C:\x`},
		{"_cluster", "core", "ConfigMap", "a", "", "", "ConfigMap", "a"},
		{"shop", "", "", "", "shop", "", "\x00", "\x00"},
		{"shop", "", "ConfigMap", "-rf", "shop", "", "ConfigMap", "--help"},
		{"shop", "", "ConfigMap", "%2Drf", "shop", "", "ConfigMap", "%"},
		{"shop", "", "ConfigMap", "con", "shop", "", "Con", "CON.yaml"},
		{"shop", "", "ConfigMap", ".git", "shop", "", "ConfigMap", ".kdx-tmp-1-a-1"},
		{"shop", "", "ConfigMap", "a~0123456789abcdef", "shop", "", "ConfigMap", "a."},
		{"Shop", "Apps", "configmap", "A", "shop", "apps", "ConfigMap", "a"},
		{"é", "\u202e", "\x1b[31m", "\n", "e", "", "X", "\r"},
		{"shop", "", "ConfigMap", strings.Repeat("a", 300), "shop", "", "ConfigMap", strings.Repeat("a", 299) + "b"},
		{strings.Repeat("N", 300), strings.Repeat("g.", 200), strings.Repeat("K", 300), strings.Repeat("%", 100),
			strings.Repeat("N", 301), strings.Repeat("g.", 201), strings.Repeat("K", 301), strings.Repeat("%", 101)},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
	}
	root := filepath.Join(string(filepath.Separator)+"export", "dir")
	f.Fuzz(func(t *testing.T, ns1, group1, kind1, name1, ns2, group2, kind2, name2 string) {
		a := FileKey{Namespace: ns1, Group: group1, Kind: kind1, Name: name1, Ext: "yaml"}
		b := FileKey{Namespace: ns2, Group: group2, Kind: kind2, Name: name2, Ext: "yaml"}
		pa, pb := checkLayout(t, root, a), checkLayout(t, root, b)
		switch {
		case a == b && pa != pb:
			t.Fatalf("one object, two paths: %q, %q", pa, pb)
		case a != b && pa == pb:
			t.Fatalf("%+v and %+v share the file %q", a, b, pa)
		case a != b && strings.EqualFold(pa, pb) && !(a.Kind != b.Kind && strings.EqualFold(a.Kind, b.Kind)):
			t.Fatalf("%+v and %+v share the file %q on a case-insensitive file system", a, b, pa)
		}
	})
}

// checkLayout checks the path of k and returns it.
func checkLayout(t *testing.T, root string, k FileKey) string {
	t.Helper()
	rel := RelPath(k.Namespace, k.Group, k.Kind, k.Name, k.Ext)
	if !filepath.IsLocal(rel) || !strings.HasPrefix(filepath.Join(root, rel), root+string(filepath.Separator)) {
		t.Fatalf("%+v: path %q leaves the directory", k, rel)
	}
	names := strings.Split(rel, string(filepath.Separator))
	if len(names) != 4 {
		t.Fatalf("%+v: path %q has %d names, want 4", k, rel, len(names))
	}
	for _, n := range names {
		if n == "" || len(n) > maxFileName || n[0] == '.' || n[0] == '-' || strings.ContainsAny(n, "/\\:*?\"<>|\x00") {
			t.Fatalf("%+v: bad name %q in %q", k, n, rel)
		}
		for _, c := range []byte(n) {
			if c < 0x20 || c >= 0x7f {
				t.Fatalf("%+v: name %q has byte %#x", k, n, c)
			}
		}
		if reservedOnWindows(strings.ToLower(n)) {
			t.Fatalf("%+v: name %q is reserved on Windows", k, n)
		}
	}
	got, ok := ParseRelPath(rel)
	switch {
	case ok && got != k:
		t.Fatalf("%+v: path %q reads back as %+v", k, rel, got)
	case !ok && !strings.Contains(rel, "~"):
		t.Fatalf("%+v: path %q does not read back, and was not shortened", k, rel)
	}
	return rel
}
