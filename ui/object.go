package ui

import (
	"bytes"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/render"
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
	top      int
}

func newObjectView(t discovery.Target, obj *unstructured.Unstructured, desc *describe.Description, now time.Time) (*objectView, error) {
	v := &objectView{target: t, obj: obj, desc: desc, describe: desc != nil}
	return v, v.print(now)
}

// show shows the description (with one) or the YAML.
func (v *objectView) show(describe bool, now time.Time) error {
	v.describe, v.top = describe && v.desc != nil, 0
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

// scroll moves the first line shown by delta, within height lines.
func (v *objectView) scroll(delta, height int) {
	v.top = max(0, min(v.top+delta, len(v.lines)-height))
}

func (v *objectView) render(height int) []string {
	v.scroll(0, height)
	return v.lines[v.top:min(len(v.lines), v.top+height)]
}
