package write

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/query"
)

// maxRedactedNames is how many Secrets the line of refused Secrets names
// before "and N more".
const maxRedactedNames = 5

// RedactedError refuses a Secret of the input that holds the values kdx
// export --redact-secrets wrote in place of its own: writing it would
// replace the live values by the marker.
type RedactedError struct {
	// Keys are the keys holding the marker: "data.password", ...
	Keys []string
}

func (e *RedactedError) Error() string {
	return fmt.Sprintf("the Secret holds %s in %s (written by kdx export --redact-secrets in place of its values): put the real values in, or pass --allow-redacted to write it as it is",
		export.RedactedMarker, query.Names(e.Keys, maxRedactedNames))
}

// redacted is the refusal of obj when it is a Secret export redacted, or nil.
func redacted(obj *unstructured.Unstructured) error {
	if keys := export.RedactedKeys(obj); len(keys) > 0 {
		return &RedactedError{Keys: keys}
	}
	return nil
}

// SplitRedacted takes the Secrets refused as redacted out of failures and
// words them in one line, naming them: "2 Secrets not applied: ...". line
// is "" when there are none; rest are the other failures, in order.
func SplitRedacted(failures []Result) (line string, rest []Result) {
	var names []string
	verb := ""
	for _, f := range failures {
		var re *RedactedError
		if !errors.As(f.Err, &re) {
			rest = append(rest, f)
			continue
		}
		verb = f.Verb
		name := f.Task.Ref.KindName()
		if f.Task.Ref.Namespace != "" {
			name += " -n " + f.Task.Ref.Namespace
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return "", rest
	}
	what, hold, their, it := "1 Secret", "it holds", "its", "it as it is"
	if len(names) > 1 {
		what, hold, their, it = fmt.Sprintf("%d Secrets", len(names)), "they hold", "their", "them as they are"
	}
	line = fmt.Sprintf("%s not %s: %s %s, which kdx export --redact-secrets wrote in place of %s values: %s; put the real values in the input, or pass --allow-redacted to %s %s",
		what, pastTense(verb), hold, export.RedactedMarker, their, query.Names(names, maxRedactedNames), verb, it)
	return line, rest
}

// pastTense is "applied" for "apply", ...
func pastTense(verb string) string {
	switch verb {
	case "diff":
		return "compared"
	case "apply":
		return "applied"
	case "create", "replace":
		return verb + "d"
	}
	return "written"
}
