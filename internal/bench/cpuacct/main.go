package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"github.com/spf13/pflag"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run turns accounting on, runs the command, turns it off and prints the
// summary; it returns the command's exit code, or 2 when it cannot measure.
func run(args []string, out, errOut io.Writer) int {
	flags := pflag.NewFlagSet("cpuacct", pflag.ContinueOnError)
	flags.SetOutput(errOut)
	file := flags.String("file", "", "keep the accounting records in this file (default: a temporary file, removed)")
	parents := flags.Bool("parents", false, "one line per process name and its parent's name")
	minCPU := flags.Float64("min", 0.5, "leave out the lines of fewer CPU-seconds")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() == 0 {
		fmt.Fprintln(errOut, "error: no command: cpuacct [--parents] [--file F] -- COMMAND [ARG...]")
		return 2
	}
	path := *file
	if path == "" {
		f, err := os.CreateTemp("", "cpuacct-")
		if err != nil {
			fmt.Fprintln(errOut, "error:", err)
			return 2
		}
		f.Close()
		path = f.Name()
		defer os.Remove(path)
	} else if err := os.WriteFile(path, nil, 0o644); err != nil {
		fmt.Fprintln(errOut, "error:", err)
		return 2
	}
	if err := syscall.Acct(path); err != nil {
		fmt.Fprintf(errOut, "error: cannot turn process accounting on (it needs root): %v\n", err)
		return 2
	}
	cmd := exec.Command(flags.Arg(0), flags.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	runErr := cmd.Run()
	// acct(NULL) turns it off; syscall.Acct("") would pass "".
	if _, _, e := syscall.Syscall(syscall.SYS_ACCT, 0, 0, 0); e != 0 {
		fmt.Fprintf(errOut, "error: cannot turn process accounting off: %v\n", e)
	}
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(runErr, &exitErr):
		code = exitErr.ExitCode()
	case runErr != nil:
		fmt.Fprintln(errOut, "error:", runErr)
		return 2
	}
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(errOut, "error:", err)
		return 2
	}
	recs, err := parse(b)
	if err != nil {
		fmt.Fprintln(errOut, "error:", err)
		return 2
	}
	printTotals(out, summarize(recs, *parents), *minCPU)
	return code
}
