package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestWriteConcurrency applies and deletes 40 objects with one, three and
// the default number of requests in flight: every result line comes in
// input order whatever the concurrency, and --concurrency 0 is refused.
func TestWriteConcurrency(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	for _, conc := range []string{"1", "3", ""} {
		t.Run("concurrency="+conc, func(t *testing.T) {
			ns := env.Namespace(t)
			var docs, applied, deleted []string
			for i := range 40 {
				docs = append(docs, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%02d, namespace: %s}\ndata: {i: %q}\n", i, ns, fmt.Sprint(i)))
				applied = append(applied, fmt.Sprintf("configmap/c%02d created", i))
				deleted = append(deleted, fmt.Sprintf("configmap \"c%02d\" deleted from %s namespace", i, ns))
			}
			file := manifestFile(t, "many.yaml", strings.Join(docs, "---\n"))
			args := []string{"-f", file}
			if conc != "" {
				args = append(args, "--concurrency", conc)
			}
			for _, step := range []struct {
				verb  string
				lines []string
			}{{"apply", applied}, {"delete", deleted}} {
				res := env.Kdx(t, append([]string{step.verb}, args...)...)
				wantResult(t, res, 0)
				if got, want := res.Stdout, strings.Join(step.lines, "\n")+"\n"; got != want {
					t.Errorf("%s: stdout\n%s\nwant\n%s", step.verb, got, want)
				}
			}
		})
	}
	res := env.Kdx(t, "apply", "-f", manifestFile(t, "one.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), "--concurrency", "0")
	wantResult(t, res, 1)
	if want := "error: --concurrency must be at least 1, not 0\n"; res.Stderr != want {
		t.Errorf("stderr %q, want %q", res.Stderr, want)
	}
}
