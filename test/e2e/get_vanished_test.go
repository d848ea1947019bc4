package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestGetDeletedCRDType: a type resolved from a discovery cache written
// before its CRD was deleted is, as for any type the server does not have,
// one line in kubectl's words and exit 1, listed or by name, for the reads
// of the engine, export, watch, and deletes and patches by name, and
// kubectl's "no matches for kind" for each object of -f (the cache is
// rechecked on the 404, never trusted).
func TestGetDeletedCRDType(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	crd, group := uniqueCRD(ns)
	env.Apply(t, crd)
	deleteCRDAtEnd(t, env, "things."+group)
	env.WaitForCRD(t, "things."+group)
	typ := "things." + group
	thing := `apiVersion: ` + group + `/v1
kind: Thing
metadata: {name: t1, namespace: ` + ns + `}
spec: {size: 1}
`
	env.Apply(t, thing)
	file := filepath.Join(t.TempDir(), "thing.yaml")
	if err := os.WriteFile(file, []byte(thing), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{"get", typ, "-n", ns},
		{"get", typ, "t1", "-n", ns},
		{"get", typ, "t1", "-n", ns, "--ignore-not-found"},
		{"describe", typ, "-n", ns},
		{"describe", typ, "t1", "-n", ns},
		{"delete", typ, "--all", "-n", ns},
		{"delete", typ, "t1", "t2", "-n", ns},
		{"patch", typ, "t1", "-n", ns, "--type", "merge", "-p", `{"spec":{"size":2}}`},
		{"export", typ, "-n", ns},
		{"watch", typ, "-n", ns, "--timeout", "5s"},
		{"apply", "-f", file},
		{"create", "-f", file},
		{"replace", "-f", file},
		{"delete", "-f", file},
		{"grep", "x", typ, "-n", ns},
	}
	// one cache per case, each written before the delete: after its first
	// run a cache no longer has the type
	caches := make([]string, len(cases))
	for i := range cases {
		caches[i] = t.TempDir()
		if res := env.Kdx(t, "--cache-dir", caches[i], "get", typ, "-n", ns, "-o", "name"); res.ExitCode != 0 || strings.TrimSpace(res.Stdout) != "thing."+group+"/t1" {
			t.Fatalf("before the delete: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	}
	if res := env.RunKubectl(t, "delete", "crd", typ); res.ExitCode != 0 {
		t.Fatalf("kubectl delete crd: %s", res.Stderr)
	}
	// The CRD is gone once its path answers 404.
	deadline := time.Now().Add(time.Minute)
	for env.RunKubectl(t, "get", "--raw", "/apis/"+group+"/v1/namespaces/"+ns+"/things").ExitCode == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the deleted CRD is still served after a minute")
		}
		time.Sleep(200 * time.Millisecond)
	}
	want := `error: the server doesn't have a resource type "things" in group "` + group + `"`
	for i, args := range cases {
		res := env.Kdx(t, append([]string{"--cache-dir", caches[i]}, args...)...)
		code, want := 1, want
		if args[0] == "grep" {
			code = 2 // grep(1)'s code for what could not be read
		}
		if args[1] == "-f" {
			want = "error: failed to " + args[0] + " thing." + group + "/t1 from " + file + ` document 1 (line 1): no matches for kind "Thing" in version "` + group + `/v1"`
		}
		if args[0] == "export" {
			// the summary, then its one failed type in those words, as get says it
			want = "Exported 0 objects.\n" + want
		}
		if res.ExitCode != code || strings.TrimSpace(res.Stderr) != want || res.Stdout != "" {
			t.Errorf("kdx %s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(args, " "), res.ExitCode, res.Stdout, res.Stderr, code, want)
		}
	}
}
