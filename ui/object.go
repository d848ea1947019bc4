package ui

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/search"
)

// objectView is one object as YAML, as `kdx get -o yaml` prints it
// (managed fields left out, a Secret's values masked until asked for), or
// its description, as `kdx describe` writes it.
type objectView struct {
	context  string // the context it was read in
	target   discovery.Target
	obj      *unstructured.Unstructured
	desc     *describe.Description // nil until gathered
	describe bool                  // the description is shown, else the YAML
	revealed bool                  // a Secret's values are shown
	lines    []string
	// paths are the field path of each line of the YAML (search.Path's
	// words: spec.containers[0].image), for explain (i) and a search's
	// match; none for a description.
	paths  []string
	top    int
	cursor int // the line of the cursor
}

func newObjectView(t discovery.Target, obj *unstructured.Unstructured, desc *describe.Description, now time.Time) (*objectView, error) {
	v := &objectView{target: t, obj: obj, desc: desc, describe: desc != nil}
	return v, v.print(now)
}

// show shows the description (with one) or the YAML.
func (v *objectView) show(describe bool, now time.Time) error {
	v.describe, v.top, v.cursor = describe && v.desc != nil, 0, 0
	return v.print(now)
}

// secret says whether the object is a Secret, whose values are masked.
func (v *objectView) secret() bool { return render.IsSecret(v.obj.Object) }

// print prints the object into lines.
func (v *objectView) print(now time.Time) error {
	if v.describe {
		var buf bytes.Buffer
		if err := describe.Write(&buf, now, *v.desc); err != nil {
			return err
		}
		v.lines = strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		v.paths = nil
		return nil
	}
	obj := v.obj
	if v.secret() && !v.revealed {
		obj = obj.DeepCopy()
		render.MaskSecrets(obj.Object, nil)
	}
	p, err := render.NewPrinter("yaml", render.Options{})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := p.PrintObj(obj, &buf); err != nil {
		return err
	}
	v.lines = strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	v.paths = yamlPaths(buf.Bytes(), len(v.lines))
	return nil
}

// reveal shows or masks a Secret's values again.
func (v *objectView) reveal(now time.Time) error {
	v.revealed = !v.revealed
	return v.print(now)
}

// name is how the title names the object: kind/name -n namespace.
func (v *objectView) name() string {
	s := strings.ToLower(v.obj.GetKind()) + "/" + v.obj.GetName()
	if ns := v.obj.GetNamespace(); ns != "" {
		s += " -n " + ns
	}
	return s
}

// scroll moves the cursor by delta lines, the lines shown following it
// within height lines.
func (v *objectView) scroll(delta, height int) {
	v.cursor = max(0, min(v.cursor+delta, len(v.lines)-1))
	v.fit(height)
}

// fit moves the first line shown so that the cursor's is among height lines.
func (v *objectView) fit(height int) {
	s := scroller{cursor: v.cursor, top: v.top}
	s.fit(len(v.lines), height)
	v.top = s.top
}

// render is the view in height lines, and the index of the cursor's line
// among them.
func (v *objectView) render(height int) ([]string, int) {
	v.fit(height)
	return v.lines[v.top:min(len(v.lines), v.top+height)], v.cursor - v.top
}

// pathAt is the field path of line i of the YAML ("" for none).
func (v *objectView) pathAt(i int) string {
	if i >= 0 && i < len(v.paths) {
		return v.paths[i]
	}
	return ""
}

// goToPath puts the cursor on the line of the field path (a search's
// match), shown a few lines below the top.
func (v *objectView) goToPath(path string) {
	for i, p := range v.paths {
		if p == path {
			v.cursor, v.top = i, max(0, i-3)
			return
		}
	}
}

// yamlPaths are the field paths of the n lines of a YAML document, as
// search.Path writes them: a key's line has the key's path, a list item's
// its index's; the lines inside a multi-line value have its path.
func yamlPaths(doc []byte, n int) []string {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil
	}
	paths := make([]string, n)
	set := func(line int, elems []string) {
		if line >= 1 && line <= n {
			paths[line-1] = search.Path(elems)
		}
	}
	var walk func(node *yaml.Node, elems []string)
	walk = func(node *yaml.Node, elems []string) {
		switch node.Kind {
		case yaml.DocumentNode:
			for _, c := range node.Content {
				walk(c, elems)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(node.Content); i += 2 {
				p := append(elems[:len(elems):len(elems)], node.Content[i].Value)
				set(node.Content[i].Line, p)
				walk(node.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range node.Content {
				p := append(elems[:len(elems):len(elems)], "["+strconv.Itoa(i)+"]")
				set(c.Line, p)
				walk(c, p)
			}
		}
	}
	walk(&root, nil)
	for i := 1; i < n; i++ {
		if paths[i] == "" {
			paths[i] = paths[i-1]
		}
	}
	return paths
}
