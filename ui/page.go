package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// page is a view over the tables that is neither a table nor an object:
// an object's tree, references, events or schema, search results.
type page interface {
	// what names the page on the title line.
	what() string
	// hint is the footer's keys.
	hint() string
	// render is the page in height lines, and the index of the cursor's
	// line among them (-1 for none).
	render(height int) ([]string, int)
	// key handles a key; false leaves it to the explorer.
	key(a *App, k string, height int) (tea.Cmd, bool)
}

// link is the object a line of a page names, which enter opens.
type link struct {
	gk              schema.GroupKind
	target          *discovery.Target // when known, else resolved from gk
	namespace, name string
	// path is the field to show in its YAML (a search's match), if any.
	path string
}

// textPage is text printed by a library package (a tree, references,
// events, a schema, search results), with a header kept on top when
// headed, and a cursor on the lines that name an object.
type textPage struct {
	title   string
	lines   []string
	links   []*link // of each line (nil: names none)
	headed  bool    // the first line is a header, kept on top
	waiting string  // said while the page is read
	failure string  // said when it could not be read
	pos     scroller
	top     int // the first line shown, without links
}

// body are the lines below the header.
func (p *textPage) body() []string {
	if p.headed && len(p.lines) > 0 {
		return p.lines[1:]
	}
	return p.lines
}

func (p *textPage) hasLinks() bool {
	for _, l := range p.links {
		if l != nil {
			return true
		}
	}
	return false
}

func (p *textPage) isLink(i int) bool {
	if p.headed {
		i++
	}
	return i < len(p.links) && p.links[i] != nil
}

// set fills the page, its cursor on the first line that names an object.
func (p *textPage) set(text string, links []*link) {
	p.lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	p.links, p.waiting = links, ""
	p.pos = scroller{}
	if p.hasLinks() {
		p.pos.settle(len(p.body()), p.isLink, 1)
	}
}

// add adds lines at the end of the page, as they are found: the cursor
// stays where it is (on the first line that names an object, at first).
func (p *textPage) add(lines []string, links []*link) {
	if len(lines) == 0 {
		return
	}
	if p.waiting != "" {
		p.set(strings.Join(lines, "\n"), links)
		return
	}
	for len(p.links) < len(p.lines) {
		p.links = append(p.links, nil)
	}
	p.lines, p.links = append(p.lines, lines...), append(p.links, links...)
	if !p.isLink(p.pos.cursor) {
		p.pos.settle(len(p.body()), p.isLink, 1)
	}
}

func (p *textPage) what() string { return p.title }

func (p *textPage) hint() string {
	if p.hasLinks() {
		return "enter open  esc back  [ ] history  ? help  q quit"
	}
	return "esc back  [ ] history  ? help  q quit"
}

func (p *textPage) render(height int) ([]string, int) {
	switch {
	case p.failure != "" && len(p.lines) == 0:
		return []string{p.failure}, -1
	case p.waiting != "":
		return []string{p.waiting}, -1
	case height < 1:
		return nil, -1
	}
	var out []string
	rows := height
	if p.headed && len(p.lines) > 0 {
		out, rows = append(out, p.lines[0]), rows-1
	}
	body := p.body()
	if !p.hasLinks() {
		p.top = max(0, min(p.top, len(body)-rows))
		return append(out, body[p.top:min(len(body), p.top+rows)]...), -1
	}
	p.pos.fit(len(body), rows)
	cursor := len(out) + p.pos.cursor - p.pos.top
	return append(out, body[p.pos.top:min(len(body), p.pos.top+rows)]...), cursor
}

// selected is the link under the cursor.
func (p *textPage) selected() *link {
	if p.waiting != "" || !p.hasLinks() || !p.isLink(p.pos.cursor) {
		return nil
	}
	i := p.pos.cursor
	if p.headed {
		i++
	}
	return p.links[i]
}

func (p *textPage) key(a *App, k string, height int) (tea.Cmd, bool) {
	rows := height
	if p.headed {
		rows--
	}
	move := func(d int) {
		if p.hasLinks() {
			p.pos.move(len(p.body()), p.isLink, d)
			return
		}
		p.top = max(0, min(p.top+d, len(p.body())-rows))
	}
	switch k {
	case "enter":
		if l := p.selected(); l != nil {
			return a.openLink(l), true
		}
	case "up", "k":
		move(-1)
	case "down", "j":
		move(1)
	case "pgup":
		move(-max(1, rows-1))
	case "pgdown", "space":
		move(max(1, rows-1))
	case "home", "g":
		move(-1 << 30)
	case "end", "G":
		move(1 << 30)
	default:
		return nil, false
	}
	return nil, true
}

// pageKey handles a key on a page.
func (a *App) pageKey(k tea.KeyPressMsg) tea.Cmd {
	s := k.String()
	if cmd, ok := a.overlay.key(a, s, a.contentHeight()); ok {
		return cmd
	}
	if cmd, ok := a.historyKey(s); ok {
		return cmd
	}
	switch s {
	case "q":
		return a.quit()
	case "esc":
		a.back()
	case "?":
		a.help, a.helpTop = true, 0
	case ":":
		a.input = &input{prompt: ":"}
	case "left", "h":
		a.xoff = max(0, a.xoff-hstep)
	case "right", "l":
		a.xoff += hstep
	}
	return nil
}
