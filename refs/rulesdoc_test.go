package refs

import (
	"bytes"
	"testing"

	"github.com/kdxproject/kdx/internal/golden"
)

// TestReadmeRulesTable checks that the README shows the rules as they are.
func TestReadmeRulesTable(t *testing.T) {
	const begin, end = "<!-- BEGIN refs rules -->\n", "<!-- END refs rules -->"
	var b bytes.Buffer
	b.WriteString("<!-- Generated from refs/rules.go and refs/conventions.go by `go test ./refs -update`; do not edit. -->\n\n")
	if err := WriteRules(&b); err != nil {
		t.Fatal(err)
	}
	golden.CheckSection(t, "../README.md", begin, end, b.Bytes())
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
