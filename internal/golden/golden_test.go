package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that keeps what a check reported.
type recorder struct {
	testing.TB
	errors []string
}

type fatal struct{}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "TestX" }
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatal{})
}
func (r *recorder) Fatal(args ...any) {
	r.errors = append(r.errors, fmt.Sprint(args...))
	panic(fatal{})
}

// run runs check against a recorder, under -update or not, and returns
// what it reported.
func run(t *testing.T, updating bool, check func(tb testing.TB)) []string {
	t.Helper()
	old := *update
	*update = updating
	defer func() { *update = old }()
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(fatal); !ok {
					panic(p)
				}
			}
		}()
		check(r)
	}()
	return r.errors
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.golden")
	if errs := run(t, false, func(tb testing.TB) { Check(tb, path, []byte("a\n")) }); len(errs) != 1 {
		t.Errorf("a missing golden file reported %q, want one error", errs)
	}
	if errs := run(t, true, func(tb testing.TB) { Check(tb, path, []byte("a\n")) }); len(errs) != 0 {
		t.Errorf("-update reported %q", errs)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a\n" {
		t.Fatalf("-update wrote %q, %v; want \"a\\n\"", b, err)
	}
	if errs := run(t, false, func(tb testing.TB) { Check(tb, path, []byte("a\n")) }); len(errs) != 0 {
		t.Errorf("the same output reported %q", errs)
	}
	if errs := run(t, false, func(tb testing.TB) { Check(tb, path, []byte("b\n")) }); len(errs) != 1 {
		t.Errorf("a different output reported %q, want one error", errs)
	}
}

func TestCheckSection(t *testing.T) {
	const begin, end = "<!-- BEGIN t -->\n", "<!-- END t -->"
	path := filepath.Join(t.TempDir(), "README.md")
	doc := "# x\n" + begin + "old\n" + end + "\nafter\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := run(t, false, func(tb testing.TB) { CheckSection(tb, path, begin, end, []byte("old\n")) }); len(errs) != 0 {
		t.Errorf("the same section reported %q", errs)
	}
	if errs := run(t, false, func(tb testing.TB) { CheckSection(tb, path, begin, end, []byte("new\n")) }); len(errs) != 1 {
		t.Errorf("a different section reported %q, want one error", errs)
	}
	if errs := run(t, true, func(tb testing.TB) { CheckSection(tb, path, begin, end, []byte("new\n")) }); len(errs) != 0 {
		t.Errorf("-update reported %q", errs)
	}
	if b, _ := os.ReadFile(path); string(b) != "# x\n"+begin+"new\n"+end+"\nafter\n" {
		t.Errorf("-update left %q; want only the section rewritten", b)
	}
	if errs := run(t, false, func(tb testing.TB) { CheckSection(tb, path, "<!-- BEGIN none -->", end, nil) }); len(errs) != 1 {
		t.Errorf("a missing section reported %q, want one error", errs)
	}
}
