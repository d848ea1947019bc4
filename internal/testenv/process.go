package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// stopGrace is how long a component gets to exit after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// apiserverStopGrace is stopGrace for kube-apiservers: once they stop
// listening they only wait for open watch connections (the controller
// manager's keep them open for the whole grace), and they keep no state.
const apiserverStopGrace = 2 * time.Second

// pollInterval is how often readiness checks are retried.
const pollInterval = 100 * time.Millisecond

// process is one running control-plane component whose output goes to a log file.
type process struct {
	// name is the component's name, used in errors.
	name string
	// logPath is the file that receives its stdout and stderr.
	logPath string
	// cmd is the running command.
	cmd *exec.Cmd
	// grace is how long stop waits after SIGTERM before SIGKILL.
	grace time.Duration
	// done is closed when the process has exited; err is set before.
	done chan struct{}
	// err is the result of cmd.Wait.
	err error
}

// startProcess starts bin with args in its own process group, killed when
// the parent dies, appending its output to logPath.
func startProcess(name, bin, logPath string, args []string) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("failed to open %s log: %w", name, err)
	}
	fmt.Fprintf(logFile, "==== %s %s\n", time.Now().Format(time.RFC3339), strings.Join(append([]string{bin}, args...), " "))
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("failed to start %s: %w", name, err)
	}
	p := &process{name: name, logPath: logPath, cmd: cmd, grace: stopGrace, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// stop sends SIGTERM to the process group, then SIGKILL after p.grace,
// and waits for the process to exit.
func (p *process) stop() {
	if p == nil || p.exited() {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(p.grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady polls check until it succeeds, the process exits or ctx ends.
// Its errors carry the tail of the component's log.
func (p *process) waitReady(ctx context.Context, check func(context.Context) error) error {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		lastErr := check(ctx)
		if lastErr == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited (%v) before it was ready; end of %s:\n%s", p.name, p.err, p.logPath, tailFile(p.logPath))
		case <-ctx.Done():
			return fmt.Errorf("%s was not ready (last check: %v): %w; end of %s:\n%s", p.name, lastErr, ctx.Err(), p.logPath, tailFile(p.logPath))
		case <-ticker.C:
		}
	}
}

// errPortInUse marks a start that failed because another process took a port.
var errPortInUse = errors.New("port already in use")

// startReady starts a component and waits for it to be ready. When it dies
// because a port we picked was taken in the meantime, it returns errPortInUse.
func startReady(ctx context.Context, start func() (*process, error), check func(context.Context) error) (*process, error) {
	p, err := start()
	if err != nil {
		return nil, err
	}
	if err := p.waitReady(ctx, check); err != nil {
		p.stop()
		if logContains(p.logPath, "address already in use") {
			return nil, fmt.Errorf("%w: %w", errPortInUse, err)
		}
		return nil, err
	}
	return p, nil
}

// withPortRetry calls start up to three times while it fails with errPortInUse.
func withPortRetry(start func() (*process, error)) (*process, error) {
	var err error
	for range 3 {
		var p *process
		if p, err = start(); !errors.Is(err, errPortInUse) {
			return p, err
		}
	}
	return nil, err
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("failed to find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logContains reports whether the log at path contains s.
func logContains(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte(s))
}
