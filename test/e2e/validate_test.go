package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// validateModes are the values of --validate, with what a duplicate field
// in the input does under each.
var validateModes = []struct {
	mode    string
	refused bool // the input is refused: exit 1, nothing written
	warned  bool // a warning on stderr, the object written with the last value
}{
	{mode: "strict", refused: true},
	{mode: "warn", warned: true},
	{mode: "ignore"},
}

// duplicateConfigMap is a ConfigMap named name whose data.k is given twice,
// "first" then "last" (the second k on line 8).
func duplicateConfigMap(ns, name string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: %s
  namespace: %s
data:
  k: first
  k: last
`, name, ns)
}

// serverField returns the value at jsonpath of the object kind/name in ns, as
// kdx get prints it, and whether the object exists.
func serverField(t *testing.T, env *testenv.Env, ns, kind, name, jsonpath string) (string, bool) {
	t.Helper()
	res := env.Kdx(t, "get", kind, name, "-n", ns, "--ignore-not-found", "-o", "name")
	wantResult(t, res, 0)
	if res.Stdout == "" {
		return "", false
	}
	res = env.Kdx(t, "get", kind, name, "-n", ns, "-o", "jsonpath="+jsonpath)
	wantResult(t, res, 0)
	return res.Stdout, true
}

// wantAbsent fails t if any of the objects kind/name exists in ns.
func wantAbsent(t *testing.T, env *testenv.Env, ns string, objects ...string) {
	t.Helper()
	for _, o := range objects {
		kind, name, _ := strings.Cut(o, "/")
		if _, found := serverField(t, env, ns, kind, name, "{.metadata.name}"); found {
			t.Errorf("%s exists in %s, want it not written", o, ns)
		}
	}
}

func TestValidateDuplicateField(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	for _, verb := range []string{"apply", "create"} {
		for _, tc := range validateModes {
			t.Run(verb+" "+tc.mode, func(t *testing.T) {
				ns := env.Namespace(t)
				file := manifestFile(t, "dup.yaml", duplicateConfigMap(ns, "dup"))
				msg := fmt.Sprintf(`%s document 1 (line 8): duplicate field "k"`, file)

				res := env.Kdx(t, verb, "-f", file, "--validate="+tc.mode)
				value, found := serverField(t, env, ns, "configmap", "dup", "{.data.k}")
				switch {
				case tc.refused:
					wantResult(t, res, 1)
					if want := "error: " + msg + "\n"; res.Stderr != want || res.Stdout != "" {
						t.Errorf("stdout %q, stderr %q; want no output and stderr %q", res.Stdout, res.Stderr, want)
					}
					if found {
						t.Errorf("configmap/dup was written (data.k %q), want nothing written when the input is refused", value)
					}
					return
				case tc.warned:
					wantResult(t, res, 0)
					if want := "Warning: " + msg + " (the last value is used)\n"; res.Stderr != want {
						t.Errorf("stderr %q, want %q", res.Stderr, want)
					}
				default:
					wantResult(t, res, 0)
					if res.Stderr != "" {
						t.Errorf("stderr %q, want nothing: --validate=ignore keeps duplicates silently", res.Stderr)
					}
				}
				if want := "configmap/dup created\n"; res.Stdout != want {
					t.Errorf("stdout %q, want %q", res.Stdout, want)
				}
				if !found || value != "last" {
					t.Errorf("configmap/dup on the server: found %v, data.k %q; want it written with the last value %q", found, value, "last")
				}
			})
		}
	}
}

func TestValidateDuplicateInLaterDocument(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	for _, verb := range []string{"apply", "create"} {
		for _, tc := range validateModes {
			if tc.mode == "ignore" {
				continue // nothing to tell apart from TestValidateDuplicateField
			}
			t.Run(verb+" "+tc.mode, func(t *testing.T) {
				ns := env.Namespace(t)
				// Document 2 starts on line 6; its second k is on line 13.
				file := manifestFile(t, "multi.yaml", fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: one, namespace: %[1]s}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: two
  namespace: %[1]s
data:
  k: first
  k: last
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: three, namespace: %[1]s}
spec: {size: 3}
`, ns))
				msg := fmt.Sprintf(`%s document 2 (line 13): duplicate field "k"`, file)
				res := env.Kdx(t, verb, "-f", file, "--validate="+tc.mode)
				if tc.refused {
					wantResult(t, res, 1)
					if want := "error: " + msg + "\n"; res.Stderr != want || res.Stdout != "" {
						t.Errorf("stdout %q, stderr %q; want no output and stderr %q", res.Stdout, res.Stderr, want)
					}
					wantAbsent(t, env, ns, "configmap/one", "configmap/two", "gadget/three")
					return
				}
				wantResult(t, res, 0)
				if want := "Warning: " + msg + " (the last value is used)\n"; res.Stderr != want {
					t.Errorf("stderr %q, want %q", res.Stderr, want)
				}
				for _, o := range []struct{ kind, name, path, want string }{
					{"configmap", "one", "{.data.k}", "v"},
					{"configmap", "two", "{.data.k}", "last"},
					{"gadget", "three", "{.spec.size}", "3"},
				} {
					if got, found := serverField(t, env, ns, o.kind, o.name, o.path); !found || got != o.want {
						t.Errorf("%s/%s: found %v, %s %q; want it written with %q", o.kind, o.name, found, o.path, got, o.want)
					}
				}
			})
		}
	}
}

func TestValidateUnknownFieldApply(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	applyDemoCRDs(t, env)
	objects := []struct {
		name, object, ref, want string
	}{
		{
			name:   "configmap",
			object: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd, namespace: %s}\ndata: {k: v}\nbogus: 1\n",
			ref:    "configmap/odd",
			want:   ".bogus: field not declared in schema",
		},
		{
			name:   "gadget",
			object: "apiVersion: multi.example.org/v2\nkind: Gadget\nmetadata: {name: odd, namespace: %s}\nspec: {size: 1, bogus: 1}\n",
			ref:    "gadget.multi.example.org/odd",
			want:   ".spec.bogus: field not declared in schema",
		},
	}
	for _, obj := range objects {
		for _, tc := range validateModes {
			t.Run(obj.name+" "+tc.mode, func(t *testing.T) {
				ns := env.Namespace(t)
				file := manifestFile(t, "unknown.yaml", fmt.Sprintf(obj.object, ns))
				res := env.Kdx(t, "apply", "-f", file, "--validate="+tc.mode)
				wantResult(t, res, 1, fmt.Sprintf("failed to apply %s from %s document 1 (line 1): the object does not fit the resource's schema:\n  %s", obj.ref, file, obj.want))
				if res.Stdout != "" {
					t.Errorf("stdout %q, want nothing: the server must refuse the unknown field", res.Stdout)
				}
				wantAbsent(t, env, ns, obj.name+"/odd")
			})
		}
	}
}
