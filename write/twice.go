package write

import (
	"fmt"
	"strings"
)

// warnTwice tells b.Warn, once per object, of the objects that jobs write
// more than once, naming where each comes from.
func (b *Batch) warnTwice(jobs []job) {
	if b.Warn == nil {
		return
	}
	var order []objectKey
	sources := map[objectKey][]string{}
	first := map[objectKey]Ref{}
	for _, j := range jobs {
		k, ok := j.key()
		if !ok {
			continue
		}
		if _, seen := sources[k]; !seen {
			order = append(order, k)
			first[k] = j.task.Ref
		}
		sources[k] = append(sources[k], j.task.Source)
	}
	for _, k := range order {
		if len(sources[k]) > 1 {
			b.Warn(twiceMessage(first[k], sources[k], b.Verb == "apply" || b.Verb == "replace"))
		}
	}
}

// twiceMessage says that the input names ref len(sources) times, and that
// the last one wins when the verb overwrites.
func twiceMessage(ref Ref, sources []string, lastWins bool) string {
	where := ""
	if ref.Namespaced {
		where = fmt.Sprintf(" in namespace %s", ref.Namespace)
	}
	times := "twice"
	if len(sources) > 2 {
		times = fmt.Sprintf("%d times", len(sources))
	}
	from := ""
	if known := nonEmpty(sources); len(known) > 0 {
		from = " (" + strings.Join(known, ", ") + ")"
	}
	order := "they are written one after the other, in input order"
	if lastWins {
		order = "they are written in input order, so the last one wins"
	}
	return fmt.Sprintf("the input names %s%s %s%s: %s", ref.KindName(), where, times, from, order)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
