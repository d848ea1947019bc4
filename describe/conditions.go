package describe

import (
	"strings"
	"time"
)

// Condition is one entry of status.conditions.
type Condition struct {
	Type, Status, Reason, Message string
	LastTransition                time.Time
}

// takeConditions removes status.conditions from fields (replacing status by
// a copy, so that the object is untouched) and returns them, when they are
// conditions (a list of maps with a type).
func takeConditions(fields map[string]any) []Condition {
	status, ok := fields["status"].(map[string]any)
	if !ok {
		return nil
	}
	list, ok := status["conditions"].([]any)
	if !ok {
		return nil
	}
	var out []Condition
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok || str(m, "type") == "" {
			return nil
		}
		c := Condition{Type: str(m, "type"), Status: str(m, "status"), Reason: str(m, "reason"), Message: str(m, "message")}
		c.LastTransition, _ = time.Parse(time.RFC3339, str(m, "lastTransitionTime"))
		out = append(out, c)
	}
	rest := make(map[string]any, len(status))
	for k, v := range status {
		if k != "conditions" {
			rest[k] = v
		}
	}
	if len(rest) == 0 {
		delete(fields, "status")
	} else {
		fields["status"] = rest
	}
	return out
}

// Conditions are the conditions of an object's status (nil when none).
func Conditions(obj map[string]any) []Condition {
	return takeConditions(map[string]any{"status": obj["status"]})
}

// writeConditions writes the conditions table: type, status, reason, age
// (since the last transition) and message.
func writeConditions(b *strings.Builder, cs []Condition, now time.Time) {
	rows := make([][]string, len(cs))
	for i, c := range cs {
		msg := strings.ReplaceAll(c.Message, "\n", " ")
		rows[i] = []string{c.Type, c.Status, orNone(c.Reason), age(now, c.LastTransition), msg}
	}
	writeSections(b, []Section{{Title: "Conditions", Lines: table([]string{"Type", "Status", "Reason", "Age", "Message"}, rows)}})
}

// str is m[key] when it is a string.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}
