package render

import (
	"testing"
	"unicode"

	"k8s.io/cli-runtime/pkg/printers"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain name", "plain name"},
		{"tab\tkept", "tab\tkept"},
		{"\x1b[31mred\x1b[0m", "^[[31mred^[[0m"},
		{"\x1b]0;title\a", "^[]0;title^G"},
		{"a\nb\r\n", `a\nb\r\n`},
		{"bs\b del\x7f nul\x00", "bs^H del^? nul^@"},
		{"csi\u009b31m nel\u0085", `csi\u009b31m nel\u0085`},
		{"héllo ✓ \u00a0", "héllo ✓ \u00a0"},
		{"^[ typed", "^[ typed"},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEscapeAgreesWithKubectl: what kubectl's escaper changes (ESC and CR)
// reads the same, so that describe's lines match kubectl's.
func TestEscapeAgreesWithKubectl(t *testing.T) {
	for _, s := range []string{"\x1b[1mbold", "cr\rhere", "a\x1bb\rc"} {
		if got, want := Escape(s), printers.EscapeTerminal(s); got != want {
			t.Errorf("Escape(%q) = %q, kubectl writes %q", s, got, want)
		}
	}
}

// FuzzEscape: no control character but TAB survives, and escaping twice
// changes nothing.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a\x1b[2Jb", "\a\n\r\t", "\u009b", "\xc2", "\xc2\x9b", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		for _, r := range got {
			if r != '\t' && unicode.IsControl(r) {
				t.Fatalf("Escape(%q) = %q holds control %U", s, got, r)
			}
		}
		if again := Escape(got); again != got {
			t.Fatalf("Escape(Escape(%q)) = %q, not %q", s, again, got)
		}
	})
}
