package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/testenv"
)

// exportConfigMaps applies n ConfigMaps named cm-<i> in ns.
func exportConfigMaps(t *testing.T, env *testenv.Env, ns string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := range n {
		fmt.Fprintf(&b, "- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm-%d, namespace: %s}, data: {payload: %q}}\n", i, ns, strings.Repeat("x", 512))
	}
	env.Apply(t, b.String())
}

func mustKdx(t *testing.T, env *testenv.Env, args ...string) testenv.Result {
	t.Helper()
	res := env.Kdx(t, args...)
	if res.ExitCode != 0 {
		t.Fatalf("kdx %s: exit %d\n%s", strings.Join(args, " "), res.ExitCode, res.Stderr)
	}
	return res
}

func TestExportSecretModesAndRedaction(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata: {name: db, namespace: %[1]s}
stringData: {password: hunter2}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: %[1]s}
data: {a: b}
`, ns))
	for _, tc := range []struct {
		name   string
		args   []string
		secret string
	}{
		{"plain", nil, "password: aHVudGVyMg==\n"},
		{"redacted", []string{"--redact-secrets"}, "password: UkVEQUNURUQ=\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mustKdx(t, env, append([]string{"export", "secrets,configmaps", "-n", ns, "--dir", dir}, tc.args...)...)
			secret := filepath.Join(dir, ns, "core", "Secret", "db.yaml")
			cm := filepath.Join(dir, ns, "core", "ConfigMap", "settings.yaml")
			for path, mode := range map[string]os.FileMode{secret: 0o600, cm: 0o644} {
				info, err := os.Stat(path)
				if err != nil || info.Mode().Perm() != mode {
					t.Fatalf("%s: %v, mode %v, want %v", path, err, info.Mode().Perm(), mode)
				}
			}
			data, _ := os.ReadFile(secret)
			if !strings.Contains(string(data), tc.secret) {
				t.Errorf("secret file:\n%s\nwant it to contain %q", data, tc.secret)
			}
		})
	}
}

func TestExportPrune(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	exportConfigMaps(t, env, ns, 3)
	dir := t.TempDir()
	keep := filepath.Join(dir, "README.md")
	if err := os.WriteFile(keep, []byte("my tree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir)
	gone := filepath.Join(dir, ns, "core", "ConfigMap", "cm-1.yaml")
	if _, err := os.Stat(gone); err != nil {
		t.Fatalf("first export did not write cm-1: %v", err)
	}
	if res := env.RunKubectl(t, "delete", "configmap", "cm-1", "-n", ns); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	// Without --prune the file stays; with it, it goes, and nothing else does.
	mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir)
	if _, err := os.Stat(gone); err != nil {
		t.Fatalf("export without --prune removed cm-1.yaml")
	}
	res := mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir, "--prune")
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("cm-1.yaml still there after --prune: %v", err)
	}
	for _, f := range []string{keep, filepath.Join(dir, ns, "core", "ConfigMap", "cm-0.yaml"), filepath.Join(dir, ns, "core", "ConfigMap", "cm-2.yaml")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("--prune removed %s", f)
		}
	}
	if !strings.Contains(res.Stderr, "Pruned 1 file.") {
		t.Errorf("summary does not say 'Pruned 1 file.':\n%s", res.Stderr)
	}
}

func TestExportFormats(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	exportConfigMaps(t, env, ns, 2)
	args := []string{"export", "configmaps", "-n", ns, "-l", "!nothing", "--chunk-size", "1"}

	yamlOut := mustKdx(t, env, append(args, "-o", "yaml")...).Stdout
	if n := strings.Count(yamlOut, "\n---\n"); n != 1 || strings.Contains(yamlOut, "resourceVersion") {
		t.Errorf("yaml: %d separators, want 1 (and no resourceVersion):\n%s", n, yamlOut)
	}
	var list struct {
		Kind  string           `json:"kind"`
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(mustKdx(t, env, append(args, "-o", "json")...).Stdout), &list); err != nil || list.Kind != "List" || len(list.Items) != 2 {
		t.Errorf("json: %v, kind %q, %d items; want a List of 2", err, list.Kind, len(list.Items))
	}
	lines := strings.Split(strings.TrimSpace(mustKdx(t, env, append(args, "-o", "jsonl")...).Stdout), "\n")
	if len(lines) != 2 {
		t.Errorf("jsonl: %d lines, want 2", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("jsonl: invalid line %q", l)
		}
	}
}

func TestExportBadInput(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no type", []string{"export"}, "error: you must specify the type of resource to export, or --all-types\n"},
		{"type and all types", []string{"export", "pods", "--all-types"}, "error: --all-types exports every type: give no TYPE or NAME with it\n"},
		{"unknown format", []string{"export", "pods", "-o", "xml"}, "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: json,jsonl,yaml\n"},
		{"jsonl to dir", []string{"export", "pods", "-o", "jsonl", "--dir", "x"}, "error: --output jsonl cannot be written to --dir: use yaml or json\n"},
		{"prune without dir", []string{"export", "pods", "--prune"}, "error: --prune needs --dir\n"},
		{"prune with selector", []string{"export", "pods", "--dir", "x", "--prune", "-l", "a=b"}, "error: --prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out\n"},
		{"unknown type", []string{"export", "nosuchthings"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Kdx(t, tc.args...)
			if res.ExitCode != 1 || strings.Count(res.Stderr, "\n") != 1 || !strings.HasPrefix(res.Stderr, "error: ") {
				t.Errorf("exit %d, stderr %q: want exit 1 and one error line", res.ExitCode, res.Stderr)
			}
			if tc.want != "" && res.Stderr != tc.want {
				t.Errorf("stderr = %q, want %q", res.Stderr, tc.want)
			}
		})
	}
}

// TestExportInterrupted interrupts an export to a directory (SIGINT, which
// cancels the command's context) once files appear: kdx exits non-zero,
// and the directory holds no temporary file and only complete files.
func TestExportInterrupted(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	exportConfigMaps(t, env, ns, 400)
	for attempt := 1; attempt <= 3; attempt++ {
		dir := t.TempDir()
		stderr, code := interruptExport(t, env, dir, "export", "configmaps", "-n", ns, "--dir", dir, "--chunk-size", "2")
		if code == 0 {
			t.Logf("attempt %d: the export finished before the interrupt", attempt)
			continue
		}
		if !strings.Contains(stderr, "error: export interrupted") {
			t.Errorf("stderr does not say the export was interrupted:\n%s", stderr)
		}
		files := treeFiles(t, dir)
		files = slices.DeleteFunc(files, func(f string) bool { return f == export.RecordFile })
		// The record of what was written lists the files there, all of them.
		if record, err := os.ReadFile(filepath.Join(dir, export.RecordFile)); err != nil || !strings.HasSuffix(string(record), "\n"+strings.Join(files, "\n")+"\n") {
			t.Errorf("the record of the files written (%v):\n%s\nwant it to list:\n%s", err, record, strings.Join(files, "\n"))
		}
		for _, f := range files {
			data, _ := os.ReadFile(filepath.Join(dir, f))
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			if strings.Contains(f, ".kdx-tmp-") || !bytes.HasSuffix(data, []byte("  name: "+name+"\n  namespace: "+ns+"\n")) {
				t.Errorf("temporary or partial file %s:\n%s", f, data)
			}
		}
		t.Logf("interrupted after %d of 400 files", len(files))
		return
	}
	t.Fatal("the export always finished before it could be interrupted")
}

// interruptExport runs kdx with args, sends SIGINT once a complete file
// appears in dir (not only the temporary file one is written to: stopped
// then, the export has written nothing, and keeps no record of it) and
// returns its stderr and exit code.
func interruptExport(t *testing.T, env *testenv.Env, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(testenv.KdxBinary(t), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+env.Kubeconfig, "HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(completeFiles(dir)) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	return stderr.String(), cmd.ProcessState.ExitCode()
}

// completeFiles are the files of an export tree being written, without its
// temporary files and its record (treeFiles without failing on a directory
// being written).
func completeFiles(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(d.Name(), ".kdx-tmp-") && d.Name() != export.RecordFile {
			out = append(out, p)
		}
		return nil
	})
	return out
}
