package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// row is one object of a live table: its name and its table cells, not
// the object (memory follows the number of rows, not their size).
type row struct {
	context         string // in a fleet's table
	namespace, name string
	cells           []any
	// created is the object's creation, in Unix nanoseconds (8 bytes, not
	// a time.Time's 24), when its Age cell is the age of its creation (0:
	// the cell is shown as the server wrote it).
	created int64
	// text is what the / filter reads (namespace and cells, lower case),
	// made when first filtered (not before: a table never filtered keeps
	// no second copy of its cells).
	text string
	gone bool // deleted, waiting for compact
}

// searchText is the row's text for the / filter.
func (r *row) searchText() string {
	if r.text == "" {
		var b strings.Builder
		if r.context != "" {
			b.WriteString(strings.ToLower(r.context) + " ")
		}
		b.WriteString(strings.ToLower(r.namespace))
		for _, c := range r.cells {
			b.WriteByte(' ')
			b.WriteString(strings.ToLower(fmt.Sprint(c)))
		}
		r.text = b.String()
	}
	return r.text
}

type rowKey struct{ context, namespace, name string }

// section is the rows of one type of a table, in namespace, then name
// order (the order a list returns them in, as `kdx get` prints them).
type section struct {
	target  discovery.Target
	columns []metav1.TableColumnDefinition
	byKey   map[rowKey]*row
	rows    []*row
	// widths are the column widths printed so far (see render.TableWriter.SetWidths).
	widths []int
	// age is the index of the Age column, -1 for none; name that of the
	// name column.
	age, name int
	// namespaces are the namespaces of the rows, each string kept once.
	namespaces map[string]string
	// order is the order of a fleet's contexts (rows are in context
	// order first); nil for one context.
	order map[string]int

	removed, unsorted bool // since the last compact
}

func newSection(t discovery.Target) *section {
	return &section{target: t, byKey: map[rowKey]*row{}, age: -1, namespaces: map[string]string{}}
}

// ageColumn is the index of the server's Age column, or -1.
func ageColumn(cols []metav1.TableColumnDefinition) int {
	for i, c := range cols {
		if c.Name == "Age" && (c.Type == "string" || c.Type == "date") {
			return i
		}
	}
	return -1
}

// creation is c's creation (in Unix nanoseconds) when its Age cell says
// the age of it at now (a custom resource's Age column may be of another
// date), else 0.
func (s *section) creation(c Change, now time.Time) int64 {
	if s.age < 0 || s.age >= len(c.Cells) || c.Created.IsZero() {
		return 0
	}
	cell, _ := c.Cells[s.age].(string)
	// the server read it a moment ago: a second either way
	for _, d := range []time.Duration{0, -time.Second, time.Second, -2 * time.Second} {
		if cell == duration.HumanDuration(now.Add(d).Sub(c.Created)) {
			return c.Created.UnixNano()
		}
	}
	return 0
}

// cellsAt are the row's cells with its age at now, as the server words it
// (the age in its cell is the age when the row was read).
func (s *section) cellsAt(r *row, now time.Time) []any {
	cells := slices.Clone(r.cells) // the printer writes kind/name into the name cell
	if s.age >= 0 && s.age < len(cells) && r.created != 0 {
		cells[s.age] = duration.HumanDuration(now.Sub(time.Unix(0, r.created)))
	}
	return cells
}

// apply applies one change, read at now; compact makes the rows
// consistent again.
func (s *section) apply(c Change, now time.Time) {
	key := rowKey{c.Context, c.Namespace, c.Name}
	if c.Type == watch.Deleted {
		if r := s.byKey[key]; r != nil {
			r.gone = true
			delete(s.byKey, key)
			s.removed = true
		}
		return
	}
	if len(c.Columns) > 0 && !sameColumns(s.columns, c.Columns) {
		s.columns = c.Columns
		s.widths = nil
		s.age = ageColumn(c.Columns)
		s.name = dynamicclient.NameColumn(c.Columns)
	}
	if r := s.byKey[key]; r != nil {
		r.cells, r.text, r.created = s.cells(c.Cells, r.name), "", s.creation(c, now)
		return
	}
	ns, ok := s.namespaces[c.Namespace]
	if !ok {
		ns = c.Namespace
		s.namespaces[ns] = ns
	}
	r := &row{context: c.Context, namespace: ns, name: c.Name, cells: s.cells(c.Cells, c.Name), created: s.creation(c, now)}
	s.byKey[key] = r
	if n := len(s.rows); n > 0 && !s.before(s.rows[n-1], r) {
		s.unsorted = true
	}
	s.rows = append(s.rows, r)
}

// cells are a row's cells as it keeps them: without the spare capacity of
// the decoder's slice, the name cell sharing the row's name.
func (s *section) cells(cells []any, name string) []any {
	out := make([]any, len(cells))
	copy(out, cells)
	if s.name < len(out) {
		if cell, ok := out[s.name].(string); ok && cell == name {
			out[s.name] = name
		}
	}
	return out
}

func (s *section) compact() {
	if s.removed {
		s.rows = slices.DeleteFunc(s.rows, func(r *row) bool { return r.gone })
		s.removed = false
	}
	if s.unsorted {
		slices.SortFunc(s.rows, func(a, b *row) int {
			if c := s.order[a.context] - s.order[b.context]; c != 0 {
				return c
			}
			if c := strings.Compare(a.namespace, b.namespace); c != 0 {
				return c
			}
			return strings.Compare(a.name, b.name)
		})
		s.unsorted = false
	}
}

func (s *section) before(a, b *row) bool {
	if a.context != b.context {
		return s.order[a.context] < s.order[b.context]
	}
	if a.namespace != b.namespace {
		return a.namespace < b.namespace
	}
	return a.name < b.name
}

func sameColumns(a, b []metav1.TableColumnDefinition) bool {
	return slices.EqualFunc(a, b, func(x, y metav1.TableColumnDefinition) bool {
		return x.Name == y.Name && x.Priority == y.Priority && x.Type == y.Type && x.Format == y.Format
	})
}

// filter is the / filter: a regular expression (case-insensitive) when the
// text reads as one, else a substring.
type filter struct {
	text string
	re   *regexp.Regexp
	sub  string
}

func newFilter(text string) filter {
	f := filter{text: text, sub: strings.ToLower(text)}
	if strings.ContainsAny(text, `.*+?[](){}|^$\`) {
		if re, err := regexp.Compile("(?i)" + text); err == nil {
			f.re = re
		}
	}
	return f
}

func (f filter) on() bool { return f.text != "" }

func (f filter) match(text string) bool {
	switch {
	case f.text == "":
		return true
	case f.re != nil:
		return f.re.MatchString(text)
	}
	return strings.Contains(text, f.sub)
}
