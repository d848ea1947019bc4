package refs

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the refs rules section of README.md")

// TestReadmeRulesTable checks that the README shows the rules as they are.
func TestReadmeRulesTable(t *testing.T) {
	const begin, end = "<!-- BEGIN refs rules -->\n", "<!-- END refs rules -->"
	var b bytes.Buffer
	b.WriteString("<!-- Generated from refs/rules.go and refs/conventions.go by `go test ./refs -update`; do not edit. -->\n\n")
	if err := WriteRules(&b); err != nil {
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
		t.Fatal("README.md's refs rules differ from the rules (go test ./refs -update rewrites them)")
	}
	out := append(append(append([]byte{}, readme[:i+len(begin)]...), b.Bytes()...), readme[j:]...)
	if err := os.WriteFile("../README.md", out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRuleIDsUnique: every rule of the table has its own ID, so that a
// row names the one rule that found it.
func TestRuleIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule ID %s twice", r.ID)
		}
		seen[r.ID] = true
	}
	for _, r := range PodSpecRefs() {
		if seen["pod-"+r.ID] {
			t.Errorf("rule ID pod-%s twice", r.ID)
		}
		seen["pod-"+r.ID] = true
	}
}
