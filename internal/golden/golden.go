// Package golden compares what a test made with what a file of the
// repository holds (a golden file, or a generated section of a document
// such as the README's tables), and rewrites the file instead when the
// tests run with -update:
//
//	go test ./render -run Watch -update
//
// It is for tests only. It defines the -update flag of every test binary
// that imports it, so a test package that uses it defines no flag of that
// name.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files and generated document sections the tests compare with")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// Check compares got with the file at path. Under -update it writes got
// there instead, making the file's directory.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run '%s' -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (if the change is intended, go test -run '%s' -update rewrites it)\ngot:\n%s\nwant:\n%s", path, t.Name(), got, want)
	}
}

// CheckSection compares got with the section of the file at path between
// the lines begin and end (a README's table generated from the code).
// Under -update it rewrites the section instead; the rest of the file is
// kept as it is.
func CheckSection(t testing.TB, path, begin, end string, got []byte) {
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q ... %q section", path, begin, end)
	}
	if bytes.Equal(doc[i+len(begin):j], got) {
		return
	}
	if !*update {
		t.Fatalf("the %q section of %s differs from the code (go test -run '%s' -update rewrites it)", begin, path, t.Name())
	}
	out := append(append(append([]byte{}, doc[:i+len(begin)]...), got...), doc[j:]...)
	write(t, path, out)
}

func write(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
