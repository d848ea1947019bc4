// Package edit edits one object of the server in the user's editor, as
// kubectl edit does, with what kdx adds: the object is shown cleaned as
// kdx export cleans it, only what the user changed is sent (a JSON merge
// patch built from the change, with the resourceVersion the object was read
// at), a change made meanwhile by someone else is reported as a conflict
// naming each field and both values (never overwritten), and a Secret's
// values are edited as decoded text.
package edit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// Client reads and patches objects (a *write.Client).
type Client interface {
	Get(ctx context.Context, ref write.Ref, subresource string) (write.Response, error)
	Patch(ctx context.Context, ref write.Ref, pt types.PatchType, body []byte, o write.RequestOptions) (write.Response, error)
}

// Editor opens the file at path in the user's editor and returns once it
// is closed.
type Editor func(ctx context.Context, path string) error

// Session is the edit of one object.
type Session struct {
	// Client reads and patches the object.
	Client Client
	// Editor is the user's editor.
	Editor Editor
	// Clean removes from the object what the server and controllers
	// wrote (export's cleaner); nil keeps the object whole.
	Clean func(*unstructured.Unstructured)
	// Raw shows a Secret's data as stored (base64) instead of decoded.
	Raw bool
	// FieldManager names kdx in managedFields.
	FieldManager string
	// JSON shows the object as JSON instead of YAML (-o json).
	JSON bool
	// Print, when set, prints the object the server returned instead of
	// the line "kind/name edited" (kubectl edit -o json|yaml).
	Print func(*unstructured.Unstructured) error
	// TempDir holds the file edited ("" for the system's).
	TempDir string
	// Out gets the result line, ErrOut the messages.
	Out, ErrOut io.Writer
}

// header starts the file edited, as kubectl's does.
const header = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`

// secretHeader says how a Secret's values are shown.
const secretHeader = `# The Secret's values are shown decoded, under stringData, and encoded back into data
# when saved (values that are not UTF-8 text stay in data, in base64; --raw shows them all so).
#
`

// Messages of an edit that sends nothing, as kubectl prints them.
const (
	Unchanged = "Edit cancelled, no changes made."
	Emptied   = "Edit cancelled, saved file was empty."
)

// ErrNoValidChanges ends an edit reopened after an error and saved again
// without a change, as kubectl does.
var ErrNoValidChanges = errors.New("Edit cancelled, no valid changes were saved.")

// Run edits the object ref names. It prints "kind/name edited" when the
// change is stored, and Unchanged or Emptied (on ErrOut) when nothing was
// sent; an invalid change reopens the editor with the server's reasons on
// top. Any other failure is returned after the file, kept, is named.
func (s *Session) Run(ctx context.Context, ref write.Ref) error {
	live, err := s.Client.Get(ctx, ref, "")
	if err != nil {
		return err
	}
	if live.Object == nil {
		return fmt.Errorf("the server answered the read of %s with no object", ref.KindName())
	}
	base := live.Object.DeepCopy()
	if s.Clean != nil {
		s.Clean(base)
	}
	unstructured.RemoveNestedField(base.Object, "metadata", "managedFields")
	secret := !s.Raw && isSecret(base)
	shown := base.Object
	if secret {
		shown = decodeSecret(base.Object)
	}
	body, err := s.encode(shown)
	if err != nil {
		return err
	}
	top := header
	if secret {
		top += secretHeader
	}
	e := &attempt{s: s}
	defer e.removeFile()
	text := append([]byte(top), body...)
	var previous []byte // the file saved when reopened after an error
	for {
		edited, err := e.open(ctx, text)
		if err != nil {
			return e.keep(err)
		}
		kept := dropHeader(edited)
		if previous != nil && bytes.Equal(dropHeader(previous), kept) {
			return e.keep(ErrNoValidChanges)
		}
		if empty(edited) {
			fmt.Fprintln(s.ErrOut, Emptied)
			return nil
		}
		patch, reason := s.patch(base, live.Object, edited, secret)
		if reason == "" && patch == nil {
			fmt.Fprintln(s.ErrOut, Unchanged)
			return nil
		}
		var stored *unstructured.Unstructured
		if reason == "" {
			stored, reason, err = s.send(ctx, ref, live.Object, base, patch)
			if err != nil {
				return e.keep(err)
			}
		}
		if reason == "" {
			if s.Print != nil && stored != nil {
				return s.Print(stored)
			}
			fmt.Fprintf(s.Out, "%s edited\n", ref.KindName())
			return nil
		}
		// Reopen with the reason on top and the file as saved.
		previous = edited
		text = append([]byte(top+comment(reason)+"#\n"), kept...)
	}
}

// encode writes obj as the file shows it: YAML, or JSON.
func (s *Session) encode(obj map[string]any) ([]byte, error) {
	if !s.JSON {
		return render.MarshalYAML(obj)
	}
	b, err := json.MarshalIndent(obj, "", "    ")
	return append(b, '\n'), err
}

// patch builds the merge patch of the edited text: the change from base
// (the object as shown, cleaned) to the text, made on live (see rebase, so
// that a list holding what cleaning hid is sent with it); a reason to
// reopen the editor when the text is not a valid edit of the object. A nil
// patch means nothing changed.
func (s *Session) patch(base, live *unstructured.Unstructured, text []byte, secret bool) (map[string]any, string) {
	js, err := yaml.YAMLToJSON(text)
	if err != nil {
		return nil, fmt.Sprintf("The edited file had a syntax error: %v", err)
	}
	edited, err := decodeJSON(js)
	if err != nil {
		return nil, fmt.Sprintf("The edited file had a syntax error: %v", err)
	}
	obj, ok := edited.(map[string]any)
	if !ok {
		return nil, "The edited file is not an object: it must hold the one object being edited"
	}
	if secret {
		if err := encodeSecret(obj); err != nil {
			return nil, err.Error()
		}
	}
	if u := (&unstructured.Unstructured{Object: obj}); u.GetAPIVersion() != base.GetAPIVersion() || u.GetKind() != base.GetKind() || u.GetName() != base.GetName() || u.GetNamespace() != base.GetNamespace() {
		return nil, "At least one of apiVersion, kind, name and namespace was changed: an edit changes one object; use kdx create or kdx apply for another"
	}
	shown, err := normalize(base.Object)
	if err != nil {
		return nil, err.Error()
	}
	was, err := normalize(live.Object)
	if err != nil {
		return nil, err.Error()
	}
	p := mergePatch(was, rebase(shown, was, obj).(map[string]any))
	if len(p) == 0 {
		return nil, ""
	}
	return p, ""
}

// send patches the object with p and the resourceVersion read; it returns
// the object stored, the reason to reopen the editor when the server found
// the change invalid, or the error that ends the edit (a conflict
// explained).
func (s *Session) send(ctx context.Context, ref write.Ref, live, base *unstructured.Unstructured, p map[string]any) (*unstructured.Unstructured, string, error) {
	md, _ := p["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
	}
	md["resourceVersion"] = live.GetResourceVersion()
	p["metadata"] = md
	body, err := json.Marshal(p)
	if err != nil {
		return nil, "", err
	}
	resp, err := s.Client.Patch(ctx, ref, types.MergePatchType, body, write.RequestOptions{FieldManager: s.FieldManager, FieldValidation: "Strict"})
	switch {
	case err == nil:
		return resp.Object, "", nil
	case apierrors.IsInvalid(err) || apierrors.IsBadRequest(err):
		fmt.Fprintf(s.ErrOut, "error: %s %q is invalid\n", ref.GVR.GroupResource(), ref.Name)
		return nil, fmt.Sprintf("%s %q was not valid:\n%s", ref.GVR.GroupResource(), ref.Name, write.Cause(err)), nil
	case apierrors.IsConflict(err):
		return nil, "", s.conflict(ctx, ref, live, base, p, err)
	case apierrors.IsNotFound(err):
		return nil, "", fmt.Errorf("%s %q could not be found on the server: it was deleted while you edited it", ref.GVR.GroupResource(), ref.Name)
	}
	return nil, "", fmt.Errorf("%s %q could not be patched: %w", ref.GVR.GroupResource(), ref.Name, err)
}

// comment is text as comment lines.
func comment(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}

// dropHeader is b without the comment lines it starts with (the header
// and the reasons of a reopened file). Comments further down are left to
// the YAML parser: a line starting with '#' inside a block scalar is data.
func dropHeader(b []byte) []byte {
	for len(b) > 0 && b[0] == '#' {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	return b
}

// empty says that the file holds no YAML value (comments and blanks only).
func empty(b []byte) bool {
	js, err := yaml.YAMLToJSON(b)
	return err == nil && bytes.Equal(bytes.TrimSpace(js), []byte("null"))
}

// attempt is the file of one edit, kept when the edit fails.
type attempt struct {
	s    *Session
	path string
	kept bool
}

// open writes text to the file (created once, readable by its owner only:
// it may hold a Secret), runs the editor on it, and reads it back.
func (a *attempt) open(ctx context.Context, text []byte) ([]byte, error) {
	if a.path == "" {
		ext := ".yaml"
		if a.s.JSON {
			ext = ".json"
		}
		f, err := os.CreateTemp(a.s.TempDir, "kdx-edit-*"+ext)
		if err != nil {
			return nil, err
		}
		a.path = f.Name()
		if err := f.Close(); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(a.path, text, 0o600); err != nil {
		return nil, err
	}
	if err := a.s.Editor(ctx, a.path); err != nil {
		return nil, err
	}
	return os.ReadFile(a.path)
}

// keep names the file, kept for the user, and returns err.
func (a *attempt) keep(err error) error {
	if a.path != "" {
		a.kept = true
		fmt.Fprintf(a.s.ErrOut, "A copy of your changes has been stored to %q\n", a.path)
	}
	return err
}

// removeFile removes the file unless it was kept.
func (a *attempt) removeFile() {
	if a.path != "" && !a.kept {
		os.Remove(a.path)
	}
}
