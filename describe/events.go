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

// EventOf reads an event of either API, as kubectl describe shows it:
// events.k8s.io/v1 (regarding, note, series, deprecatedSource,
// reportingController) or core/v1 (involvedObject, message, count, source,
// reportingComponent). From is the source's component, else the reporting
// controller; the message starts with the field path of the object the
// event is about, when it has one.
func EventOf(obj *unstructured.Unstructured) Event {
	m := obj.Object
	e := Event{Type: str(m, "type"), Reason: str(m, "reason"), Count: 1}
	var source, about map[string]any
	var count int64
	if obj.GetAPIVersion() == "events.k8s.io/v1" {
		e.Message, e.From = str(m, "note"), str(m, "reportingController")
		source, _ = m["deprecatedSource"].(map[string]any)
		about, _ = m["regarding"].(map[string]any)
		e.First = firstTime(m, "eventTime", "deprecatedFirstTimestamp")
		e.Last = firstTime(m, "deprecatedLastTimestamp")
		count = int64Of(m["deprecatedCount"])
	} else {
		e.Message, e.From = str(m, "message"), str(m, "reportingComponent")
		source, _ = m["source"].(map[string]any)
		about, _ = m["involvedObject"].(map[string]any)
		e.First = firstTime(m, "eventTime", "firstTimestamp")
		e.Last = firstTime(m, "lastTimestamp")
		count = int64Of(m["count"])
	}
	if c := str(source, "component"); c != "" {
		e.From = c
	}
	e.Message = strings.TrimSpace(e.Message)
	if p := str(about, "fieldPath"); p != "" {
		e.Message = p + ": " + e.Message
	}
	if series, ok := m["series"].(map[string]any); ok {
		e.Count = int64Of(series["count"])
		e.Last = firstTime(series, "lastObservedTime")
	} else if count > 1 {
		e.Count = count
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

// eventsRule is the rule under the events table's header, as kubectl
// writes it (AGE's is four dashes).
var eventsRule = []string{"----", "------", "----", "----", "-------"}

// writeEvents writes the events table as kubectl describe does: oldest
// first, "AGE (xN over FIRST)" for repeated events, an empty From where
// nothing is attributed, or "<none>".
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
		rows[i] = []string{e.Type, e.Reason, when, e.From, e.Message}
	}
	header := []string{"Type", "Reason", "Age", "From", "Message"}
	writeSections(b, []Section{{Title: "Events", Lines: ruledTable(header, eventsRule, rows)}})
}
