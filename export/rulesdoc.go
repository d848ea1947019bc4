package export

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// WriteRulesDoc writes the rules as Markdown tables: the fields removed and
// why, then the objects skipped and why. export/RULES.md is its output for
// the default rules; a test keeps the two in step.
func WriteRulesDoc(w io.Writer, rules []Rule, skips []SkipRule) error {
	if _, err := io.WriteString(w, RulesDocHeader); err != nil {
		return err
	}
	return WriteRules(w, rules, skips)
}

// RulesDocHeader starts export/RULES.md.
const RulesDocHeader = "<!-- Generated from export/rules.go and export/skip.go by `go test ./export -update`; do not edit. -->\n\n"

// WriteRules writes the rules tables, as `kdx export --rules` prints them.
func WriteRules(w io.Writer, rules []Rule, skips []SkipRule) error {
	var b strings.Builder
	b.WriteString("### Fields `kdx export` removes\n\n")
	b.WriteString("| Rule | Kinds | Field | When | Why | Kept by |\n|---|---|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s | %s |\n", r.ID, kindsDoc(r.Kinds), r.Path, orDash(r.When.Doc), r.Why, flagDoc(r.KeptBy))
	}
	b.WriteString("\nA map that these removals leave empty (`annotations: {}`, `spec: {}`) is removed too; " +
		"an empty map that was in the object already (`emptyDir: {}`, cert-manager's `selfSigned: {}`) stays, " +
		"since it means something.\n" +
		"With `--redact-secrets`, every value of a Secret's `data` becomes `" + RedactedData + "` (`" + RedactedMarker +
		"` in base64) and every value of its `stringData` becomes `" + RedactedMarker + "`: such a Secret does not restore. " +
		"`kdx apply`, `create`, `replace` and `diff -f` recognize it and refuse it, naming it, and go on with the rest of the input " +
		"(exit 1; diff exits 2), unless `--allow-redacted`.\n")
	b.WriteString("\n### Objects `kdx export` skips\n\n")
	b.WriteString("| Rule | Kinds | Objects | Why | Kept by |\n|---|---|---|---|---|\n")
	for _, s := range skips {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.ID, kindsDoc(s.Kinds), skipObjectsDoc(s), s.Reason, flagDoc(s.KeptBy))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func kindsDoc(kinds []schema.GroupKind) string {
	if len(kinds) == 0 {
		return "all"
	}
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Kind
		if k.Group != "" {
			out[i] += "." + k.Group
		}
	}
	return strings.Join(out, ", ")
}

// skipObjectsDoc describes which objects of its kinds a skip rule matches.
func skipObjectsDoc(s SkipRule) string {
	var parts []string
	if s.ReadOnly {
		parts = append(parts, "kinds without the `create` verb")
	}
	if len(s.Names) > 0 {
		parts = append(parts, "named "+codeList(s.Names))
	}
	if s.Namespace != "" {
		parts = append(parts, "in namespace `"+s.Namespace+"`")
	}
	for _, m := range []struct {
		what string
		kv   map[string]string
	}{{"label", s.Labels}, {"annotation", s.Annotations}} {
		for _, k := range slices.Sorted(maps.Keys(m.kv)) {
			if v := m.kv[k]; v == "*" {
				parts = append(parts, fmt.Sprintf("with the %s `%s`", m.what, k))
			} else {
				parts = append(parts, fmt.Sprintf("with the %s `%s=%s`", m.what, k, v))
			}
		}
	}
	if len(s.Field) > 0 {
		parts = append(parts, fmt.Sprintf("with `%s: %s`", s.Field, s.Value))
	}
	if s.Owned {
		parts = append(parts, "with an ownerReference that has `controller: true`")
	}
	if s.Deleting {
		parts = append(parts, "with `metadata.deletionTimestamp` set, in a tree (`--dir`; an export to stdout writes them, with a warning)")
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, ", ")
}

func codeList(names []string) string {
	if len(names) > 6 {
		return fmt.Sprintf("`%s`, `%s`, ... (%d names: the controllers' service accounts)", names[0], names[1], len(names))
	}
	return "`" + strings.Join(names, "`, `") + "`"
}

func flagDoc(flag string) string {
	if flag == "" {
		return "—"
	}
	return "`" + flag + "`"
}

func orDash(s string) string {
	if s == "" {
		return "always"
	}
	return s
}
