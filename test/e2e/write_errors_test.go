package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestWriteErrorsInWords checks the errors of the write verbs that once
// dumped objects, pointed the wrong way or said nothing.
func TestWriteErrorsInWords(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alpha, namespace: %s}\ndata: {a: \"1\"}\n", ns))

	t.Run("a patch the object's type refuses, without the object", func(t *testing.T) {
		for _, c := range []struct{ typ, patch, want string }{
			{"merge", `{"bogus":1}`, `the patched object does not fit the resource's type: strict decoding error: unknown field "bogus" (--validate=warn drops`},
			{"json", `[{"op":"add","path":"/bogus","value":1}]`, `strict decoding error: unknown field "bogus"`},
			{"strategic", `{"bogus":1}`, `strict decoding error: unknown field "bogus"`},
			{"merge", `{"data":{"x":1}}`, "the patched object does not fit the resource's type: json: cannot unmarshal number into Go struct field ConfigMap.data of type string"},
		} {
			res := env.Kdx(t, "patch", "cm", "alpha", "-n", ns, "--type", c.typ, "-p", c.patch)
			wantResult(t, res, 1, "error: failed to patch configmap/alpha: ", c.want)
			if strings.Contains(res.Stderr, "managedFields") || strings.Contains(res.Stderr, `\"`) {
				t.Errorf("--type %s %s: the error dumps the object:\n%s", c.typ, c.patch, res.Stderr)
			}
		}
		// --validate=warn is what kubectl patch does by default.
		args := []string{"patch", "cm", "alpha", "-n", ns, "--type", "merge", "-p", `{"bogus":1}`}
		res, k := env.Kdx(t, append(args, "--validate=warn")...), env.RunKubectl(t, args...)
		wantResult(t, res, 0)
		if res.Stdout != k.Stdout || res.Stderr != k.Stderr || k.ExitCode != 0 {
			t.Errorf("kdx --validate=warn: %q %q; kubectl (exit %d): %q %q", res.Stdout, res.Stderr, k.ExitCode, k.Stdout, k.Stderr)
		}
	})

	t.Run("a dry run cannot create the namespace of the input", func(t *testing.T) {
		other := ns + "-new"
		file := manifestFile(t, "ns.yaml", fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %[1]s}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: %[1]s}\n", other))
		for _, verb := range []string{"apply", "create"} {
			res := env.Kdx(t, verb, "-f", file, "--dry-run=server")
			wantResult(t, res, 1, fmt.Sprintf("namespace %q does not exist, and a server dry run creates nothing, not even a Namespace of the same input: create the namespace first", other))
			if want := fmt.Sprintf("namespace/%s created (server dry run)\n", other); res.Stdout != want {
				t.Errorf("%s: stdout %q, want %q", verb, res.Stdout, want)
			}
			if k := env.RunKubectl(t, verb, "-f", file, "--dry-run=server"); k.ExitCode != 1 {
				t.Errorf("kubectl %s exit %d, kdx 1", verb, k.ExitCode)
			}
		}
	})

	t.Run("patch says what is missing", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{nil, "error: you must name the objects to patch and give the patch: kdx patch TYPE NAME (-p PATCH | --patch-file FILE)"},
			{[]string{"-p", "{}"}, "error: you must name the objects to patch: TYPE NAME... or TYPE/NAME..."},
			{[]string{"cm", "alpha"}, "error: a patch is required: use --patch (-p) or --patch-file"},
		} {
			args := append([]string{"patch"}, c.args...)
			res := env.Kdx(t, args...)
			wantResult(t, res, 1, c.want)
			if strings.Contains(res.Stderr, "arg(s)") {
				t.Errorf("kdx %v: cobra's words: %s", args, res.Stderr)
			}
			if k := env.RunKubectl(t, args...); k.ExitCode != 1 {
				t.Errorf("kubectl %v: exit %d, kdx 1", args, k.ExitCode)
			}
		}
	})

	t.Run("an unknown help topic is an error", func(t *testing.T) {
		res := env.Kdx(t, "help", "nosuch")
		wantResult(t, res, 1, `error: unknown help topic "nosuch" (see 'kdx --help' for the commands)`)
		if res.Stdout != "" {
			t.Errorf("stdout %q, want nothing", res.Stdout)
		}
		wantResult(t, env.Kdx(t, "help", "gte"), 1, "did you mean get")
		if res := env.Kdx(t, "help", "patch"); res.ExitCode != 0 || !strings.Contains(res.Stdout, "kdx patch") {
			t.Errorf("help patch: exit %d\n%s", res.ExitCode, res.Stdout)
		}
	})

	t.Run("a directory with only subdirectories mentions -R", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		cm := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sub, namespace: %s}\n", ns)
		if err := os.WriteFile(filepath.Join(dir, "sub", "cm.yaml"), []byte(cm), 0o644); err != nil {
			t.Fatal(err)
		}
		res := env.Kdx(t, "apply", "-f", dir)
		wantResult(t, res, 1, fmt.Sprintf("error: directory %s has no .json, .yaml, .yml files; its subdirectories are read only with -R (--recursive)", dir))
		if k := env.RunKubectl(t, "apply", "--server-side", "-f", dir); k.ExitCode != 1 {
			t.Errorf("kubectl apply exit %d, kdx 1", k.ExitCode)
		}
		wantResult(t, env.Kdx(t, "apply", "-f", dir, "-R"), 0)
	})
}
