package export

import (
	"fmt"
	"github.com/liggitt/tabwriter"
	"io"
	"slices"
	"strings"
)

// Summary is what an export did, type by type.
type Summary struct {
	// Types are the results per type, in the order of Options.Types.
	Types []TypeResult
	// Pruned are the files --prune removed, relative to the directory.
	Pruned []string
	// Left are the files in --prune's scope that it left, not being kdx's.
	Left []LeftFile
}

// TypeResult is what the export of one type did.
type TypeResult struct {
	// Type is the type exported.
	Type Type
	// Exported is the number of objects written.
	Exported int
	// Skipped counts the objects left out, per rule.
	Skipped map[*SkipRule]int
	// Errs are the errors listing the type (or a name not found).
	Errs []error
	// Forbidden says that the type was left out because the user may not
	// list it (Options.IgnoreForbidden).
	Forbidden bool
	// NamedSkips are the objects named on the command line that a skip
	// rule would have left out: they are exported, with a warning.
	NamedSkips []NamedSkip
	// Namespaces are the namespaces of the objects exported.
	Namespaces map[string]bool
	// OtherKinds counts the items whose apiVersion and kind were not the
	// type's, by what they said: they were exported as the type (AsListed).
	OtherKinds map[string]int
	// deletingWritten are the objects written although being deleted,
	// deletingSkipped those being deleted that a tree leaves out (the
	// skip rule RuleBeingDeleted), for Warnings.
	deletingWritten, deletingSkipped objectSample

	// fatal is an error that stops the whole export.
	fatal error
}

func (r *TypeResult) skippedCount() int {
	n := 0
	for _, c := range r.Skipped {
		n += c
	}
	return n
}

// Exported is the number of objects written.
func (s *Summary) Exported() int {
	n := 0
	for _, r := range s.Types {
		n += r.Exported
	}
	return n
}

// Skipped is the number of objects left out.
func (s *Summary) Skipped() int {
	n := 0
	for _, r := range s.Types {
		n += r.skippedCount()
	}
	return n
}

// SkippedByRule counts the objects left out per rule ID.
func (s *Summary) SkippedByRule() map[string]int {
	out := map[string]int{}
	for _, r := range s.Types {
		for rule, n := range r.Skipped {
			out[rule.ID] += n
		}
	}
	return out
}

// Write prints the summary: objects written per type, objects skipped per
// type and reason (with the flag that keeps them) and the files pruned.
// The types that failed are not in it: Report says them.
func (s *Summary) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Exported %s.\n", plural(s.Exported(), "object"))
	for _, r := range s.Types {
		if r.Exported > 0 {
			fmt.Fprintf(tw, "  %6d  %s\n", r.Exported, r.Type)
		}
	}
	if n := s.Skipped(); n > 0 {
		fmt.Fprintf(tw, "Skipped %s:\n", plural(n, "object"))
		s.writeSkipped(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Pruned) > 0 {
		fmt.Fprintf(w, "Pruned %s.\n", plural(len(s.Pruned), "file"))
	}
	return nil
}

// writeSkipped prints one line per type and rule, types in order, rules in
// the order of the rule table.
func (s *Summary) writeSkipped(w io.Writer) {
	for _, r := range s.Types {
		rules := make([]*SkipRule, 0, len(r.Skipped))
		for rule := range r.Skipped {
			rules = append(rules, rule)
		}
		slices.SortFunc(rules, func(a, b *SkipRule) int { return strings.Compare(a.ID, b.ID) })
		for _, rule := range rules {
			fmt.Fprintf(w, "  %6d  %s\t%s (%s)\n", r.Skipped[rule], r.Type, rule.Reason, rule.KeptBy)
		}
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
