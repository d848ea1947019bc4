package export

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// gitRepo makes a git work tree with one commit and returns its path and a
// function running git in it.
func gitRepo(t *testing.T) (string, func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	repo := t.TempDir()
	git := testenv.GitRepo(t, repo)
	writeFiles(t, repo, map[string]string{"README.md": "repo\n"})
	git("add", "README.md")
	git("commit", "-q", "-m", "first")
	return repo, git
}

// TestGitCommitOnlyTheExport: the commit holds the paths given that
// changed, none of the user's staged files outside the tree, untracked
// files inside it, leftover temporary files or files git ignores; the
// user's index keeps what they staged.
func TestGitCommitOnlyTheExport(t *testing.T) {
	repo, git := gitRepo(t)
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	dir := filepath.Join(repo, "exp")
	writeFiles(t, repo, map[string]string{
		"staged.txt":                           "the user's work\n",
		"exp/notes.txt":                        "the user's notes\n",
		"exp/ns/core/ConfigMap/.kdx-tmp-1-2-3": "half",
		"exp/ns/core/ConfigMap/a.yaml":         "a\n",
		"exp/ns/core/ConfigMap/b.yaml":         "b\n",
		"exp/ns/core/Secret/s.yaml":            "s\n",
		".gitignore":                           "Secret/\n",
	})
	git("add", "staged.txt")
	g := GitTree{Dir: dir}
	paths := []string{"ns/core/ConfigMap/a.yaml", "ns/core/ConfigMap/b.yaml", "ns/core/Secret/s.yaml", "ns/core/ConfigMap/never.yaml"}
	c, err := g.Commit(context.Background(), paths, "kdx export: 2 objects\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ns/core/ConfigMap/a.yaml", "ns/core/ConfigMap/b.yaml"}; !slices.Equal(c.Paths, want) {
		t.Errorf("committed %v, want %v", c.Paths, want)
	}
	if want := []string{"ns/core/Secret/s.yaml"}; !slices.Equal(c.Ignored, want) {
		t.Errorf("ignored %v, want %v", c.Ignored, want)
	}
	if got := git("show", "--name-only", "--format=%s", "HEAD"); got != "kdx export: 2 objects\n\nexp/ns/core/ConfigMap/a.yaml\nexp/ns/core/ConfigMap/b.yaml\n" {
		t.Errorf("commit:\n%s", got)
	}
	status := git("status", "--porcelain", "--untracked-files=all")
	for _, want := range []string{"A  staged.txt", "?? .gitignore", "?? exp/notes.txt", "?? exp/ns/core/ConfigMap/.kdx-tmp-1-2-3"} {
		if !strings.Contains(status, want+"\n") {
			t.Errorf("status has no %q:\n%s", want, status)
		}
	}

	// A file removed is a removal committed; nothing changed, no commit.
	if err := os.Remove(filepath.Join(dir, "ns/core/ConfigMap/b.yaml")); err != nil {
		t.Fatal(err)
	}
	c, err = g.Commit(context.Background(), []string{"ns/core/ConfigMap/b.yaml", "ns/core/ConfigMap/a.yaml"}, "kdx export: removed b\n")
	if err != nil || !slices.Equal(c.Paths, []string{"ns/core/ConfigMap/b.yaml"}) {
		t.Fatalf("removal: committed %v, %v", c.Paths, err)
	}
	if got := git("show", "--name-status", "--format=", "HEAD"); got != "D\texp/ns/core/ConfigMap/b.yaml\n" {
		t.Errorf("removal commit:\n%s", got)
	}
	head := git("rev-parse", "HEAD")
	if c, err := g.Commit(context.Background(), []string{"ns/core/ConfigMap/a.yaml"}, "nothing\n"); err != nil || len(c.Paths) > 0 {
		t.Errorf("an unchanged path: committed %v, %v", c.Paths, err)
	}
	if git("rev-parse", "HEAD") != head {
		t.Errorf("a commit was made with nothing changed")
	}
	if !strings.Contains(git("status", "--porcelain"), "A  staged.txt") {
		t.Errorf("the user's staged file is no longer staged")
	}
}

// TestGitCommitWaitsForTheIndexLock: a commit that meets another git's
// index.lock waits for it and commits, and fails naming the lock only when
// the lock stays past LockWait.
func TestGitCommitWaitsForTheIndexLock(t *testing.T) {
	repo, git := gitRepo(t)
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	writeFiles(t, repo, map[string]string{"exp/ns/core/ConfigMap/a.yaml": "a\n"})
	lock := filepath.Join(repo, ".git", "index.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	g := GitTree{Dir: filepath.Join(repo, "exp"), LockWait: 200 * time.Millisecond}
	if _, err := g.Commit(context.Background(), []string{"ns/core/ConfigMap/a.yaml"}, "m\n"); err == nil || !strings.Contains(err.Error(), "index.lock") {
		t.Fatalf("commit with the lock held throughout: err = %v, want one naming index.lock", err)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = os.Remove(lock)
	}()
	g.LockWait = 20 * time.Second
	c, err := g.Commit(context.Background(), []string{"ns/core/ConfigMap/a.yaml"}, "m\n")
	if err != nil || len(c.Paths) != 1 {
		t.Fatalf("commit after the lock went: committed %v, %v", c.Paths, err)
	}
	if got := git("log", "--format=%s"); got != "m\nfirst\n" {
		t.Errorf("log:\n%s", got)
	}
}

// TestCheckGit: a tree not created yet inside a work tree is fine; outside
// any, the error does not advise to nest a repository in the tree.
func TestCheckGit(t *testing.T) {
	repo, _ := gitRepo(t)
	if err := CheckGit(context.Background(), filepath.Join(repo, "new", "tree")); err != nil {
		t.Errorf("a new directory in a work tree: %v", err)
	}
	outside := filepath.Join(t.TempDir(), "tree")
	err := CheckGit(context.Background(), outside)
	if err == nil || strings.Contains(err.Error(), "git init "+outside) {
		t.Errorf("outside a work tree: %v", err)
	}
}
