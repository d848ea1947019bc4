package edit

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/write"
)

var (
	cmRef     = write.Ref{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}, Namespace: "ns", Name: "c"}
	secretRef = write.Ref{Mapping: discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, GVK: schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, Namespaced: true}, Namespace: "ns", Name: "s"}
)

// fakeClient answers reads with gets in order (the last one again) and
// patches with errs in order (nil when there are none left).
type fakeClient struct {
	gets    []string
	errs    []error
	reads   int
	patches []string
}

func (f *fakeClient) Get(_ context.Context, _ write.Ref, _ string) (write.Response, error) {
	i := min(f.reads, len(f.gets)-1)
	f.reads++
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(f.gets[i]), &obj.Object); err != nil {
		return write.Response{}, err
	}
	return write.Response{Object: obj, Code: 200}, nil
}

func (f *fakeClient) Patch(_ context.Context, _ write.Ref, pt types.PatchType, body []byte, o write.RequestOptions) (write.Response, error) {
	if pt != types.MergePatchType || o.FieldManager != "kdx-edit" {
		return write.Response{}, errors.New("unexpected patch type or manager")
	}
	f.patches = append(f.patches, string(body))
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return write.Response{}, err
	}
	return write.Response{Code: 200}, nil
}

const liveCM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: ns
  resourceVersion: "5"
  uid: 0a0a
  creationTimestamp: "2026-01-01T00:00:00Z"
  managedFields: [{manager: m, operation: Update}]
data:
  a: "1"
  script: |
    # a comment that is data
    echo hi
`

// editor edits the file with each of steps in turn, recording what it saw.
type editor struct {
	t     *testing.T
	steps []func(string) string
	seen  []string
}

func (e *editor) edit(_ context.Context, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		e.t.Errorf("the file edited has mode %v", fi.Mode().Perm())
	}
	e.seen = append(e.seen, string(b))
	if len(e.steps) == 0 {
		e.t.Fatalf("the editor was opened once too often:\n%s", b)
	}
	step := e.steps[0]
	e.steps = e.steps[1:]
	return os.WriteFile(path, []byte(step(string(b))), 0o600)
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

func session(t *testing.T, c *fakeClient, e *editor) (*Session, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	cleaner := export.NewCleaner(export.CleanOptions{})
	return &Session{Client: c, Editor: e.edit, Clean: cleaner.Clean, FieldManager: "kdx-edit", TempDir: t.TempDir(), Out: &out, ErrOut: &errOut}, &out, &errOut
}

func TestEditSendsOnlyTheChange(t *testing.T) {
	c := &fakeClient{gets: []string{liveCM}}
	e := &editor{t: t, steps: []func(string) string{replace(`a: "1"`, `a: "2"`)}}
	s, out, _ := session(t, c, e)
	if err := s.Run(context.Background(), cmRef); err != nil {
		t.Fatal(err)
	}
	if len(c.patches) != 1 || c.patches[0] != `{"data":{"a":"2"},"metadata":{"resourceVersion":"5"}}` {
		t.Errorf("patches %q", c.patches)
	}
	if out.String() != "configmap/c edited\n" {
		t.Errorf("stdout %q", out.String())
	}
	shown := e.seen[0]
	for _, gone := range []string{"uid", "managedFields", "creationTimestamp", "resourceVersion"} {
		if strings.Contains(shown, gone) {
			t.Errorf("the file shows %s, which export cleans:\n%s", gone, shown)
		}
	}
	if !strings.HasPrefix(shown, header) || !strings.Contains(shown, "# a comment that is data") {
		t.Errorf("file:\n%s", shown)
	}
}

func TestEditUnchangedAndEmpty(t *testing.T) {
	for _, c := range []struct {
		name string
		step func(string) string
		want string
	}{
		{"unchanged", func(s string) string { return s }, Unchanged},
		{"reformatted only", func(s string) string { return strings.Replace(s, `a: "1"`, `a: '1'`, 1) }, Unchanged},
		{"emptied", func(string) string { return "# nothing\n\n" }, Emptied},
	} {
		t.Run(c.name, func(t *testing.T) {
			fc := &fakeClient{gets: []string{liveCM}}
			s, out, errOut := session(t, fc, &editor{t: t, steps: []func(string) string{c.step}})
			if err := s.Run(context.Background(), cmRef); err != nil {
				t.Fatal(err)
			}
			if len(fc.patches) != 0 || out.Len() != 0 || errOut.String() != c.want+"\n" {
				t.Errorf("patches %q, stdout %q, stderr %q", fc.patches, out, errOut)
			}
			if files, _ := filepath.Glob(filepath.Join(s.TempDir, "*")); len(files) != 0 {
				t.Errorf("files left: %v", files)
			}
		})
	}
}

func TestEditInvalidIsReopened(t *testing.T) {
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "c", field.ErrorList{field.Invalid(field.NewPath("data"), "x", "bad key")})
	c := &fakeClient{gets: []string{liveCM}, errs: []error{invalid}}
	e := &editor{t: t, steps: []func(string) string{
		replace(`a: "1"`, "a: [unclosed"),     // a syntax error
		replace("a: [unclosed", `"b c": "2"`), // refused by the server
		replace(`"b c": "2"`, `b: "2"`),       // fine
	}}
	s, out, errOut := session(t, c, e)
	if err := s.Run(context.Background(), cmRef); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.seen[1], "# The edited file had a syntax error") || !strings.Contains(e.seen[1], "a: [unclosed") {
		t.Errorf("second opening:\n%s", e.seen[1])
	}
	if !strings.Contains(e.seen[2], "# configmaps \"c\" was not valid:\n# the object is invalid:\n#   data: Invalid value: \"x\": bad key") {
		t.Errorf("third opening:\n%s", e.seen[2])
	}
	if strings.Count(e.seen[2], "# Please edit") != 1 {
		t.Errorf("the header is repeated:\n%s", e.seen[2])
	}
	if len(c.patches) != 2 || c.patches[1] != `{"data":{"a":null,"b":"2"},"metadata":{"resourceVersion":"5"}}` {
		t.Errorf("patches %q", c.patches)
	}
	if out.String() != "configmap/c edited\n" || errOut.String() != "error: configmaps \"c\" is invalid\n" {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}

func TestEditInvalidSavedAgainUnchangedStops(t *testing.T) {
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "c", nil)
	c := &fakeClient{gets: []string{liveCM}, errs: []error{invalid}}
	e := &editor{t: t, steps: []func(string) string{replace(`a: "1"`, `a: "2"`), func(s string) string { return s }}}
	s, _, errOut := session(t, c, e)
	err := s.Run(context.Background(), cmRef)
	if !errors.Is(err, ErrNoValidChanges) || !strings.Contains(errOut.String(), "A copy of your changes has been stored to") {
		t.Fatalf("err %v, stderr %s", err, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(s.TempDir, "*"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if b, _ := os.ReadFile(files[0]); !strings.Contains(string(b), `a: "2"`) {
		t.Errorf("the copy kept:\n%s", b)
	}
}

func TestEditRefusesAnotherObject(t *testing.T) {
	c := &fakeClient{gets: []string{liveCM}}
	e := &editor{t: t, steps: []func(string) string{replace("name: c", "name: d"), replace("name: d", "name: c")}}
	s, _, _ := session(t, c, e)
	err := s.Run(context.Background(), cmRef)
	if err != nil || !strings.Contains(e.seen[1], "# At least one of apiVersion, kind, name and namespace was changed") || len(c.patches) != 0 {
		t.Errorf("err %v, patches %q, second opening:\n%s", err, c.patches, e.seen[1])
	}
}

func TestEditConflictNamesFieldsAndValues(t *testing.T) {
	conflictErr := apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, "c", errors.New("the object has been modified"))
	now := strings.Replace(strings.Replace(liveCM, `a: "1"`, `a: "3"`, 1), `"5"`, `"9"`, 1)
	t.Run("a field both changed", func(t *testing.T) {
		c := &fakeClient{gets: []string{liveCM, now}, errs: []error{conflictErr}}
		s, out, errOut := session(t, c, &editor{t: t, steps: []func(string) string{replace(`a: "1"`, `a: "2"`)}})
		err := s.Run(context.Background(), cmRef)
		var ce *ConflictError
		if !errors.As(err, &ce) || !apierrors.IsConflict(err) {
			t.Fatalf("err %v", err)
		}
		want := "configmap/c changed on the server while you edited it (read at resourceVersion \"5\", now \"9\"): nothing was written; conflicting fields:\n" +
			"  data.a: yours \"2\", on the server now \"3\" (was \"1\")\n  run kdx edit again to edit the object as it is now"
		if err.Error() != want {
			t.Errorf("got:\n%s\nwant:\n%s", err, want)
		}
		if out.Len() != 0 || !strings.Contains(errOut.String(), "A copy of your changes has been stored to") {
			t.Errorf("stdout %q, stderr %q", out, errOut)
		}
	})
	t.Run("other fields changed", func(t *testing.T) {
		c := &fakeClient{gets: []string{liveCM, now}, errs: []error{conflictErr}}
		s, _, _ := session(t, c, &editor{t: t, steps: []func(string) string{replace("data:", "metadata2: x\ndata:")}})
		// (an unknown top-level field is the server's to refuse; here it conflicts first)
		err := s.Run(context.Background(), cmRef)
		if err == nil || !strings.Contains(err.Error(), "changed on the server meanwhile (none of the fields you changed):\n  data.a: now \"3\" (was \"1\")") {
			t.Errorf("err %v", err)
		}
	})
}

func TestEditSecretDecoded(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	live := "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns, resourceVersion: \"5\"}\ntype: Opaque\ndata:\n  password: " + b64("s3cret") +
		"\n  user: " + b64("admin") + "\n  blob: " + base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe}) + "\n"
	t.Run("decoded", func(t *testing.T) {
		c := &fakeClient{gets: []string{live}}
		e := &editor{t: t, steps: []func(string) string{func(s string) string {
			s = strings.Replace(s, "password: s3cret", "password: n3w", 1)
			return strings.Replace(s, "user: admin\n", "port: 8080\n", 1)
		}}}
		s, _, _ := session(t, c, e)
		if err := s.Run(context.Background(), secretRef); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.seen[0], "stringData:\n  password: s3cret\n  user: admin\n") || !strings.Contains(e.seen[0], "data:\n  blob: //4=\n") || !strings.Contains(e.seen[0], secretHeader) {
			t.Errorf("file:\n%s", e.seen[0])
		}
		want := `{"data":{"password":"` + b64("n3w") + `","port":"` + b64("8080") + `","user":null},"metadata":{"resourceVersion":"5"}}`
		if len(c.patches) != 1 || c.patches[0] != want {
			t.Errorf("patches %q, want %s", c.patches, want)
		}
	})
	t.Run("raw", func(t *testing.T) {
		c := &fakeClient{gets: []string{live}}
		e := &editor{t: t, steps: []func(string) string{replace(b64("s3cret"), b64("raw"))}}
		s, _, _ := session(t, c, e)
		s.Raw = true
		if err := s.Run(context.Background(), secretRef); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.seen[0], "stringData") || len(c.patches) != 1 || c.patches[0] != `{"data":{"password":"`+b64("raw")+`"},"metadata":{"resourceVersion":"5"}}` {
			t.Errorf("file:\n%s\npatches %q", e.seen[0], c.patches)
		}
	})
	t.Run("reopened, still decoded", func(t *testing.T) {
		c := &fakeClient{gets: []string{live}}
		e := &editor{t: t, steps: []func(string) string{replace("password: s3cret", "password: [x"), replace("password: [x", "password: ok")}}
		s, _, _ := session(t, c, e)
		if err := s.Run(context.Background(), secretRef); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.seen[1], secretHeader) || !strings.Contains(e.seen[1], "# The edited file had a syntax error") || len(c.patches) != 1 ||
			!strings.Contains(c.patches[0], `"password":"`+b64("ok")+`"`) {
			t.Errorf("second opening:\n%s\npatches %q", e.seen[1], c.patches)
		}
	})
	t.Run("a conflict shows no Secret value", func(t *testing.T) {
		now := strings.Replace(live, b64("s3cret"), b64("other"), 1)
		c := &fakeClient{gets: []string{live, now}, errs: []error{apierrors.NewConflict(schema.GroupResource{Resource: "secrets"}, "s", errors.New("modified"))}}
		s, _, _ := session(t, c, &editor{t: t, steps: []func(string) string{replace("password: s3cret", "password: mine")}})
		err := s.Run(context.Background(), secretRef)
		if err == nil || !strings.Contains(err.Error(), "data.password: yours (a Secret value, not shown), on the server now (a Secret value, not shown)") ||
			strings.Contains(err.Error(), "mine") || strings.Contains(err.Error(), b64("other")) || strings.Contains(err.Error(), b64("mine")) {
			t.Errorf("err %v", err)
		}
	})
}

func TestMergePatch(t *testing.T) {
	from := map[string]any{"a": "1", "m": map[string]any{"x": "1", "y": "2"}, "l": []any{"1"}}
	to := map[string]any{"a": "1", "m": map[string]any{"x": "1", "z": "3"}, "l": []any{"1", "2"}, "n": true}
	got := mergePatch(from, to)
	want := map[string]any{"m": map[string]any{"y": nil, "z": "3"}, "l": []any{"1", "2"}, "n": true}
	if !equalJSON(got, want) {
		t.Errorf("got %v", got)
	}
	if p := pathString([]string{"metadata", "labels", "app.kubernetes.io/name"}); p != `metadata.labels["app.kubernetes.io/name"]` {
		t.Errorf("path %s", p)
	}
}

func equalJSON(a, b any) bool {
	x, _ := yaml.Marshal(a)
	y, _ := yaml.Marshal(b)
	return bytes.Equal(x, y)
}

func TestEditDeletedMeanwhile(t *testing.T) {
	c := &fakeClient{gets: []string{liveCM}, errs: []error{apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, "c")}}
	s, _, errOut := session(t, c, &editor{t: t, steps: []func(string) string{replace(`a: "1"`, `a: "2"`)}})
	err := s.Run(context.Background(), cmRef)
	if err == nil || err.Error() != `configmaps "c" could not be found on the server: it was deleted while you edited it` ||
		!strings.Contains(errOut.String(), "A copy of your changes has been stored to") {
		t.Errorf("err %v, stderr %s", err, errOut)
	}
}

func TestCommandEditor(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "it's a file.yaml")
	if err := os.WriteFile(file, []byte("a: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"EDITOR": "sed -i s/1/2/"}
	var out, errOut bytes.Buffer
	ed := CommandEditor(func(k string) string { return env[k] }, nil, &out, &errOut)
	if err := ed(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); string(b) != "a: 2\n" {
		t.Errorf("$EDITOR: %q", b)
	}
	env["KUBE_EDITOR"] = "false"
	if err := CommandEditor(func(k string) string { return env[k] }, nil, &out, &errOut)(context.Background(), file); err == nil || !strings.Contains(err.Error(), `the editor "false" failed`) {
		t.Errorf("$KUBE_EDITOR first, its failure said: %v", err)
	}
}

// TestEditPodKeepsWhatCleaningHid: export's cleaning hides the token
// volume and mount and the default tolerations of a pod; an edit of the
// image sends the containers list with the mount in it, where it was (a
// pod refuses any other change).
func TestEditPodKeepsWhatCleaningHid(t *testing.T) {
	const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns, resourceVersion: "3"}
spec:
  containers:
  - name: c
    image: img:1
    volumeMounts:
    - {name: kube-api-access-abc, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
    - {name: data, mountPath: /data}
  volumes:
  - {name: data, emptyDir: {}}
  - name: kube-api-access-abc
    projected: {sources: [{serviceAccountToken: {path: token}}]}
  tolerations:
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  - {key: team, operator: Equal, value: blue}
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
status: {phase: Pending}
`
	podRef := cmRef
	podRef.GVR.Resource, podRef.GVK.Kind, podRef.Name = "pods", "Pod", "p"
	c := &fakeClient{gets: []string{pod}}
	e := &editor{t: t, steps: []func(string) string{func(s string) string {
		s = strings.Replace(s, "image: img:1", "image: img:2", 1)
		return strings.Replace(s, "value: blue", "value: red", 1)
	}}}
	s, _, _ := session(t, c, e)
	if err := s.Run(context.Background(), podRef); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.seen[0], "kube-api-access") || strings.Contains(e.seen[0], "not-ready") {
		t.Errorf("the file shows what export cleans:\n%s", e.seen[0])
	}
	want := `{"metadata":{"resourceVersion":"3"},"spec":{"containers":[{"image":"img:2","name":"c","volumeMounts":[` +
		`{"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","name":"kube-api-access-abc","readOnly":true},{"mountPath":"/data","name":"data"}]}],` +
		`"tolerations":[{"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},` +
		`{"key":"team","operator":"Equal","value":"red"},` +
		`{"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}]}}`
	if len(c.patches) != 1 || c.patches[0] != want {
		t.Errorf("patch:\n%s\nwant:\n%s", c.patches, want)
	}
}

func TestRebaseList(t *testing.T) {
	named := func(n string, v int) map[string]any { return map[string]any{"name": n, "v": v} }
	live := []any{named("a", 1), named("hidden", 0), named("b", 2)}
	shown := []any{named("a", 1), named("b", 2)}
	cases := []struct {
		name   string
		edited []any
		want   []any
	}{
		{"unchanged", []any{named("a", 1), named("b", 2)}, live},
		{"one changed", []any{named("a", 1), named("b", 3)}, []any{named("a", 1), named("hidden", 0), named("b", 3)}},
		{"one removed", []any{named("b", 2)}, []any{named("b", 2), named("hidden", 0)}},
		{"one added", []any{named("a", 1), named("b", 2), named("c", 4)}, []any{named("a", 1), named("hidden", 0), named("b", 2), named("c", 4)}},
	}
	for _, c := range cases {
		if got := rebaseList(shown, live, c.edited); !equalJSON(got, c.want) {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
	// An unnamed element cleaning changed stands at its index.
	got := rebaseList([]any{map[string]any{"spec": "s"}}, []any{map[string]any{"spec": "s", "status": "x"}}, []any{map[string]any{"spec": "t"}})
	if !equalJSON(got, []any{map[string]any{"spec": "t", "status": "x"}}) {
		t.Errorf("unnamed: %v", got)
	}
}

func TestEditJSON(t *testing.T) {
	c := &fakeClient{gets: []string{liveCM}}
	e := &editor{t: t, steps: []func(string) string{replace(`"a": "1"`, `"a": "2"`)}}
	s, out, _ := session(t, c, e)
	s.JSON = true
	if err := s.Run(context.Background(), cmRef); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.seen[0], "{\n    \"apiVersion\": \"v1\",") || len(c.patches) != 1 || c.patches[0] != `{"data":{"a":"2"},"metadata":{"resourceVersion":"5"}}` || out.String() != "configmap/c edited\n" {
		t.Errorf("file:\n%s\npatches %q, stdout %q", e.seen[0], c.patches, out)
	}
}
