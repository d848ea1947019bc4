package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

// freshPlaceholder in an argument becomes a new empty directory per run.
const freshPlaceholder = "{fresh}"

// Options are the flags and the command of measure.
type Options struct {
	// Runs is the number of measured runs.
	Runs int
	// Warmup is the number of runs before them that are not measured.
	Warmup int
	// Setup is a shell command run before every run, untimed.
	Setup string
	// Timeout bounds each run.
	Timeout time.Duration
	// Verbose prints every sample to ErrOut.
	Verbose bool
	// Command is the command and its arguments.
	Command []string

	// ErrOut receives the samples with Verbose.
	ErrOut io.Writer

	// fresh are the fresh directories made so far, removed at the end of Run.
	fresh []string
}

// NewOptions returns the defaults, printing samples to errOut.
func NewOptions(errOut io.Writer) *Options {
	return &Options{Runs: 5, Warmup: 1, Timeout: 10 * time.Minute, ErrOut: errOut}
}

// AddFlags registers the flags.
func (o *Options) AddFlags(flags *pflag.FlagSet) {
	flags.IntVar(&o.Runs, "runs", o.Runs, "measured runs")
	flags.IntVar(&o.Warmup, "warmup", o.Warmup, "unmeasured runs before them")
	flags.StringVar(&o.Setup, "setup", o.Setup, "shell command to run before every run, untimed")
	flags.DurationVar(&o.Timeout, "timeout", o.Timeout, "limit for each run")
	flags.BoolVarP(&o.Verbose, "verbose", "v", o.Verbose, "print every sample on stderr")
}

// Validate checks the flags and that a command was given.
func (o *Options) Validate() error {
	switch {
	case len(o.Command) == 0:
		return errors.New("no command given (usage: measure [flags] -- COMMAND [ARG...])")
	case o.Runs < 1:
		return errors.New("--runs must be at least 1")
	case o.Warmup < 0:
		return errors.New("--warmup must not be negative")
	case o.Timeout <= 0:
		return errors.New("--timeout must be positive")
	}
	return nil
}

// Run does the warm-up and measured runs and summarizes the measured ones.
// The first warm-up run's output is counted, not timed; the others go to
// /dev/null.
func (o *Options) Run(ctx context.Context) (Result, error) {
	defer o.removeFresh()
	samples := make([]Sample, 0, o.Runs)
	var output *byteCounter
	for i := range o.Warmup + o.Runs {
		var stdout io.Writer
		if i == 0 && o.Warmup > 0 {
			output = &byteCounter{}
			stdout = output
		}
		s, err := o.runOnce(ctx, stdout)
		if err != nil {
			return Result{}, err
		}
		if i < o.Warmup {
			continue
		}
		if o.Verbose {
			fmt.Fprintf(o.ErrOut, "run %d: %.3fs %.1fMB\n", i-o.Warmup+1, s.Wall.Seconds(), s.RSSMB())
		}
		samples = append(samples, s)
	}
	r := Summarize(samples)
	r.OutputBytes = -1
	if output != nil {
		r.OutputBytes = output.n
	}
	return r, nil
}

// runOnce runs the setup and then the command once, with fresh directories
// and its output on stdout (nil for /dev/null).
func (o *Options) runOnce(ctx context.Context, stdout io.Writer) (Sample, error) {
	args, err := o.freshArgs(o.Command)
	if err != nil {
		return Sample{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if o.Setup != "" {
		if _, err := Measure(ctx, []string{"bash", "-c", o.Setup}, nil); err != nil {
			return Sample{}, fmt.Errorf("setup: %w", err)
		}
	}
	// Flush what earlier runs left dirty (their outputs, the removal of
	// their fresh directories) outside the timing: a command that syncs its
	// own writes (kdx export) must not pay for another's.
	syscall.Sync()
	return Measure(ctx, args, stdout)
}

// freshArgs replaces freshPlaceholder in args with one new temporary
// directory, removed at the end of Run. Removing it right after its run
// would slow the next one down on some file systems: ext4 without a journal
// (as on the bench machines) skips, one by one, the inodes freed in the last
// minute when it allocates new ones, so creating 20,000 files just after
// removing 20,000 costs several times as much as creating them at any other
// moment.
func (o *Options) freshArgs(args []string) ([]string, error) {
	if !strings.Contains(strings.Join(args, "\x00"), freshPlaceholder) {
		return args, nil
	}
	dir, err := os.MkdirTemp("", "kdx-measure-")
	if err != nil {
		return nil, fmt.Errorf("failed to create a fresh directory: %w", err)
	}
	o.fresh = append(o.fresh, dir)
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, freshPlaceholder, dir)
	}
	return out, nil
}

// removeFresh removes the fresh directories of the runs.
func (o *Options) removeFresh() {
	for _, dir := range o.fresh {
		_ = os.RemoveAll(dir)
	}
	o.fresh = nil
}
