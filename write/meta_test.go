package write

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

func TestSplitPairs(t *testing.T) {
	res, pairs, err := SplitPairs([]string{"pods", "foo", "a=1", "b-", "c=x=y"}, Labels)
	if err != nil || !reflect.DeepEqual(res, []string{"pods", "foo"}) || !reflect.DeepEqual(pairs, []string{"a=1", "b-", "c=x=y"}) {
		t.Errorf("got %v %v %v", res, pairs, err)
	}
	// "-" and "=x" are resource arguments, as kubectl reads them.
	res, pairs, _ = SplitPairs([]string{"pods/a", "-", "=x"}, Labels)
	if len(res) != 3 || pairs != nil {
		t.Errorf("got %v %v", res, pairs)
	}
	_, _, err = SplitPairs([]string{"pods", "a=1", "foo"}, Annotations)
	if err == nil || err.Error() != "all resources must be specified before annotation changes: foo" {
		t.Errorf("err %v", err)
	}
}

func TestParseMetaChange(t *testing.T) {
	cases := []struct {
		field   MetaField
		pairs   []string
		set     map[string]string
		remove  []string
		wantErr string
	}{
		{Labels, []string{"a=1", "b-", "example.com/c="}, map[string]string{"a": "1", "example.com/c": ""}, []string{"b"}, ""},
		{Labels, []string{"a=1=2"}, nil, nil, "invalid label spec: a=1=2"},
		{Labels, []string{"a=not valid"}, nil, nil, `invalid label value: "a=not valid": a valid label must be`},
		{Labels, []string{"a=1", "a-"}, nil, nil, "can not both modify and remove a label in the same command"},
		{Annotations, []string{"a=x=y z", "b-"}, map[string]string{"a": "x=y z"}, []string{"b"}, ""},
		{Annotations, []string{"a=1", "a-", "b=2", "b-"}, nil, nil, "can not both modify and remove the following annotation(s) in the same command: a, b"},
	}
	for _, c := range cases {
		got, err := ParseMetaChange(c.field, c.pairs)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%v: err %v, want %q", c.pairs, err, c.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got.Set, c.set) || !reflect.DeepEqual(got.Remove, c.remove) {
			t.Errorf("%v: got %+v, %v", c.pairs, got, err)
		}
	}
}

func TestMetaChangeApply(t *testing.T) {
	cur := map[string]string{"a": "1", "b": "2", "long": strings.Repeat("y", 200)}
	cases := []struct {
		name    string
		c       MetaChange
		patch   string
		action  string
		missing []string
		err     string
	}{
		{"add", MetaChange{Field: Labels, Set: map[string]string{"c": "3"}}, `{"metadata":{"labels":{"c":"3"}}}`, ActionLabeled, nil, ""},
		{"same value", MetaChange{Field: Labels, Set: map[string]string{"a": "1"}}, "null", ActionNotLabeled, nil, ""},
		{"remove, one missing", MetaChange{Field: Labels, Remove: []string{"b", "z"}}, `{"metadata":{"labels":{"b":null}}}`, ActionUnlabeled, []string{"z"}, ""},
		{"add and remove", MetaChange{Field: Labels, Set: map[string]string{"c": "3"}, Remove: []string{"a"}}, `{"metadata":{"labels":{"a":null,"c":"3"}}}`, ActionModified, nil, ""},
		{"overwrite refused", MetaChange{Field: Labels, Set: map[string]string{"b": "9", "a": "8"}}, "", "", nil,
			"'a' already has a value (1), and --overwrite is false\n'b' already has a value (2), and --overwrite is false"},
		{"overwrite", MetaChange{Field: Labels, Set: map[string]string{"a": "8"}, Overwrite: true}, `{"metadata":{"labels":{"a":"8"}}}`, ActionLabeled, nil, ""},
		{"resource version only", MetaChange{Field: Labels, Set: map[string]string{"a": "1"}, ResourceVersion: "7"}, `{"metadata":{"resourceVersion":"7"}}`, ActionNotLabeled, nil, ""},
		{"annotate refused", MetaChange{Field: Annotations, Set: map[string]string{"a": "x", "b": "y"}}, "", "", nil,
			"--overwrite is false but found the following declared annotation(s): 'a' already has a value (1); 'b' already has a value (2)"},
		{"a long value is cut", MetaChange{Field: Annotations, Set: map[string]string{"long": "x"}}, "", "", nil,
			"--overwrite is false but found the following declared annotation(s): 'long' already has a value (\"" + strings.Repeat("y", 80) + "\"…, 200 bytes)"},
		{"annotate no change", MetaChange{Field: Annotations, Remove: []string{"z"}}, "null", ActionAnnotated, []string{"z"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			patch, action, missing, err := c.c.Apply(cur)
			if c.err != "" {
				var oe *OverwriteError
				if !errors.As(err, &oe) || err.Error() != c.err {
					t.Errorf("err %v, want %q", err, c.err)
				}
				return
			}
			b, _ := json.Marshal(patch)
			if err != nil || string(b) != c.patch || action != c.action || !reflect.DeepEqual(missing, c.missing) {
				t.Errorf("got %s %q %v %v", b, action, missing, err)
			}
		})
	}
}

func TestWriterMeta(t *testing.T) {
	const live = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","resourceVersion":"5","labels":{"a":"1"}}}`
	const patched = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","resourceVersion":"6","labels":{"a":"1","b":"2"}}}`
	ctx := context.Background()
	t.Run("patch of the keys that change", func(t *testing.T) {
		w, s := scriptedWriter(t, Options{FieldManager: "kdx-label", MetadataOnly: true},
			step{want: getReq, code: 200, body: live},
			step{want: "PATCH fieldManager=kdx-label application/merge-patch+json", code: 200, body: patched})
		r := w.Meta(ctx, Task{Ref: cmRef}, MetaChange{Field: Labels, Set: map[string]string{"b": "2"}, Remove: []string{"gone"}})
		s.done()
		if r.Err != nil || r.Action != ActionLabeled || !reflect.DeepEqual(r.Missing, []string{"gone"}) || r.Object.GetResourceVersion() != "6" {
			t.Errorf("result %+v", r)
		}
		if s.bodies[1] != `{"metadata":{"labels":{"b":"2"}}}` {
			t.Errorf("patch %s", s.bodies[1])
		}
		if Line(r) != "configmap/c labeled" {
			t.Errorf("line %q", Line(r))
		}
	})
	t.Run("no change sends nothing", func(t *testing.T) {
		w, s := scriptedWriter(t, Options{MetadataOnly: true, DryRun: true}, step{want: getReq, code: 200, body: live})
		r := w.Meta(ctx, Task{Ref: cmRef}, MetaChange{Field: Labels, Set: map[string]string{"a": "1"}})
		s.done()
		if r.Err != nil || Line(r) != "configmap/c not labeled (server dry run)" {
			t.Errorf("result %+v, line %q", r, Line(r))
		}
	})
	t.Run("a stale resource version is the server's conflict", func(t *testing.T) {
		w, s := scriptedWriter(t, Options{FieldManager: "m"},
			step{want: getReq, code: 200, body: live},
			step{want: "PATCH fieldManager=m application/merge-patch+json", code: 409, body: conflictBody})
		r := w.Meta(ctx, Task{Ref: cmRef}, MetaChange{Field: Annotations, Set: map[string]string{"x": "y"}, ResourceVersion: "4"})
		s.done()
		if !apierrors.IsConflict(r.Err) || Explain(r) != `failed to annotate configmap/c: the object is at resourceVersion "5", not "4" (--resource-version): it changed since that version` || s.bodies[1] != `{"metadata":{"annotations":{"x":"y"},"resourceVersion":"4"}}` {
			t.Errorf("result %+v, patch %s", r, s.bodies[1])
		}
	})
	t.Run("refused overwrite sends no patch", func(t *testing.T) {
		w, s := scriptedWriter(t, Options{}, step{want: getReq, code: 200, body: live})
		r := w.Meta(ctx, Task{Ref: cmRef}, MetaChange{Field: Labels, Set: map[string]string{"a": "2"}})
		s.done()
		if r.Err == nil || Explain(r) != "failed to label configmap/c: 'a' already has a value (1), and --overwrite is false" {
			t.Errorf("result %+v", r)
		}
	})
	t.Run("list reads only", func(t *testing.T) {
		w, s := scriptedWriter(t, Options{}, step{want: getReq, code: 200, body: live})
		r := w.Meta(ctx, Task{Ref: cmRef}, MetaChange{Field: Labels, List: true})
		s.done()
		if r.Err != nil || !reflect.DeepEqual(MetaOf(r.Object, Labels), []string{"a=1"}) {
			t.Errorf("result %+v", r)
		}
	})
}
