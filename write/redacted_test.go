package write

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/manifest"
)

func secretObject(name string, data map[string]any) manifest.Object {
	return manifest.Object{Object: &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": name}, "data": data}},
		Source: manifest.Source{File: name + ".yaml"}}
}

// TestBatchRefusesRedactedSecrets checks that the Secrets export redacted
// fail before any request, and the rest is written.
func TestBatchRefusesRedactedSecrets(t *testing.T) {
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, meta.RESTScopeNamespace)
	mapper.Add(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, meta.RESTScopeNamespace)
	objs := []manifest.Object{
		secretObject("db", map[string]any{"password": "UkVEQUNURUQ=", "user": "UkVEQUNURUQ="}),
		{Object: &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c"}, "data": map[string]any{"a": "UkVEQUNURUQ="}}}},
		secretObject("tls", map[string]any{"crt": "YQ=="}),
		secretObject("half", map[string]any{"crt": "YQ==", "key": "UkVEQUNURUQ="}),
	}
	for _, allow := range []bool{false, true} {
		var written []string
		op := func(_ context.Context, task Task) Result {
			written = append(written, task.Ref.Name)
			return Result{Task: task, Action: ActionApplied}
		}
		b := &Batch{Writer: &Writer{}, Mapper: mapper, Namespace: "shop", Verb: "apply", Concurrency: 1, AllowRedacted: allow}
		var failures []Result
		b.Run(context.Background(), objs, op, func(r Result) {
			if r.Err != nil {
				failures = append(failures, r)
			}
		})
		if allow {
			if len(failures) != 0 || strings.Join(written, " ") != "db c tls half" {
				t.Errorf("with AllowRedacted: wrote %v, failures %v; want every object written", written, failures)
			}
			continue
		}
		if strings.Join(written, " ") != "c tls" || len(failures) != 2 {
			t.Fatalf("wrote %v, failures %v; want c and tls written, db and half refused", written, failures)
		}
		var re *RedactedError
		if !errors.As(failures[1].Err, &re) || strings.Join(re.Keys, ",") != "data.key" {
			t.Errorf("half: %v, want a RedactedError naming data.key", failures[1].Err)
		}
		want := "failed to apply secret/db from db.yaml: the Secret holds REDACTED in data.password, data.user (written by kdx export --redact-secrets in place of its values): put the real values in, or pass --allow-redacted to write it as it is"
		if got := Explain(failures[0]); got != want {
			t.Errorf("Explain:\n got %s\nwant %s", got, want)
		}
		line, rest := SplitRedacted(append(failures, Result{Task: Task{Ref: cmRef}, Verb: "apply", Err: errors.New("other")}))
		want = "2 Secrets not applied: they hold REDACTED, which kdx export --redact-secrets wrote in place of their values: secret/db -n shop, secret/half -n shop; put the real values in the input, or pass --allow-redacted to apply them as they are"
		if line != want || len(rest) != 1 || rest[0].Err.Error() != "other" {
			t.Errorf("SplitRedacted:\n got %s, rest %v\nwant %s", line, rest, want)
		}
	}
}

func TestSplitRedactedWording(t *testing.T) {
	many := make([]Result, 7)
	for i := range many {
		ref := cmRef
		ref.GVK.Kind, ref.Name, ref.Namespace = "Secret", string(rune('a'+i)), ""
		many[i] = Result{Task: Task{Ref: ref}, Verb: "diff", Err: &RedactedError{Keys: []string{"data.x"}}}
	}
	cases := []struct {
		name string
		in   []Result
		want string
	}{
		{"none", []Result{{Err: errors.New("x")}}, ""},
		{"one, create", []Result{{Task: Task{Ref: Ref{Mapping: many[0].Task.Ref.Mapping, Name: "s"}}, Verb: "create", Err: &RedactedError{}}},
			"1 Secret not created: it holds REDACTED, which kdx export --redact-secrets wrote in place of its values: secret/s; put the real values in the input, or pass --allow-redacted to create it as it is"},
		{"many, diff", many,
			"7 Secrets not compared: they hold REDACTED, which kdx export --redact-secrets wrote in place of their values: secret/a, secret/b, secret/c, secret/d, secret/e and 2 more; put the real values in the input, or pass --allow-redacted to diff them as they are"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := SplitRedacted(c.in); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}
