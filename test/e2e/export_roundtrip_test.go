package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/golden"
	"github.com/kdxproject/kdx/internal/testenv"
)

// exportRoundTripData is the directory of the round trip's manifests.
const exportRoundTripData = "../../testdata/export/roundtrip"

// TestExportRoundTrip is the acceptance test of kdx export: objects made in
// one control plane are exported, applied with kdx apply -R to a second,
// fresh one, and exported again; the two trees are identical byte for byte.
// The first tree is checked against a golden file, so that each cleaning
// rule that applies to these objects is seen at work on a real server. The
// fresh control plane's own export writes no object at all.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	a := testenv.Alone(t)
	ns := a.Namespace(t)
	seedExportData(t, a, ns)

	first := filepath.Join(t.TempDir(), "a")
	exportNamespaceTree(t, a, ns, first)
	checkExportTreeGolden(t, first, ns, "roundtrip.golden")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b, err := testenv.Start(ctx, testenv.Options{})
	if err != nil {
		t.Fatalf("failed to start the second control plane: %v", err)
	}
	t.Cleanup(b.Stop)

	t.Run("fresh cluster exports nothing", func(t *testing.T) { checkFreshExport(t, b) })

	res := b.Kdx(t, "apply", "-f", first, "-R")
	if res.ExitCode != 0 {
		t.Fatalf("kdx apply -f %s -R: exit %d\n%s%s", first, res.ExitCode, res.Stdout, res.Stderr)
	}
	second := filepath.Join(t.TempDir(), "b")
	exportNamespaceTree(t, b, ns, second)
	if diff := diffTrees(t, first, second); diff != "" {
		t.Errorf("the tree exported after the round trip differs:\n%s", diff)
	}
}

// seedExportData makes the round trip's objects in ns and waits for the
// controllers to have made theirs (ReplicaSet, EndpointSlices, token CA).
func seedExportData(t *testing.T, env *testenv.Env, ns string) {
	t.Helper()
	env.ApplyFile(t, filepath.Join(exportRoundTripData, "crds.yaml"))
	env.Apply(t, readManifest(t, "objects.yaml", ns))
	res := env.RunKubectlIn(t, strings.NewReader(readManifest(t, "configmap.yaml", ns)), nil, "apply", "-f", "-")
	if res.ExitCode != 0 {
		t.Fatalf("kubectl apply: %s", res.Stderr)
	}
	waitForObjects(t, env, ns, "replicasets", "endpointslices", "configmap/kube-root-ca.crt", "serviceaccount/default")
}

func readManifest(t *testing.T, name, ns string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(exportRoundTripData, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "NAMESPACE", ns)
}

// waitForObjects waits until kubectl get finds something for each argument in ns.
func waitForObjects(t *testing.T, env *testenv.Env, ns string, what ...string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for _, w := range what {
		for {
			res := env.RunKubectl(t, "get", w, "-n", ns, "-o", "name")
			if res.ExitCode == 0 && strings.TrimSpace(res.Stdout) != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s in %s after a minute: %s", w, ns, res.Stderr)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// exportNamespaceTree exports ns (every namespaced type), the namespace
// itself, the test's CRDs and their cluster-scoped objects into dir.
func exportNamespaceTree(t *testing.T, env *testenv.Env, ns, dir string) {
	t.Helper()
	for _, args := range [][]string{
		{"--all-types", "-n", ns},
		{"namespace", ns},
		{"customresourcedefinitions", "gizmos.export.kdx.test", "gizmoclasses.export.kdx.test"},
		{"gizmoclasses"},
	} {
		res := env.Kdx(t, append([]string{"export", "--dir", dir}, args...)...)
		if res.ExitCode != 0 {
			t.Fatalf("kdx export %v: exit %d\n%s", args, res.ExitCode, res.Stderr)
		}
	}
}

// checkFreshExport exports everything from a fresh control plane: no file
// is written, and the summary's skipped objects are every object there is.
func checkFreshExport(t *testing.T, env *testenv.Env) {
	dir := t.TempDir()
	for attempt := 1; ; attempt++ {
		res := env.Kdx(t, "export", "--all-types", "-A", "--dir", dir)
		if res.ExitCode != 0 {
			t.Fatalf("kdx export: exit %d\n%s", res.ExitCode, res.Stderr)
		}
		if files := treeFiles(t, dir); len(files) > 0 {
			t.Fatalf("a fresh cluster's export wrote %d files: %v\nsummary:\n%s", len(files), files, res.Stderr)
		}
		if !strings.HasPrefix(res.Stderr, "Exported 0 objects.\nSkipped ") {
			t.Fatalf("summary does not start with 'Exported 0 objects.':\n%s", res.Stderr)
		}
		all := env.Kdx(t, "export", "--all-types", "-A", "--include-system", "--include-owned", "-o", "jsonl", "-q")
		total := strings.Count(all.Stdout, "\n")
		skipped := skippedTotal(t, res.Stderr)
		if skipped == total && skipped == skippedRows(t, res.Stderr) {
			t.Logf("fresh cluster: %d objects, all skipped:\n%s", total, res.Stderr)
			return
		}
		// Objects come and go (an event, a lease): try again before failing.
		if attempt == 3 {
			t.Fatalf("summary accounts for %d skipped objects (%d in its rows), the cluster has %d:\n%s",
				skipped, skippedRows(t, res.Stderr), total, res.Stderr)
		}
	}
}

var skippedLine = regexp.MustCompile(`(?m)^Skipped (\d+) objects:$`)
var skippedRow = regexp.MustCompile(`(?m)^\s+(\d+)\s+\S+\s+.*\((--include-system|--include-owned)\)$`)

func skippedTotal(t *testing.T, summary string) int {
	m := skippedLine.FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("no 'Skipped N objects:' line in:\n%s", summary)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func skippedRows(t *testing.T, summary string) int {
	n := 0
	for _, m := range skippedRow.FindAllStringSubmatch(summary, -1) {
		c, _ := strconv.Atoi(m[1])
		n += c
	}
	return n
}

// treeFiles lists the files under dir, relative, sorted.
func treeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// treeText renders a tree as one text: each file's path, mode and content.
func treeText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range treeFiles(t, dir) {
		info, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, f))
		fmt.Fprintf(&b, "=== %s (%v)\n%s", f, info.Mode().Perm(), data)
	}
	return b.String()
}

// diffTrees describes how two trees differ, "" when they are identical.
func diffTrees(t *testing.T, a, b string) string {
	t.Helper()
	fa, fb := treeFiles(t, a), treeFiles(t, b)
	if !slices.Equal(fa, fb) {
		return fmt.Sprintf("files of the first tree:\n%s\nfiles of the second:\n%s", strings.Join(fa, "\n"), strings.Join(fb, "\n"))
	}
	var diffs []string
	for _, f := range fa {
		da, _ := os.ReadFile(filepath.Join(a, f))
		db, _ := os.ReadFile(filepath.Join(b, f))
		ia, _ := os.Stat(filepath.Join(a, f))
		ib, _ := os.Stat(filepath.Join(b, f))
		if string(da) != string(db) || ia.Mode() != ib.Mode() {
			diffs = append(diffs, fmt.Sprintf("%s (%v, %v):\n--- first\n%s--- second\n%s", f, ia.Mode(), ib.Mode(), da, db))
		}
	}
	return strings.Join(diffs, "\n")
}

// checkExportTreeGolden compares a tree, its namespace written NAMESPACE,
// with testdata/export/<name>; -update rewrites it.
func checkExportTreeGolden(t *testing.T, dir, ns, name string) {
	t.Helper()
	got := strings.ReplaceAll(treeText(t, dir), ns, "NAMESPACE")
	golden.Check(t, filepath.Join("..", "..", "testdata", "export", name), []byte(got))
}
