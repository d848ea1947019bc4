package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestIsStale(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := strconv.Itoa(dead.Process.Pid)
	tests := []struct {
		name  string
		owner string // "" for no owner file
		age   time.Duration
		want  bool
	}{
		{"dead owner, old", deadPID, time.Hour, true},
		{"dead owner, new", deadPID, 0, false},
		{"live owner, old", strconv.Itoa(os.Getpid()), time.Hour, false},
		{"no owner file", "", time.Hour, false},
		{"garbage owner file", "x", time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.owner != "" {
				if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(tt.owner), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			mtime := time.Now().Add(-tt.age)
			if err := os.Chtimes(dir, mtime, mtime); err != nil {
				t.Fatal(err)
			}
			if got := isStale(dir); got != tt.want {
				t.Errorf("isStale: got %v, want %v", got, tt.want)
			}
		})
	}
}
