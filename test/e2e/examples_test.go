package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// example is one command line of the README or of a command's Example,
// with the lines before it in the same block (they share a directory).
type example struct {
	// where names the block: "README.md" or "kdx get".
	where string
	line  string
}

// exampleSkips are the examples that cannot run here, each with why.
var exampleSkips = map[string]string{
	// zsh's fpath array, in the user's zsh: bash has no fpath, and the
	// line would write /_kdx.
	`kdx completion zsh > "${fpath[1]}/_kdx"`: "needs zsh",
	// the explorer needs a terminal: ui_test.go runs it under a pseudo-terminal
	"kdx ui":               "interactive",
	"kdx ui configmaps -A": "interactive",
	"kdx ui deployments -l app=web --where 'object.spec.replicas > 1'":                           "interactive",
	"kdx ui -n team-a                             # explore: the API surface, live tables, YAML": "interactive",
	"kdx ui deployments --readonly                # ... and look only: no delete, edit or scale": "interactive",
	"kdx ui configmaps --context 'prod-*' -A      # one live table over a fleet, CONTEXT first":  "interactive",
	"kdx ui --readonly":                       "interactive",
	"kdx ui configmaps -A --context 'prod-*'": "interactive",
	// kdx edit opens the user's editor on a terminal (the scripted edit
	// of the same block runs).
	"kdx edit deployment/web": "opens an interactive editor",
	"kdx edit secret app":     "opens an interactive editor",
}

// exampleChecks check what an example did, beyond its exit code, by its line.
var exampleChecks = map[string]func(t *testing.T, env *testenv.Env){
	// Over a fleet, -o name lines carry their namespace: both ConfigMaps
	// named scratch (demo and team-a, testdata/examples/objects.yaml) are
	// deleted, not the one of the current namespace twice.
	`kdx get configmaps -l tier=scratch -A --context staging,other -o name | xargs -L1 kdx delete --ignore-not-found`: func(t *testing.T, env *testenv.Env) {
		res := env.RunKubectl(t, "get", "configmaps", "-A", "-l", "tier=scratch", "-o", "name")
		if res.ExitCode != 0 || res.Stdout != "" {
			t.Errorf("after the recipe, kubectl still lists (exit %d):\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	},
}

// readmeExamples are the kdx lines of the README's code blocks, one block per block.
func readmeExamples(t *testing.T, root string) [][]example {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks [][]example
	var cur []example
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```"):
			if in && len(cur) > 0 {
				blocks = append(blocks, cur)
			}
			in, cur = !in, nil
		case in && strings.HasPrefix(strings.TrimSpace(line), "kdx "):
			cur = append(cur, example{where: "README.md", line: strings.TrimSpace(line)})
		}
	}
	return blocks
}

// helpExamples are the command lines of every command's Example, as the
// built kdx's help shows them (kdx --help, then kdx COMMAND --help for each
// of its commands, and so on down): one block per command.
func helpExamples(t *testing.T) [][]example {
	t.Helper()
	bin := testenv.KdxBinary(t)
	var blocks [][]example
	var walk func(path []string)
	walk = func(path []string) {
		out, err := exec.Command(bin, append(slices.Clone(path), "--help")...).Output()
		if err != nil {
			t.Fatalf("kdx %s --help: %v", strings.Join(path, " "), err)
		}
		lines, commands := helpSections(string(out))
		where := strings.Join(append([]string{"kdx"}, path...), " ")
		var cur []example
		for _, line := range lines {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				cur = append(cur, example{where: where, line: line})
			}
		}
		if len(cur) > 0 {
			blocks = append(blocks, cur)
		}
		for _, c := range commands {
			walk(append(slices.Clone(path), c))
		}
	}
	walk(nil)
	return blocks
}

// helpSections returns the lines of the Examples section of a command's
// help and the names of its Available Commands (but help).
func helpSections(help string) (examples, commands []string) {
	section := ""
	for _, line := range strings.Split(help, "\n") {
		if line != "" && !strings.HasPrefix(line, " ") {
			section = line
			continue
		}
		switch section {
		case "Examples:":
			examples = append(examples, line)
		case "Available Commands:":
			if f := strings.Fields(line); len(f) > 0 && f[0] != "help" {
				commands = append(commands, f[0])
			}
		}
	}
	return examples, commands
}

// TestExamplesRun runs every command the README and the help show, as
// written, with bash, against the demo data and testdata/examples, with
// "demo" as the current namespace: each must exit 0. The lines of one
// block run in order in one directory (an export, then an apply of it);
// the blocks run beside each other, each on a control plane it has to
// itself while it runs (testenv.Alone).
func TestExamplesRun(t *testing.T) {
	t.Parallel()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	blocks := append(readmeExamples(t, root), helpExamples(t)...)
	if len(blocks) < 10 {
		t.Fatalf("found %d example blocks: the extraction is broken", len(blocks))
	}
	var mu sync.Mutex
	checked := map[string]bool{}
	t.Cleanup(func() { // once every block ran
		for line := range exampleChecks {
			if !checked[line] {
				t.Errorf("no example runs %q (its check is in exampleChecks): was it changed?", line)
			}
		}
	})
	for _, block := range blocks {
		t.Run(block[0].where, func(t *testing.T) {
			t.Parallel()
			runExampleBlock(t, root, block, func(line string) {
				mu.Lock()
				defer mu.Unlock()
				checked[line] = true
			})
		})
	}
}

// runExampleBlock runs the examples of one block in order, in one
// directory, on a control plane of the test's own holding the demo data;
// ran is told of each example that has a check in exampleChecks.
func runExampleBlock(t *testing.T, root string, block []example, ran func(line string)) {
	env := testenv.Alone(t)
	env.ApplyFile(t, filepath.Join(root, "testdata", "demo", "00-namespace.yaml"))
	applyDemoCRDs(t, env)
	fixtures := []string{filepath.Join(root, "testdata", "demo", "20-objects.yaml"), filepath.Join(root, "testdata", "examples", "objects.yaml")}
	// "staging" and "other" stand for a second cluster: the same server.
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	data, err := os.ReadFile(env.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kubeconfig, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfgEnv := []string{"KUBECONFIG=" + kubeconfig}
	for _, args := range [][]string{
		{"config", "set-context", "--current", "--namespace", "demo"},
		{"config", "set-context", "staging", "--cluster", "testenv", "--user", "admin", "--namespace", "demo"},
		{"config", "set-context", "other", "--cluster", "testenv", "--user", "admin", "--namespace", "demo"},
	} {
		if res := env.RunKubectlIn(t, nil, cfgEnv, args...); res.ExitCode != 0 {
			t.Fatalf("kubectl %v: %s", args, res.Stderr)
		}
	}
	kdxDir := filepath.Dir(testenv.KdxBinary(t))
	dir := t.TempDir()
	home := t.TempDir()
	copyExampleFiles(t, filepath.Join(root, "testdata", "examples"), dir)
	// Where the fish example installs its script.
	if err := os.MkdirAll(filepath.Join(home, ".config", "fish", "completions"), 0o755); err != nil {
		t.Fatal(err)
	}
	// (testdata's app.yaml: an example may overwrite the copy in dir).
	app := filepath.Join(root, "testdata", "examples", "app.yaml")
	// written: an example may have changed the objects since the fixtures
	// were last applied (the control plane's last test too).
	written := true
	for _, ex := range block {
		t.Run(ex.where+": "+ex.line, func(t *testing.T) {
			if why, ok := exampleSkips[ex.line]; ok {
				t.Skipf("not run: %s", why)
			}
			creates := strings.Contains(ex.line, "kdx create")
			if written || creates {
				for _, f := range fixtures {
					env.ApplyFile(t, f)
				}
				// app.yaml's objects exist for every example but those that create them.
				if creates {
					env.DeleteFile(t, app)
				} else {
					env.ApplyFile(t, app)
				}
			}
			written = writeVerb.MatchString(ex.line)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", ex.line)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+kdxDir+":"+os.Getenv("PATH"), "KUBECONFIG="+kubeconfig,
				"HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s\n%v\n%s", ex.line, err, out)
			}
			if check, ok := exampleChecks[ex.line]; ok {
				ran(ex.line)
				check(t, env)
			}
		})
	}
}

// writeVerb matches an example line that runs a command that may change
// objects: the fixtures are applied again before the next example.
var writeVerb = regexp.MustCompile(`(^|\s)(annotate|apply|create|delete|edit|label|patch|replace|scale)(\s|$)`)

// copyExampleFiles copies the files of testdata/examples into dir.
func copyExampleFiles(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
