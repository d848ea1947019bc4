package ui

import (
	"bytes"
	"testing"

	"github.com/kdxproject/kdx/internal/golden"
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
	golden.CheckSection(t, "../README.md", begin, end, b.Bytes())
}
