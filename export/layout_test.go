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
		{"empty", "", "%00"},
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
