package ui

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/render"
)

// tableView is the live table of one or more types.
type tableView struct {
	id      int
	name    string // as the user named the types (all, cm, pods.v1.)
	targets []discovery.Target
	// namespace is the namespace watched ("" for all); allNamespaces adds
	// the NAMESPACE column to the namespaced types.
	namespace     string
	allNamespaces bool
	sections      []*section
	filter        filter
	// sortBy is the column the rows are sorted by ("" as listed), sortDesc
	// reverses it.
	sortBy   string
	sortDesc bool

	// lines are what the table shows, rebuilt on each change: in a table
	// of one type, its rows (its header stays on top); in a table of
	// several, each type with rows as `kdx get` prints several: a blank
	// line, its header, its rows.
	lines []line
	nrows int // the rows in lines
	pos   scroller

	synced bool   // every type showed its first list
	notice string // the last notice of the watch (a lost connection)
	// contexts are the contexts of a fleet's table, which has a CONTEXT
	// column first (nil for one context); notices are each one's last
	// notice (fleet.go).
	contexts []string
	notices  map[string]string
	err      error // the watch ended with it
	cancel   context.CancelFunc
	mb       *mailbox // where the watch posts

	headed, headless *render.TablePrinter
}

// line is one line of a table: a row, or (r nil) a type's header or a blank.
type line struct {
	sec    int
	r      *row
	header bool
}

func newTableView(id int, targets []discovery.Target, namespace string, allNamespaces bool) *tableView {
	t := &tableView{id: id, targets: targets, namespace: namespace, allNamespaces: allNamespaces,
		headed:   render.NewTablePrinter(render.TableOptions{}),
		headless: render.NewTablePrinter(render.TableOptions{Options: render.Options{NoHeaders: true}})}
	for _, tg := range targets {
		t.sections = append(t.sections, newSection(tg))
	}
	return t
}

// multi says whether the table shows several types.
func (t *tableView) multi() bool { return len(t.sections) > 1 }

// apply applies a batch of changes.
func (t *tableView) apply(changes []Change, now time.Time) {
	touched := map[int]bool{}
	for _, c := range changes {
		if c.Target >= 0 && c.Target < len(t.sections) {
			t.sections[c.Target].apply(c, now)
			touched[c.Target] = true
		}
	}
	for i := range touched {
		t.sections[i].compact()
	}
	t.rebuild()
}

// setFilter filters the rows with f.
func (t *tableView) setFilter(f filter) {
	t.filter = f
	t.rebuild()
}

// rebuild makes lines again, keeping the cursor on its row when it is
// still shown; a cursor on the first row stays on the first row (rows
// listed before it, as a watch's first list comes in, do not move it down).
func (t *tableView) rebuild() {
	var selected *row
	if c := t.pos.cursor; c >= 0 && c < len(t.lines) && slices.IndexFunc(t.lines, func(l line) bool { return l.r != nil }) != c {
		selected = t.lines[c].r
	}
	t.lines, t.nrows = t.lines[:0], 0
	for i, s := range t.sections {
		first := true
		for _, r := range t.sorted(s) {
			if t.filter.on() && !t.filter.match(r.searchText()) {
				continue
			}
			if first && t.multi() {
				if len(t.lines) > 0 {
					t.lines = append(t.lines, line{sec: i})
				}
				t.lines = append(t.lines, line{sec: i, header: true})
			}
			first = false
			t.lines = append(t.lines, line{sec: i, r: r})
			t.nrows++
		}
	}
	if selected != nil {
		for i, l := range t.lines {
			if l.r == selected {
				t.pos.cursor = i
				break
			}
		}
	}
	t.pos.settle(len(t.lines), t.isRow, 1)
}

// sorted are the rows of s in the order asked for: by the sort column
// when s has it, else as listed.
func (t *tableView) sorted(s *section) []*row {
	col := -1
	if t.sortBy != "" {
		col = slices.IndexFunc(s.columns, func(c metav1.TableColumnDefinition) bool { return c.Name == t.sortBy })
	}
	if col < 0 {
		return s.rows
	}
	rows := slices.Clone(s.rows)
	slices.SortStableFunc(rows, func(a, b *row) int {
		c := compareCells(s, col, a, b)
		if t.sortDesc {
			return -c
		}
		return c
	})
	return rows
}

// compareCells orders two rows by their cells of column col: numbers as
// numbers, the Age column by creation (the youngest first), other cells
// as text.
func compareCells(s *section, col int, a, b *row) int {
	if col == s.age && a.created != 0 && b.created != 0 {
		return cmp.Compare(b.created, a.created)
	}
	x, y := cell(a, col), cell(b, col)
	if fx, ok := number(x); ok {
		if fy, ok := number(y); ok {
			return cmp.Compare(fx, fy)
		}
	}
	return strings.Compare(fmt.Sprint(x), fmt.Sprint(y))
}

func cell(r *row, col int) any {
	if col < len(r.cells) {
		return r.cells[col]
	}
	return nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// columns are the names of the table's columns, for the sort key: the
// first type's, then the others'.
func (t *tableView) columns() []string {
	var out []string
	for _, s := range t.sections {
		for _, c := range s.columns {
			if c.Priority == 0 && !slices.Contains(out, c.Name) {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// nextSort sorts by the next column (after the last, as listed again).
func (t *tableView) nextSort() {
	cols := t.columns()
	i := slices.Index(cols, t.sortBy) + 1
	t.sortBy, t.sortDesc = "", false
	if i < len(cols) {
		t.sortBy = cols[i]
	}
	t.rebuild()
}

// reverseSort reverses the order of the sort column.
func (t *tableView) reverseSort() {
	if t.sortBy != "" {
		t.sortDesc = !t.sortDesc
		t.rebuild()
	}
}

// total is the number of rows, filtered or not.
func (t *tableView) total() int {
	n := 0
	for _, s := range t.sections {
		n += len(s.rows)
	}
	return n
}

// isRow says whether line i is a row.
func (t *tableView) isRow(i int) bool { return t.lines[i].r != nil }

// selected is the row under the cursor and its section, if any.
func (t *tableView) selected() (*section, *row) {
	if c := t.pos.cursor; c >= 0 && c < len(t.lines) && t.lines[c].r != nil {
		return t.sections[t.lines[c].sec], t.lines[c].r
	}
	return nil, nil
}

// render is the table in height lines: the header of a table of one type,
// then the lines from the scroller's top; cursor is the index of the
// selected line among them (-1 for none).
func (t *tableView) render(height int, now time.Time) (out []string, cursor int, err error) {
	if height < 1 {
		return nil, -1, nil
	}
	rows := height
	if !t.multi() {
		rows-- // the header
	}
	t.pos.fit(len(t.lines), rows)
	end := min(len(t.lines), t.pos.top+rows)
	window := t.lines[t.pos.top:end]
	if !t.multi() {
		if len(window) == 0 {
			return nil, -1, nil
		}
		out, err = t.print(0, window, true, now)
		return out, t.pos.cursor - t.pos.top + 1, err
	}
	// a table of several types: each type's lines in the window printed
	// with its own columns; a header is printed where it falls
	for i := 0; i < len(window); {
		l := window[i]
		if l.r == nil && !l.header {
			out = append(out, "")
			i++
			continue
		}
		j := i
		for j < len(window) && window[j].sec == l.sec && (window[j].r != nil || window[j].header) {
			j++
		}
		lines, err := t.print(l.sec, window[i:j], l.header, now)
		if err != nil {
			return nil, -1, err
		}
		out = append(out, lines...)
		i = j
	}
	return out, t.pos.cursor - t.pos.top, nil
}

// print prints the rows of lines, of section sec, through render's table
// printer, with the type's header first when headed.
func (t *tableView) print(sec int, lines []line, headed bool, now time.Time) ([]string, error) {
	s := t.sections[sec]
	table := &metav1.Table{ColumnDefinitions: s.columns}
	withNS := t.allNamespaces && s.target.Namespaced
	for _, l := range lines {
		if l.r == nil {
			continue
		}
		meta := map[string]any{"name": l.r.name}
		if l.r.namespace != "" {
			meta["namespace"] = l.r.namespace
		}
		tr := metav1.TableRow{Cells: s.cellsAt(l.r, now),
			Object: runtime.RawExtension{Object: &unstructured.Unstructured{Object: map[string]any{"metadata": meta}}}}
		if t.contexts != nil { // a CONTEXT column, as kdx get prints a fleet
			one := &metav1.Table{ColumnDefinitions: s.columns, Rows: []metav1.TableRow{tr}}
			if err := render.AddContextColumn(one, l.r.context, withNS); err != nil {
				return nil, err
			}
			tr = one.Rows[0]
		}
		table.Rows = append(table.Rows, tr)
	}
	if t.contexts != nil {
		empty := &metav1.Table{ColumnDefinitions: s.columns}
		if err := render.AddContextColumn(empty, "", withNS); err != nil {
			return nil, err
		}
		table.ColumnDefinitions, withNS = empty.ColumnDefinitions, false // the NAMESPACE column is after CONTEXT
	}
	p := t.headless
	if headed {
		p = t.headed
	}
	var buf bytes.Buffer
	tw := render.NewTableWriter(&buf)
	tw.SetWidths(s.widths)
	gk := s.target.GVK.GroupKind()
	if err := p.ForType(gk, withNS, t.multi()).PrintObj(table, tw.Writer()); err != nil {
		return nil, fmt.Errorf("%s: %w", s.target.QualifiedName(), err)
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	s.widths = tw.Widths()
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n"), nil
}

// empty is what an empty table says, as kubectl says it.
func (t *tableView) empty() string {
	if !t.synced {
		return "Listing " + targetsName(t.targets) + "..."
	}
	if t.filter.on() {
		return "No rows match the filter."
	}
	if t.namespace != "" && anyNamespaced(t.targets) {
		return fmt.Sprintf("No resources found in %s namespace.", t.namespace)
	}
	return "No resources found"
}

func anyNamespaced(targets []discovery.Target) bool {
	for _, t := range targets {
		if t.Namespaced {
			return true
		}
	}
	return false
}

// scroller is a cursor over n lines, some of them selectable, and the
// first line shown.
type scroller struct {
	cursor, top int
}

// move moves the cursor by delta lines, onto a selectable one.
func (s *scroller) move(n int, ok func(int) bool, delta int) {
	s.cursor += delta
	s.settle(n, ok, sign(delta))
}

// settle keeps the cursor among the n lines and on a selectable one,
// looking in direction dir (1 or -1) first.
func (s *scroller) settle(n int, ok func(int) bool, dir int) {
	if n == 0 {
		s.cursor, s.top = 0, 0
		return
	}
	s.cursor = max(0, min(n-1, s.cursor))
	if dir == 0 {
		dir = 1
	}
	for _, d := range []int{dir, -dir} {
		for c := s.cursor; c >= 0 && c < n; c += d {
			if ok(c) {
				s.cursor = c
				return
			}
		}
	}
}

// fit scrolls so that the cursor is among the height lines shown.
func (s *scroller) fit(n, height int) {
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+height {
		s.top = s.cursor - height + 1
	}
	s.top = max(0, min(s.top, n-height))
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
