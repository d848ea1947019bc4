package ui

import (
	"bytes"
	"os"
	"testing"
)

// TestReadmeKeys checks that the README's key table is Keys, as the help
// prints them (go test ./ui -update rewrites it).
func TestReadmeKeys(t *testing.T) {
	const begin, end = "<!-- BEGIN ui keys -->\n", "<!-- END ui keys -->"
	var b bytes.Buffer
	b.WriteString("<!-- Generated from ui/keys.go by `go test ./ui -update`; do not edit. -->\n\n")
	if err := WriteKeys(&b); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q section", begin, end)
	}
	if bytes.Equal(readme[i+len(begin):j], b.Bytes()) {
		return
	}
	if !*update {
		t.Fatal("README.md's key table differs from ui.Keys (go test ./ui -update rewrites it)")
	}
	out := append(append(append([]byte{}, readme[:i+len(begin)]...), b.Bytes()...), readme[j:]...)
	if err := os.WriteFile("../README.md", out, 0o644); err != nil {
		t.Fatal(err)
	}
}
