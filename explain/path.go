package explain

import (
	"fmt"
	"strconv"
	"strings"
)

// Step is one step of a field path: a field, or an element of an array
// (spec.containers[0], [*]).
type Step struct {
	// Field is the field's name; "" for an array step.
	Field string
	// Index is an array step's index as typed ("0", "*").
	Index string
}

// String is the step as typed in a path: name, [0], ['a.b'].
func (s Step) String() string {
	switch {
	case s.Field == "":
		return "[" + s.Index + "]"
	case strings.ContainsAny(s.Field, ".[]'\" "):
		return "['" + s.Field + "']"
	}
	return s.Field
}

// PathString joins steps as a path: spec.containers[0].image.
func PathString(steps []Step) string {
	var b strings.Builder
	for i, s := range steps {
		t := s.String()
		if i > 0 && !strings.HasPrefix(t, "[") {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

// PathError is a field path that does not parse.
type PathError struct {
	// Path is the path as typed (a command may set the whole argument).
	Path string
	// Reason says what is wrong.
	Reason string
}

func (e *PathError) Error() string { return fmt.Sprintf("invalid field path %q: %s", e.Path, e.Reason) }

// ParsePath parses a field path: dotted names with array steps ([0], [*])
// and quoted names (['a.b'] or ["a.b"]); a leading dot is allowed.
func ParsePath(p string) ([]Step, error) {
	var steps []Step
	rest := strings.TrimPrefix(p, ".")
	if rest == "" {
		return nil, nil
	}
	for rest != "" {
		switch rest[0] {
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, &PathError{Path: p, Reason: "a '[' without its ']'"}
			}
			inner := rest[1:end]
			if q := inner; len(q) >= 2 && (q[0] == '\'' || q[0] == '"') {
				end = closingBracket(rest, q[0])
				if end < 0 {
					return nil, &PathError{Path: p, Reason: fmt.Sprintf("a quoted name without its closing %c]", q[0])}
				}
				steps = append(steps, Step{Field: rest[2 : end-1]})
			} else if inner == "*" {
				steps = append(steps, Step{Index: "*"})
			} else if n, err := strconv.Atoi(inner); err == nil && n >= 0 {
				steps = append(steps, Step{Index: inner})
			} else {
				return nil, &PathError{Path: p, Reason: fmt.Sprintf("[%s] is neither an index, [*] nor a quoted name", inner)}
			}
			rest = rest[end+1:]
			if strings.HasPrefix(rest, ".") {
				rest = rest[1:]
				if rest == "" || rest[0] == '.' || rest[0] == '[' {
					return nil, &PathError{Path: p, Reason: "an empty field name"}
				}
			}
		case '.':
			return nil, &PathError{Path: p, Reason: "an empty field name"}
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			steps = append(steps, Step{Field: rest[:end]})
			rest = rest[end:]
			if strings.HasPrefix(rest, ".") {
				rest = rest[1:]
				if rest == "" || rest[0] == '.' || rest[0] == '[' {
					return nil, &PathError{Path: p, Reason: "an empty field name"}
				}
			}
		}
	}
	return steps, nil
}

// closingBracket is the index of the ']' that closes a quoted name opened
// at s[1] with quote q, or -1.
func closingBracket(s string, q byte) int {
	i := strings.Index(s[2:], string(q)+"]")
	if i < 0 {
		return -1
	}
	return i + 3
}
