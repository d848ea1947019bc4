package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// stderrLimit is how much of a command's stderr is kept for its error line.
const stderrLimit = 64 << 10

// Sample is one measured run.
type Sample struct {
	// Wall is the elapsed time from start to exit.
	Wall time.Duration
	// MaxRSS is the peak resident set size in bytes, the largest of the
	// command and of the descendants it waited for.
	MaxRSS int64
}

// RSSMB returns MaxRSS in MiB.
func (s Sample) RSSMB() float64 {
	return float64(s.MaxRSS) / (1 << 20)
}

// Measure runs args once with stdout on stdout, or on /dev/null when stdout
// is nil, and returns its wall time and peak RSS. A failed run returns an
// error holding the first line of its stderr.
func Measure(ctx context.Context, args []string, stdout io.Writer) (Sample, error) {
	if stdout == nil {
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return Sample{}, fmt.Errorf("failed to open %s: %w", os.DevNull, err)
		}
		defer devNull.Close()
		stdout = devNull
	}
	stderr := &limitedBuffer{limit: stderrLimit}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Sample{}, runError(ctx, args[0], err, stderr.String())
	}
	return Sample{Wall: wall, MaxRSS: maxRSS(cmd.ProcessState)}, nil
}

// runError describes a failed run by the first non-empty line of its stderr.
func runError(ctx context.Context, name string, err error, stderr string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", name, ctx.Err())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("failed to run %s: %w", name, err)
	}
	for line := range strings.Lines(stderr) {
		if line = strings.TrimSpace(line); line != "" {
			return errors.New(line)
		}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// maxRSS returns the peak RSS of an exited process in bytes (Linux reports
// rusage Maxrss in KiB).
func maxRSS(state *os.ProcessState) int64 {
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}

// byteCounter counts the bytes written to it and drops them.
type byteCounter struct {
	n int64
}

// Write counts p.
func (c *byteCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// limitedBuffer keeps the first limit bytes written to it and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	limit int
}

// Write keeps what fits and reports everything as written.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
