package testenv

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// modulePath is the module whose root holds testdata/controlplane/build.sh.
const modulePath = "github.com/kdxproject/kdx"

// binaries are the executables build.sh puts in the binary directory.
var binaries = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kubectl"}

// DefaultBinDir returns where build.sh puts the binaries:
// $KDX_CONTROLPLANE_DIR, else $XDG_CACHE_HOME/kdx/controlplane/<Version>,
// else $HOME/.cache/kdx/controlplane/<Version>.
func DefaultBinDir() string {
	if dir := os.Getenv("KDX_CONTROLPLANE_DIR"); dir != "" {
		return dir
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		cache = filepath.Join(os.Getenv("HOME"), ".cache")
	}
	return filepath.Join(cache, "kdx", "controlplane", Version)
}

// ensureBinaries builds the binaries into dir unless they are all there.
// A lock file keeps concurrent test binaries from building at the same time.
func ensureBinaries(ctx context.Context, dir string, out io.Writer) error {
	if missingBinary(dir) == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create binary directory: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, ".build.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if missingBinary(dir) == "" {
		return nil // built by someone else while we waited for the lock
	}
	if err := runBuildScript(ctx, dir, out); err != nil {
		return err
	}
	if name := missingBinary(dir); name != "" {
		return fmt.Errorf("build.sh did not produce %s in %s", name, dir)
	}
	return nil
}

// missingBinary returns the name of the first binary not executable in dir, or "".
func missingBinary(dir string) string {
	for _, name := range binaries {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			return name
		}
	}
	return ""
}

// lockFile takes an exclusive flock on path and returns its release.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("failed to open build lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("failed to lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// runBuildScript runs testdata/controlplane/build.sh with its progress on out.
func runBuildScript(ctx context.Context, dir string, out io.Writer) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	script := filepath.Join(root, "testdata", "controlplane", "build.sh")
	fmt.Fprintf(out, "testenv: control plane binaries missing in %s; running %s\n", dir, script)
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append(os.Environ(), "KDX_CONTROLPLANE_DIR="+dir)
	cmd.Stdout = io.Discard
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("failed to build the control plane with %s: %w", script, err)
	}
	return nil
}

// ModuleRoot returns the directory holding the go.mod of the kdx module,
// found by walking up from the working directory (a test's package directory).
func ModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("failed to get working directory: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if isModuleRoot(dir) {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("failed to find the go.mod of module %s above %s", modulePath, wd)
		}
	}
}

// isModuleRoot reports whether dir/go.mod declares the kdx module.
func isModuleRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == modulePath
		}
	}
	return false
}
