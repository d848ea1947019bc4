package discovery

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EAllTypesSeeNewTypes: a discovery cache written before a CRD
// existed (and younger than its TTL) does not hide the CRD's objects from
// the answers about every type: get --all-types, get of a category (all),
// watch --all-types and export --all-types revalidate discovery first.
func TestE2EAllTypesSeeNewTypes(t *testing.T) {
	env := testenv.Require(t)
	ns := env.Namespace(t)
	cases := []struct {
		name string
		args []string
	}{
		{"get --all-types", []string{"get", "--all-types", "-A", "-o", "name"}},
		{"get all", []string{"get", "all", "-n", ns, "-o", "name"}},
		{"watch --all-types", []string{"watch", "--all-types", "-n", ns, "--timeout", "3s"}},
		{"export --all-types", []string{"export", "--all-types", "-n", ns}},
	}
	dirs := make([]string, len(cases))
	for i := range cases {
		dirs[i] = t.TempDir()
		if res := env.Kdx(t, "--cache-dir", dirs[i], "api-resources"); res.ExitCode != 0 {
			t.Fatalf("warming the cache: exit %d: %s", res.ExitCode, res.Stderr)
		}
	}
	crd := strings.Replace(newCRD("latecomers", "Latecomer", "late.kdx.example.org"),
		"names: {", "names: {categories: [all], ", 1)
	env.Apply(t, crd)
	t.Cleanup(func() {
		if res := env.RunKubectl(t, "delete", "crd", "latecomers.late.kdx.example.org", "--wait=false"); res.ExitCode != 0 {
			t.Errorf("failed to delete the CRD: %s", res.Stderr)
		}
	})
	env.WaitForCRD(t, "latecomers.late.kdx.example.org")
	waitDiscovered(t, env.Config, schema.GroupResource{Group: "late.kdx.example.org", Resource: "latecomers"})
	env.Apply(t, "apiVersion: late.kdx.example.org/v1\nkind: Latecomer\nmetadata: {name: first, namespace: "+ns+"}\n")

	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := env.Kdx(t, append([]string{"--cache-dir", dirs[i]}, c.args...)...)
			if res.ExitCode != 0 {
				t.Fatalf("exit %d: %s", res.ExitCode, res.Stderr)
			}
			if !strings.Contains(res.Stdout, "latecomer.late.kdx.example.org/first") && !regexp.MustCompile(`(?m)^first\b|name: first\b`).MatchString(res.Stdout) {
				t.Errorf("the object of a CRD created after the cache was written is missing:\n%s", res.Stdout)
			}
		})
	}

	// Nothing changed since: the revalidation is one round trip, a 304 for
	// each of the two discovery documents.
	t.Run("one round trip", func(t *testing.T) {
		res := env.Kdx(t, "--cache-dir", dirs[0], "get", "--all-types", "-n", ns, "-o", "name", "-v=6")
		if res.ExitCode != 0 {
			t.Fatalf("exit %d: %s", res.ExitCode, res.Stderr)
		}
		disc := regexp.MustCompile(`url="https?://[^/"]+/(apis?)" status="([^"]+)"`).FindAllStringSubmatch(res.Stderr, -1)
		var got []string
		for _, m := range disc {
			got = append(got, m[1]+" "+m[2])
		}
		slices.Sort(got)
		if want := []string{"api 304 Not Modified", "apis 304 Not Modified"}; !slices.Equal(got, want) {
			t.Errorf("discovery requests %q, want %q", got, want)
		}
	})
}
