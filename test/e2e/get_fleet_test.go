package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EGetFleet reads three real clusters (one with a CRD the others
// lack and stopped during the test, one where the user may list nothing)
// and one that is down with one command: every format keeps each object's context recoverable, the down
// cluster is one error line, and the exit code is 1.
func TestE2EGetFleet(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	peer := testenv.StartPeer(t)
	third := testenv.SharedPeer(t) // where the restricted user may list nothing
	ns := env.Namespace(t)
	peer.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", ns))
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: " + ns + "\ndata:\n  k: v\n"
	peer.Apply(t, fleetCRD)
	peer.WaitForCRD(t, "widgets.fleet.example.org")
	env.Apply(t, fmt.Sprintf(cm, "only-in-a"))
	peer.Apply(t, fmt.Sprintf(cm, "only-in-b"))
	down := rest.CopyConfig(peer.Config)
	down.Host = "https://127.0.0.1:1"
	kc := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "a", Config: env.Config},
		testenv.FleetContext{Name: "b", Config: peer.Config},
		testenv.FleetContext{Name: "c-down", Config: down},
		testenv.FleetContext{Name: "r-restricted", Config: third.RestrictedConfig})
	kdx := func(args ...string) testenv.Result {
		return env.Kdx(t, append([]string{"--kubeconfig", kc, "-n", ns}, args...)...)
	}

	t.Run("table", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b,c-down", "--field-selector", "metadata.name!=kube-root-ca.crt", "--request-timeout", "5s")
		if res.ExitCode != 1 {
			t.Fatalf("exit %d, want 1; stderr: %s", res.ExitCode, res.Stderr)
		}
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "CONTEXT   NAME") ||
			!strings.HasPrefix(lines[1], "a         only-in-a") || !strings.HasPrefix(lines[2], "b         only-in-b") {
			t.Errorf("stdout:\n%s\nwant a header with CONTEXT, then the row of a, then the row of b", res.Stdout)
		}
		errLines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if len(errLines) != 1 || !strings.HasPrefix(errLines[0], `error: context "c-down": `) {
			t.Errorf("stderr:\n%s\nwant one line for c-down", res.Stderr)
		}
	})

	t.Run("two types", func(t *testing.T) {
		res := kdx("get", "configmaps,serviceaccounts", "--context", "a,b")
		if res.ExitCode != 0 || strings.Count(res.Stdout, "CONTEXT   NAME") != 3 || // b has no service account: no controller manager
			!strings.Contains(res.Stdout, "a         serviceaccount/default") || !strings.Contains(res.Stdout, "b         configmap/only-in-b") {
			t.Errorf("exit %d, stdout:\n%s\nwant a table per type and cluster, names with their kind", res.ExitCode, res.Stdout)
		}
	})

	t.Run("warnings name their context", func(t *testing.T) {
		res := kdx("get", "endpoints", "--context", "a,b")
		if res.ExitCode != 0 || !strings.Contains(res.Stderr, `Warning: context "a": v1 Endpoints is deprecated`) ||
			!strings.Contains(res.Stderr, `Warning: context "b": v1 Endpoints is deprecated`) {
			t.Errorf("exit %d, stderr:\n%s", res.ExitCode, res.Stderr)
		}
	})

	t.Run("all namespaces", func(t *testing.T) {
		res := kdx("get", "configmaps", "-A", "--context", "b,a", "--field-selector", "metadata.name=only-in-a")
		want := fmt.Sprintf("CONTEXT   NAMESPACE")
		if res.ExitCode != 0 || !strings.HasPrefix(res.Stdout, want) || !strings.Contains(res.Stdout, "a         "+ns) {
			t.Errorf("exit %d, stdout:\n%s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("json", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "-o", "json", "--field-selector", "metadata.name!=kube-root-ca.crt")
		var got map[string]struct {
			Kind  string
			Items []struct{ Metadata struct{ Name string } }
		}
		if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil || res.ExitCode != 0 {
			t.Fatalf("exit %d, %v; stdout:\n%s", res.ExitCode, err, res.Stdout)
		}
		if got["a"].Kind != "List" || len(got["a"].Items) != 1 || got["a"].Items[0].Metadata.Name != "only-in-a" ||
			len(got["b"].Items) != 1 || got["b"].Items[0].Metadata.Name != "only-in-b" {
			t.Errorf("got %+v", got)
		}
	})

	t.Run("yaml", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "-o", "yaml", "--field-selector", "metadata.name!=kube-root-ca.crt")
		var got map[string]struct {
			Items []struct {
				Metadata struct{ Name string }
				Data     map[string]string
			}
		}
		if err := yaml.Unmarshal([]byte(res.Stdout), &got); err != nil || res.ExitCode != 0 {
			t.Fatalf("exit %d, %v; stdout:\n%s", res.ExitCode, err, res.Stdout)
		}
		if len(got) != 2 || got["b"].Items[0].Metadata.Name != "only-in-b" || got["b"].Items[0].Data["k"] != "v" {
			t.Errorf("got %+v", got)
		}
	})

	t.Run("jsonl", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "-o", "jsonl", "--field-selector", "metadata.name!=kube-root-ca.crt")
		var contexts []string
		for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
			var v struct {
				Context string
				Object  struct{ Metadata struct{ Name string } }
			}
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			contexts = append(contexts, v.Context+"/"+v.Object.Metadata.Name)
		}
		if strings.Join(contexts, " ") != "a/only-in-a b/only-in-b" {
			t.Errorf("got %q", contexts)
		}
	})

	t.Run("name", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "?", "-o", "name", "--field-selector", "metadata.name!=kube-root-ca.crt")
		want := fmt.Sprintf("configmap/only-in-a -n %[1]s --context=a\nconfigmap/only-in-b -n %[1]s --context=b\n", ns)
		if res.ExitCode != 0 || res.Stdout != want {
			t.Errorf("exit %d, stdout %q, want %q; stderr: %s", res.ExitCode, res.Stdout, want, res.Stderr)
		}
		// a cluster-scoped object's line has no -n
		res = kdx("get", "namespace", ns, "--context", "a,b", "-o", "name")
		want = fmt.Sprintf("namespace/%[1]s --context=a\nnamespace/%[1]s --context=b\n", ns)
		if res.ExitCode != 0 || res.Stdout != want {
			t.Errorf("exit %d, stdout %q, want %q; stderr: %s", res.ExitCode, res.Stdout, want, res.Stderr)
		}
	})

	t.Run("custom columns and templates", func(t *testing.T) {
		sel := []string{"--context", "a,b", "--field-selector", "metadata.name!=kube-root-ca.crt"}
		res := kdx(append([]string{"get", "configmaps", "-o", "custom-columns=NAME:.metadata.name,DATA:.data.k"}, sel...)...)
		want := "CONTEXT   NAME        DATA\na         only-in-a   v\nb         only-in-b   v\n"
		if res.ExitCode != 0 || res.Stdout != want {
			t.Errorf("custom-columns: exit %d, stdout:\n%s\nwant:\n%s", res.ExitCode, res.Stdout, want)
		}
		res = kdx(append([]string{"get", "configmaps", "-o", `jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}`}, sel...)...)
		if res.ExitCode != 0 || res.Stdout != "only-in-a\nonly-in-b\n" {
			t.Errorf("jsonpath: exit %d, stdout %q", res.ExitCode, res.Stdout)
		}
		res = kdx(append([]string{"get", "configmaps", "-o", `go-template={{$c := .context}}{{range .items}}{{$c}} {{.metadata.name}}{{"\n"}}{{end}}`}, sel...)...)
		if res.ExitCode != 0 || res.Stdout != "a only-in-a\nb only-in-b\n" {
			t.Errorf("go-template: exit %d, stdout %q, stderr %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("server-print=false", func(t *testing.T) {
		res := kdx("get", "configmaps", "--context", "a,b", "--server-print=false", "--field-selector", "metadata.name!=kube-root-ca.crt")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if res.ExitCode != 0 || len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "CONTEXT NAME AGE" ||
			!strings.HasPrefix(lines[1], "a         only-in-a") || !strings.HasPrefix(lines[2], "b         only-in-b") {
			t.Errorf("exit %d, stdout:\n%s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("a cluster that hangs", func(t *testing.T) {
		// A server that accepts connections and never answers: its reads end
		// at --request-timeout, and the other cluster is printed in full.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		hung := rest.CopyConfig(env.Config)
		hung.Host = "https://" + l.Addr().String()
		hkc := testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "a", Config: env.Config}, testenv.FleetContext{Name: "h-hangs", Config: hung})
		start := time.Now()
		res := env.Kdx(t, "--kubeconfig", hkc, "-n", ns, "get", "configmaps", "--context", "h-hangs,a", "--request-timeout", "2s",
			"--field-selector", "metadata.name=only-in-a")
		if elapsed := time.Since(start); elapsed > 30*time.Second {
			t.Errorf("took %s: the hung cluster was not cut at --request-timeout", elapsed)
		}
		errLines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if res.ExitCode != 1 || !containsLine(res.Stdout, "a         only-in-a") || len(errLines) != 1 ||
			!strings.HasPrefix(errLines[0], `error: context "h-hangs": `) {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("grep", func(t *testing.T) {
		res := kdx("grep", "^only-in-", "configmaps", "--context", "a,b,c-down", "--values", "--request-timeout", "5s")
		want := "a  configmap/only-in-a  metadata.name: only-in-a\nb  configmap/only-in-b  metadata.name: only-in-b\n"
		if res.ExitCode != 2 || res.Stdout != want || !strings.HasPrefix(res.Stderr, `error: context "c-down": `) {
			t.Errorf("exit %d (want 2: c-down failed), stdout:\n%s\nwant:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, want, res.Stderr)
		}
		res = kdx("grep", "^only-in-b$", "configmaps", "--context", "a,b", "-o", "name")
		if res.ExitCode != 0 || res.Stdout != "configmap/only-in-b -n "+ns+" --context=b\n" {
			t.Errorf("-o name: exit %d, stdout %q", res.ExitCode, res.Stdout)
		}
	})

	t.Run("one context is as before", func(t *testing.T) {
		// Byte for byte in the object formats; tables without the AGE
		// column, which may tick between the two runs.
		withoutAge := func(table string) string {
			var out []string
			for _, l := range strings.Split(table, "\n") {
				if f := strings.Fields(l); len(f) > 0 {
					out = append(out, strings.Join(f[:len(f)-1], " "))
				}
			}
			return strings.Join(out, "\n")
		}
		for _, format := range []string{"", "json", "name"} {
			one := kdx("get", "configmaps", "--context", "a", "-o", format)
			plain := kdx("get", "configmaps", "-o", format)
			same := one.Stdout == plain.Stdout
			if format == "" {
				same = withoutAge(one.Stdout) == withoutAge(plain.Stdout)
			}
			if one.ExitCode != 0 || !same || strings.Contains(one.Stdout, "CONTEXT") {
				t.Errorf("-o %q --context a:\n%s\nwithout --context:\n%s", format, one.Stdout, plain.Stdout)
			}
		}
	})

	t.Run("unknown context", func(t *testing.T) {
		if res := kdx("version", "--context", "nope"); res.ExitCode != 1 || !strings.HasPrefix(res.Stdout, "Client Version: ") {
			t.Errorf("version --context nope: exit %d, stdout %q: want the client version, then the error", res.ExitCode, res.Stdout)
		}
		res := kdx("get", "configmaps", "--context", "a,nope")
		if res.ExitCode != 1 || res.Stdout != "" || !strings.Contains(res.Stderr, `context "nope" not found in kubeconfig (available: a, b, c-down, r-restricted)`) {
			t.Errorf("exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("api-resources side by side", func(t *testing.T) {
		res := kdx("api-resources", "--context", "a,b,c-down", "--request-timeout", "5s")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, `error: context "c-down": `) {
			t.Fatalf("exit %d, stderr %q", res.ExitCode, res.Stderr)
		}
		rows := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
			f := strings.Fields(line)
			if f[0] == "widgets" && !strings.Contains(line, "fleet.example.org") {
				continue // another test's widgets, in the shared cluster a
			}
			rows[f[0]] = f
		}
		if h := rows["NAME"]; strings.Join(h, " ") != "NAME SHORTNAMES APIGROUP NAMESPACED KIND a b" {
			t.Errorf("header %q", h)
		}
		// widgets: only in b, at v1 and v2; configmaps: both, v1
		if w := rows["widgets"]; len(w) < 4 || w[len(w)-2] != "-" || w[len(w)-1] != "v2,v1" {
			t.Errorf("widgets row %q, want '-' for a and 'v2,v1' for b; stdout:\n%s", w, res.Stdout)
		}
		if c := rows["configmaps"]; len(c) < 4 || c[len(c)-2] != "v1" || c[len(c)-1] != "v1" {
			t.Errorf("configmaps row %q", c)
		}
	})

	t.Run("api-resources counts", func(t *testing.T) {
		res := kdx("api-resources", "--context", "a,b", "--count", "--api-group", "", "-n", ns)
		var cm []string
		for _, line := range strings.Split(res.Stdout, "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == "configmaps" {
				cm = f
			}
		}
		// one ConfigMap of ours in each, plus kube-root-ca.crt where the controller manager runs (a)
		if res.ExitCode != 0 || len(cm) < 2 || cm[len(cm)-2] != "2" || cm[len(cm)-1] != "1" {
			t.Errorf("exit %d, configmaps row %q; stdout:\n%s\nstderr: %s", res.ExitCode, cm, res.Stdout, res.Stderr)
		}
	})

	t.Run("api-resources json", func(t *testing.T) {
		res := kdx("api-resources", "--context", "a,b", "-o", "json")
		var got map[string]struct{ Resources []struct{ Name string } }
		if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil || res.ExitCode != 0 {
			t.Fatalf("exit %d, %v; stdout:\n%.500s", res.ExitCode, err, res.Stdout)
		}
		has := func(ctx, name string) bool {
			for _, r := range got[ctx].Resources {
				if r.Name == name {
					return true
				}
			}
			return false
		}
		// a is shared with other tests, which add their own CRDs: compare what is known
		if !has("a", "configmaps") || !has("b", "configmaps") || has("a", "widgets") || !has("b", "widgets") {
			t.Errorf("want configmaps in a and b, widgets in b only; got a: %d resources, b: %d", len(got["a"].Resources), len(got["b"].Resources))
		}
	})

	t.Run("a type one cluster lacks, a user who may not list", func(t *testing.T) {
		res := kdx("get", "widgets", "--context", "a,b,r-restricted")
		errLines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if res.ExitCode != 1 || len(errLines) != 2 ||
			!strings.HasPrefix(errLines[0], `error: context "a": the server doesn't have a resource type "widgets"`) ||
			!strings.HasPrefix(errLines[1], `error: context "r-restricted": `) {
			t.Errorf("exit %d, stderr:\n%s", res.ExitCode, res.Stderr)
		}
		// b answers in full: it has the type, and no widget in the namespace
		if res.Stdout != "" {
			t.Errorf("stdout %q, want nothing (b has no widgets)", res.Stdout)
		}
		// a type only another cluster serves: said so, not "did you mean cs or cm or ep?"
		res = kdx("get", "tt", "--context", "a,b")
		if want := "error: context \"a\": the server doesn't have a resource type \"tt\"; context \"b\" serves it\n"; res.ExitCode != 1 || res.Stderr != want {
			t.Errorf("exit %d, stderr %q, want %q", res.ExitCode, res.Stderr, want)
		}
		// with one context, from the other contexts' discovery caches (b's, written above)
		res = kdx("get", "tt", "--context", "a")
		if want := "error: the server doesn't have a resource type \"tt\"; context \"b\" serves it\n"; res.ExitCode != 1 || res.Stderr != want {
			t.Errorf("exit %d, stderr %q, want %q", res.ExitCode, res.Stderr, want)
		}
		res = kdx("get", "configmaps", "--context", "r-restricted,b", "--field-selector", "metadata.name=only-in-b")
		if res.ExitCode != 1 || !strings.Contains(res.Stdout, "b         only-in-b") || !strings.Contains(res.Stderr, `error: context "r-restricted": `) ||
			!strings.Contains(res.Stderr, "forbidden") {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("version and api-versions", func(t *testing.T) {
		res := kdx("version", "--context", "a,b,c-down", "--request-timeout", "5s")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if res.ExitCode != 1 || len(lines) != 4 || !strings.HasPrefix(lines[0], "Client Version: ") ||
			!strings.HasPrefix(lines[1], "CONTEXT   SERVER VERSION") || !strings.HasPrefix(lines[2], "a         v1.") ||
			!strings.HasPrefix(lines[3], "b         v1.") || !strings.Contains(res.Stderr, `error: context "c-down": `) {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
		res = kdx("version", "--context", "a,b", "-o", "json")
		var got map[string]struct{ ServerVersion struct{ GitVersion string } }
		if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil || got["b"].ServerVersion.GitVersion == "" {
			t.Errorf("version -o json: %v\n%s", err, res.Stdout)
		}
		res = kdx("api-versions", "--context", "a,b")
		var fleetRow, appsRow string
		for _, line := range strings.Split(res.Stdout, "\n") {
			switch f := strings.Fields(line); {
			case len(f) > 0 && f[0] == "fleet.example.org/v2":
				fleetRow = strings.Join(f, " ")
			case len(f) > 0 && f[0] == "apps/v1":
				appsRow = strings.Join(f, " ")
			}
		}
		if res.ExitCode != 0 || !strings.HasPrefix(strings.Join(strings.Fields(strings.SplitN(res.Stdout, "\n", 2)[0]), " "), "GROUP/VERSION a b") || fleetRow != "fleet.example.org/v2 - yes" || appsRow != "apps/v1 yes yes" {
			t.Errorf("exit %d, stdout:\n%s", res.ExitCode, res.Stdout)
		}
	})

	t.Run("export", func(t *testing.T) {
		dir := t.TempDir()
		res := kdx("export", "configmaps", "--context", "a,b,c-down", "--dir", dir, "--request-timeout", "5s")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, `error: context "c-down": `) {
			t.Fatalf("exit %d, stderr:\n%s", res.ExitCode, res.Stderr)
		}
		for _, want := range []string{"a/" + ns + "/core/ConfigMap/only-in-a.yaml", "b/" + ns + "/core/ConfigMap/only-in-b.yaml"} {
			if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
				t.Errorf("%v; stderr:\n%s", err, res.Stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "a", ns, "core", "ConfigMap", "only-in-b.yaml")); err == nil {
			t.Errorf("b's object was written into a's tree")
		}
		if !strings.Contains(res.Stderr, "Context a (") || !strings.Contains(res.Stderr, "Context b (") {
			t.Errorf("stderr does not name each context's summary:\n%s", res.Stderr)
		}
	})

	t.Run("export to stdout", func(t *testing.T) {
		sel := []string{"--field-selector", "metadata.name!=kube-root-ca.crt"}
		alone := kdx(append([]string{"export", "configmaps", "--context", "a", "-o", "json"}, sel...)...)
		var aList map[string]any
		if err := json.Unmarshal([]byte(alone.Stdout), &aList); err != nil {
			t.Fatalf("export --context a: %v\n%s", err, alone.Stdout)
		}
		res := kdx(append([]string{"export", "configmaps", "--context", "a,b,c-down", "-o", "json", "--request-timeout", "5s"}, sel...)...)
		var byContext map[string]map[string]any
		if err := json.Unmarshal([]byte(res.Stdout), &byContext); err != nil {
			t.Fatalf("json: %v\n%s", err, res.Stdout)
		}
		if res.ExitCode != 1 || !reflect.DeepEqual(byContext["a"], aList) || len(byContext) != 2 ||
			!strings.Contains(res.Stderr, `error: context "c-down": `) {
			t.Errorf("json: exit %d, want a mapping of a and b, a's List as export --context a prints it; stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
		res = kdx(append([]string{"export", "configmaps", "--context", "a,b", "-o", "yaml"}, sel...)...)
		var got []string
		for _, doc := range strings.Split(res.Stdout, "\n---\n") {
			var d struct {
				Context string         `json:"context"`
				Object  map[string]any `json:"object"`
			}
			if err := yaml.Unmarshal([]byte(doc), &d); err != nil || d.Object == nil {
				t.Fatalf("yaml document %q: %v", doc, err)
			}
			if _, ok := d.Object["status"]; ok || d.Object["metadata"].(map[string]any)["uid"] != nil {
				t.Errorf("the object is not cleaned as export cleans it: %v", d.Object)
			}
			got = append(got, d.Context+"/"+d.Object["metadata"].(map[string]any)["name"].(string))
		}
		if res.ExitCode != 0 || !slices.Contains(got, "a/only-in-a") || !slices.Contains(got, "b/only-in-b") || !slices.IsSorted(got) {
			t.Errorf("yaml: exit %d, documents %v; stderr %s", res.ExitCode, got, res.Stderr)
		}
	})

	t.Run("watch", func(t *testing.T) {
		res := kdx("watch", "configmaps", "--context", "a,b,c-down", "--timeout", "3s", "--request-timeout", "5s",
			"--field-selector", "metadata.name!=kube-root-ca.crt")
		if res.ExitCode != 1 || !strings.HasPrefix(res.Stdout, "CONTEXT   NAME") ||
			!containsLine(res.Stdout, "a         only-in-a") || !containsLine(res.Stdout, "b         only-in-b") {
			t.Errorf("exit %d, stdout:\n%s\nwant one table with a CONTEXT column, the rows of a and b", res.ExitCode, res.Stdout)
		}
		errLines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if len(errLines) != 1 || !strings.HasPrefix(errLines[0], `error: context "c-down": `) {
			t.Errorf("stderr:\n%s\nwant one line for c-down", res.Stderr)
		}
	})

	t.Run("watch json", func(t *testing.T) {
		res := kdx("watch", "configmaps", "--context", "a,b", "--timeout", "3s", "-o", "json", "--field-selector", "metadata.name!=kube-root-ca.crt")
		dec := json.NewDecoder(strings.NewReader(res.Stdout))
		got := map[string]string{}
		for dec.More() {
			var doc struct {
				Context string                     `json:"context"`
				Object  *unstructured.Unstructured `json:"object"`
			}
			if err := dec.Decode(&doc); err != nil || doc.Object == nil {
				t.Fatalf("not a {context, object} document (%v):\n%s", err, res.Stdout)
			}
			got[doc.Object.GetName()] = doc.Context
		}
		if res.ExitCode != 0 || got["only-in-a"] != "a" || got["only-in-b"] != "b" {
			t.Errorf("exit %d, objects by context %v; stderr %s", res.ExitCode, got, res.Stderr)
		}
	})

	t.Run("watch --where", func(t *testing.T) {
		res := kdx("watch", "configmaps", "--context", "a,b", "--timeout", "3s", "-o", "name", "--where", `object.metadata.name.startsWith("only-in-")`)
		got := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		slices.Sort(got)
		if res.ExitCode != 0 || strings.Join(got, "\n") != fmt.Sprintf("configmap/only-in-a -n %[1]s --context=a\nconfigmap/only-in-b -n %[1]s --context=b", ns) {
			t.Errorf("exit %d, stdout:\n%s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("get -w names a missing object in one cluster", func(t *testing.T) {
		res := kdx("get", "configmaps", "only-in-a", "--context", "a,b", "-w", "--request-timeout", "3s")
		if res.ExitCode != 1 || !containsLine(res.Stdout, "a         only-in-a") ||
			strings.TrimSpace(res.Stderr) != `error: context "b": configmaps "only-in-a" not found` {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
		res = kdx("get", "configmaps", "--context", "a,b", "-w", "-o", "custom-columns=NAME:.metadata.name")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, "not supported when watching several contexts") {
			t.Errorf("custom-columns: exit %d, stderr %q", res.ExitCode, res.Stderr)
		}
	})

	t.Run("watch: each cluster resumes on its own", func(t *testing.T) {
		p := startKdx(t, env, kc, "-n", ns, "watch", "configmaps", "--context", "a,b", "-o", "jsonl", "--output-watch-events")
		seen := func(context, name string) func(string) bool {
			return func(line string) bool {
				var doc struct {
					Context string                     `json:"context"`
					Type    string                     `json:"type"`
					Object  *unstructured.Unstructured `json:"object"`
				}
				return json.Unmarshal([]byte(line), &doc) == nil && doc.Object != nil &&
					doc.Context == context && doc.Type == "ADDED" && doc.Object.GetName() == name
			}
		}
		p.waitFor(t, "b's object", seen("b", "only-in-b"))
		peer.StopAPIServer()
		env.Apply(t, fmt.Sprintf(cm, "while-b-is-down"))
		p.waitFor(t, "a's new object while b is down", seen("a", "while-b-is-down"))
		if err := peer.StartAPIServer(context.Background()); err != nil {
			t.Fatal(err)
		}
		peer.Apply(t, fmt.Sprintf(cm, "after-b-is-back"))
		p.waitFor(t, "b's new object after its restart", seen("b", "after-b-is-back"))
		if !strings.Contains(p.errText(), `Warning: context "b": `) {
			t.Errorf("stderr does not say that b's watch was lost:\n%s", p.errText())
		}
	})

	t.Run("writes", func(t *testing.T) {
		manifest := fmt.Sprintf(cm, "written-to-both")
		res := env.KdxIn(t, strings.NewReader(manifest), nil, "--kubeconfig", kc, "apply", "-f", "-", "--context", "a,b")
		want := "a: configmap/written-to-both created\nb: configmap/written-to-both created\n"
		if res.ExitCode != 0 || res.Stdout != want {
			t.Fatalf("apply: exit %d, stdout %q, want %q; stderr %s", res.ExitCode, res.Stdout, want, res.Stderr)
		}
		res = env.KdxIn(t, strings.NewReader(fmt.Sprintf(cm, "created-in-a")), nil, "--kubeconfig", kc, "create", "-f", "-", "--context", "a,c-down", "--request-timeout", "5s")
		if res.ExitCode != 1 || res.Stdout != "a: configmap/created-in-a created\n" || !strings.Contains(res.Stderr, "c-down") {
			t.Errorf("create: exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
		}
		for _, args := range [][]string{{"--context", "?"}, {"--all-contexts"}} {
			res = env.KdxIn(t, strings.NewReader(manifest), nil, append([]string{"--kubeconfig", kc, "apply", "-f", "-"}, args...)...)
			if res.ExitCode != 1 || !strings.Contains(res.Stderr, "a write names its contexts") {
				t.Errorf("apply %q: exit %d, stderr %q", args, res.ExitCode, res.Stderr)
			}
		}
		res = kdx("delete", "configmaps", "--field-selector", "metadata.name=written-to-both", "--context", "a,b")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, "needs --yes") {
			t.Errorf("delete without --yes: exit %d, stderr %q", res.ExitCode, res.Stderr)
		}
		res = kdx("delete", "configmaps", "--field-selector", "metadata.name=written-to-both", "--context", "a,b", "--yes")
		want = fmt.Sprintf("a: configmap \"written-to-both\" deleted from %[1]s namespace\nb: configmap \"written-to-both\" deleted from %[1]s namespace\n", ns)
		if res.ExitCode != 0 || res.Stdout != want {
			t.Errorf("delete --yes: exit %d, stdout %q, want %q; stderr %q", res.ExitCode, res.Stdout, want, res.Stderr)
		}
	})

	// Last: b's API server stops while the fleet is in use; a still answers
	// in full, b is one line, the exit code is 1.
	t.Run("a cluster stopped during the test", func(t *testing.T) {
		peer.StopAPIServer()
		res := kdx("get", "configmaps", "--context", "a,b", "--field-selector", "metadata.name=only-in-a", "--request-timeout", "5s")
		errLines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		if res.ExitCode != 1 || !strings.Contains(res.Stdout, "a         only-in-a") || len(errLines) != 1 ||
			!strings.HasPrefix(errLines[0], `error: context "b": `) {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})
}

const fleetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.fleet.example.org
spec:
  group: fleet.example.org
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [tt]}
  scope: Namespaced
  versions:
  - name: v2
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
  - name: v1
    served: true
    storage: false
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`

// containsLine reports whether a line of out starts with prefix.
func containsLine(out, prefix string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
