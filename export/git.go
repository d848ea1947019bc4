package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultLockWait is how long a commit waits for another git process to
// release the index (index.lock) before it fails.
const DefaultLockWait = 30 * time.Second

// GitTree commits the files of an export tree in the git work tree that
// holds it: only the paths given, whatever else the user staged or left
// untracked, and never a path ignored by git.
type GitTree struct {
	// Dir is the export tree.
	Dir string
	// LockWait is how long to retry while another git process holds the
	// index lock (0: DefaultLockWait).
	LockWait time.Duration
}

// CheckGit checks, before an export, that a commit can be made in dir: git
// on PATH and dir, or its nearest existing parent when dir does not exist
// yet, inside a git work tree.
func CheckGit(ctx context.Context, dir string) error {
	if _, err := exec.LookPath("git"); err != nil {
		return errors.New("--commit needs git on PATH")
	}
	at := dir
	for {
		if _, err := os.Stat(at); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		parent := filepath.Dir(at)
		if parent == at {
			break
		}
		at = parent
	}
	out, err := exec.CommandContext(ctx, "git", "-C", at, "rev-parse", "--is-inside-work-tree").Output()
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return fmt.Errorf("--commit needs %s to be in a git work tree, and %s is in none (git init, in it or in a parent)", dir, at)
	}
	return nil
}

// Commit is what GitTree.Commit did.
type Commit struct {
	// Paths are the paths committed, relative to the tree, sorted; none
	// when nothing changed.
	Paths []string
	// Ignored are the paths left out because git ignores them (.gitignore).
	Ignored []string
}

// HoldsSecrets reports whether t is the core group's Secrets.
func (t Type) HoldsSecrets() bool { return t.GVK.GroupKind() == kindSecret }

// Commit commits the paths (relative to the tree, files written or
// removed) that differ from HEAD, with message: the user's other staged
// changes and untracked files stay as they are. A commit that meets the
// index lock of another git process is tried again until LockWait passes.
func (g GitTree) Commit(ctx context.Context, paths []string, message string) (Commit, error) {
	wait := g.LockWait
	if wait == 0 {
		wait = DefaultLockWait
	}
	deadline := time.Now().Add(wait)
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		c, err := g.commit(ctx, paths, message)
		if err == nil || !errors.Is(err, errIndexLocked) || time.Now().Add(delay).After(deadline) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return c, err
		case <-time.After(delay):
		}
	}
}

// errIndexLocked is a git command that failed because another holds the
// index lock.
var errIndexLocked = errors.New("index locked")

// commit stages paths (their working tree state, removals included) and
// commits those that differ from HEAD, and them only (git commit --only).
func (g GitTree) commit(ctx context.Context, paths []string, message string) (Commit, error) {
	var c Commit
	paths = slices.Compact(slices.Sorted(slices.Values(paths)))
	ignored, err := g.git(ctx, nulList(paths), "check-ignore", "-z", "--stdin")
	if err != nil && !errors.Is(err, errNoneMatched) {
		return c, err
	}
	c.Ignored = splitNul(ignored)
	paths = slices.DeleteFunc(paths, func(p string) bool { return slices.Contains(c.Ignored, p) })
	if len(paths) == 0 {
		return c, nil
	}
	if _, err := g.git(ctx, nulList(paths), "update-index", "--add", "--remove", "-z", "--stdin"); err != nil {
		return c, err
	}
	head := "HEAD"
	if _, err := g.git(ctx, nil, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err != nil {
		// No commit yet: compare with the empty tree.
		out, err := g.git(ctx, nil, "hash-object", "-t", "tree", "--stdin")
		if err != nil {
			return c, err
		}
		head = strings.TrimSpace(string(out))
	}
	// The paths under the tree that the index changes from HEAD, ours among them.
	out, err := g.git(ctx, nil, "diff-index", "--cached", "--relative", "--no-renames", "--name-only", "-z", head)
	if err != nil {
		return c, err
	}
	staged := map[string]bool{}
	for _, p := range splitNul(out) {
		staged[p] = true
	}
	for _, p := range paths {
		if staged[filepath.ToSlash(p)] {
			c.Paths = append(c.Paths, p)
		}
	}
	if len(c.Paths) == 0 {
		return c, nil
	}
	msg, err := os.CreateTemp("", "kdx-commit-")
	if err != nil {
		return c, err
	}
	defer os.Remove(msg.Name())
	_, err = msg.WriteString(message)
	if err = errors.Join(err, msg.Close()); err != nil {
		return c, err
	}
	_, err = g.git(ctx, nulList(c.Paths), "commit", "-q", "--only", "--no-status", "-F", msg.Name(),
		"--pathspec-from-file=-", "--pathspec-file-nul")
	if err != nil {
		c.Paths = nil
	}
	return c, err
}

// errNoneMatched is git check-ignore's exit code 1: no path is ignored.
var errNoneMatched = errors.New("none matched")

// git runs git in the tree with stdin (a commit takes its pathspecs
// literally); it returns
// the standard output. An exit code 1 of check-ignore is errNoneMatched,
// a failure to take the index lock wraps errIndexLocked.
func (g GitTree) git(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", g.Dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	if args[0] == "commit" {
		cmd.Env = append(cmd.Env, "GIT_LITERAL_PATHSPECS=1") // check-ignore refuses it
	}
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.Bytes(), nil
	case args[0] == "check-ignore" && errors.As(err, &exit) && exit.ExitCode() == 1:
		return nil, errNoneMatched
	}
	msg := strings.Join(strings.Fields(stderr.String()), " ")
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	err = fmt.Errorf("git %s in %s failed: %v: %s", args[0], g.Dir, err, msg)
	if strings.Contains(stderr.String(), "index.lock") {
		err = fmt.Errorf("%w: %w", errIndexLocked, err)
	}
	return nil, err
}

// nulList is paths as git reads them with -z: slash-separated, each ended
// by a NUL.
func nulList(paths []string) []byte {
	var b bytes.Buffer
	for _, p := range paths {
		b.WriteString(filepath.ToSlash(p))
		b.WriteByte(0)
	}
	return b.Bytes()
}

// splitNul splits git's -z output into paths with the OS's separators.
func splitNul(out []byte) []string {
	var paths []string
	for p := range strings.SplitSeq(string(out), "\x00") {
		if p != "" {
			paths = append(paths, filepath.FromSlash(p))
		}
	}
	return paths
}
