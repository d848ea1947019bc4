package write

import "fmt"

// Line is the line kubectl prints for a successful result: "kind/name
// action", and for deletes `kind "name" deleted[ from NS namespace]`; a dry
// run adds " (server dry run)". It is "" for results that print nothing
// (failures, and deletes of missing objects with --ignore-not-found).
func Line(r Result) string {
	if r.Err != nil || r.Action == ActionDeletedNotPresent {
		return ""
	}
	suffix := ""
	if r.DryRun {
		suffix = " (server dry run)"
	}
	ref := r.Task.Ref
	if r.Action == ActionDeleted || r.Action == ActionForceDeleted {
		where := ""
		if ref.Namespaced {
			where = fmt.Sprintf(" from %s namespace", ref.Namespace)
		}
		return fmt.Sprintf("%s %q %s%s%s", ref.Kind(), ref.Name, r.Action, where, suffix)
	}
	return fmt.Sprintf("%s %s%s", ref.KindName(), r.Action, suffix)
}
