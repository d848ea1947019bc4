package describe

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Event is one event of an object, from events.k8s.io/v1 or core/v1.
type Event struct {
	Type, Reason, From, Message string
	// Count is how many times it happened (1 for a single event).
	Count int64
	// First and Last are when it first and last happened.
	First, Last time.Time
}

// EventOf reads an event of either API: events.k8s.io/v1 (regarding, note,
// series, reportingController) or core/v1 (involvedObject, message, count,
// source).
func EventOf(obj *unstructured.Unstructured) Event {
	m := obj.Object
	e := Event{Type: str(m, "type"), Reason: str(m, "reason"), Count: 1}
	if obj.GetAPIVersion() == "events.k8s.io/v1" {
		e.Message, e.From = str(m, "note"), str(m, "reportingController")
		e.First = firstTime(m, "eventTime", "deprecatedFirstTimestamp")
		e.Last = firstTime(m, "deprecatedLastTimestamp")
		if series, ok := m["series"].(map[string]any); ok {
			e.Count = int64Of(series["count"])
			e.Last = firstTime(series, "lastObservedTime")
		} else if n := int64Of(m["deprecatedCount"]); n > 1 {
			e.Count = n
		}
	} else {
		e.Message = str(m, "message")
		e.From = str(m, "reportingComponent")
		if src, ok := m["source"].(map[string]any); ok && str(src, "component") != "" {
			e.From = str(src, "component")
		}
		e.First = firstTime(m, "firstTimestamp", "eventTime")
		e.Last = firstTime(m, "lastTimestamp")
		if n := int64Of(m["count"]); n > 1 {
			e.Count = n
		}
	}
	if e.First.IsZero() {
		e.First = obj.GetCreationTimestamp().Time
	}
	if e.Last.IsZero() {
		e.Last = e.First
	}
	return e
}

// firstTime is the first of m's keys that holds a time.
func firstTime(m map[string]any, keys ...string) time.Time {
	for _, k := range keys {
		if t, err := time.Parse(time.RFC3339Nano, str(m, k)); err == nil {
			return t
		}
	}
	return time.Time{}
}

func int64Of(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

// writeEvents writes the events table as kubectl describe does: oldest
// first, "AGE (xN over FIRST)" for repeated events, or "<none>".
func writeEvents(b *strings.Builder, events []Event, now time.Time) {
	if len(events) == 0 {
		b.WriteString("Events:  <none>\n")
		return
	}
	events = append([]Event(nil), events...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Last.Before(events[j].Last) })
	rows := make([][]string, len(events))
	for i, e := range events {
		when := age(now, e.First)
		if e.Count > 1 {
			when = fmt.Sprintf("%s (x%d over %s)", age(now, e.Last), e.Count, age(now, e.First))
		}
		rows[i] = []string{e.Type, e.Reason, when, orNone(e.From), strings.TrimSpace(e.Message)}
	}
	writeSections(b, []Section{{Title: "Events", Lines: table([]string{"Type", "Reason", "Age", "From", "Message"}, rows)}})
}
